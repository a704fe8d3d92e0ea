/**
 * Reading what an echo's hooks refer to (SQL files, scripts, a CA file) at the CLI edge, before any cloud call: a
 * missing, oversized or special file (a FIFO, /dev/zero) is the person's to fix (exit 2), and the lifecycle gets a
 * HookSet it never has to read files for. Each file is read once, here; the hooks run what was read.
 */
import path from "node:path";
import { readBoundedText, UnreadableFile } from "../definition/bounded-read.js";
import type { EchoDefinition } from "../definition/schema.js";
import { DefinitionError } from "../errors.js";
import { buildHookSet, referencedFile, type HookSet } from "./plan.js";

/** The largest SQL file or script a hook may name: scrubs are statements, not data. */
export const MAX_HOOK_FILE_BYTES = 16 * 1024 * 1024;
/** The largest `hooks.ca` file: the whole RDS bundle of every region is about 200 KiB. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

/** Loads the hooks of a definition whose file lives in `stacksDir` (paths are relative to it). */
export async function loadHookSet(stacksDir: string, definition: EchoDefinition): Promise<HookSet> {
  const hooks = definition.hooks;
  const dirName = path.basename(stacksDir);
  const file = path.join(dirName, `${definition.echo}.yaml`);
  const files = new Map<string, string>();
  const problems: { path: string; message: string }[] = [];
  for (const phase of ["afterRestore", "beforePromote"] as const) {
    for (const [index, spec] of (hooks?.[phase] ?? []).entries()) {
      // A `sql:` file, or the `./script` a `run:` command starts with (a program on PATH is not ours to check).
      const ref = referencedFile(spec);
      if (ref === undefined || files.has(ref)) continue;
      try {
        files.set(ref, await readBoundedText(path.resolve(stacksDir, ref), MAX_HOOK_FILE_BYTES));
      } catch (error) {
        if (!(error instanceof UnreadableFile)) throw error;
        const key = `hooks.${phase}[${index}].${spec.sql !== undefined ? "sql" : "run"}`;
        const shown = path.join(dirName, ref);
        const message = error.reason === "missing" ? `no such file ${shown} (paths are relative to ${dirName}/)` : `${shown} ${error.message}`;
        problems.push({ path: key, message });
      }
    }
  }
  let ca: string | undefined;
  if (hooks?.ca !== undefined) {
    try {
      ca = await readBoundedText(path.resolve(stacksDir, hooks.ca), MAX_CA_FILE_BYTES);
      if (!ca.includes("BEGIN CERTIFICATE")) problems.push({ path: "hooks.ca", message: `${hooks.ca} is not a PEM file of CA certificates` });
    } catch (error) {
      if (!(error instanceof UnreadableFile)) throw error;
      problems.push({ path: "hooks.ca", message: `${hooks.ca} ${error.message}; give a PEM file of CA certificates` });
    }
  }
  if (problems.length > 0) throw new DefinitionError(file, problems);
  return buildHookSet(hooks, stacksDir, files, ca);
}
