/**
 * A temporary copy of a stack's config file carrying other settings, for `--config-file`: a preview runs with it,
 * so the stack's own file is never written, and not even a killed preview can leave the settings changed.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GenerationSettings } from "../../ports.js";
import { stackFileWithSettings } from "./config.js";
import { readStackFile } from "./workspace.js";

/** Runs `body` with the copy's path; the copy (0600, in a private directory) is removed afterwards. */
export async function withConfigFile<T>(workDir: string, generation: string, settings: GenerationSettings, body: (configFile: string) => Promise<T>): Promise<T> {
  const current = await readStackFile(workDir, generation);
  const dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-preview-"));
  try {
    const configFile = path.join(dir, `Pulumi.${generation}.yaml`);
    await writeFile(configFile, stackFileWithSettings(current, settings), { mode: 0o600 });
    return await body(configFile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
