/**
 * Reading what an echo's hooks refer to (SQL files, scripts, a CA file) at the CLI edge, before any cloud call: a
 * missing file is the person's to fix (exit 2), and the lifecycle gets a HookSet it never has to read files for.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { EchoDefinition } from "../definition/schema.js";
import { DefinitionError } from "../errors.js";
import { buildHookSet, isSqlFile, referencedFile, type HookSet } from "./plan.js";

/** Loads the hooks of a definition whose file lives in `stacksDir` (paths are relative to it). */
export async function loadHookSet(stacksDir: string, definition: EchoDefinition): Promise<HookSet> {
  const hooks = definition.hooks;
  const file = path.join(path.basename(stacksDir), `${definition.echo}.yaml`);
  const files = new Map<string, string>();
  const problems: { path: string; message: string }[] = [];
  for (const phase of ["afterRestore", "beforePromote"] as const) {
    for (const [index, spec] of (hooks?.[phase] ?? []).entries()) {
      const ref = referencedFile(spec);
      if (ref === undefined) continue;
      const text = await readText(path.resolve(stacksDir, ref));
      // A run: command's first word may be a program on PATH rather than a script here; only SQL files must exist.
      if (text !== undefined) files.set(ref, text);
      else if (spec.sql !== undefined && isSqlFile(spec.sql)) {
        problems.push({ path: `hooks.${phase}[${index}].sql`, message: `no such file ${path.join(path.basename(stacksDir), ref)} (paths are relative to ${path.basename(stacksDir)}/)` });
      }
    }
  }
  let ca: string | undefined;
  if (hooks?.ca !== undefined) {
    ca = await readText(path.resolve(stacksDir, hooks.ca));
    if (ca === undefined || !ca.includes("BEGIN CERTIFICATE")) problems.push({ path: "hooks.ca", message: `${hooks.ca} is not a readable PEM file of CA certificates` });
  }
  if (problems.length > 0) throw new DefinitionError(file, problems);
  return buildHookSet(hooks, stacksDir, files, ca);
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}
