/**
 * Entry point for the plain Pulumi CLI (`main` in Pulumi.yaml): `pulumi preview -s development-20261125-1230` from the
 * repo root evaluates the same program the driver runs, with the definition named by the stack's `rds-echo:echo`.
 *
 * The CLI runs `main` with the working directory set to main's own folder (dist/program), so definitions are found
 * from the project root instead: where Pulumi.yaml is, as the engine reports it, else the package root.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { loadDefinition } from "../definition/load.js";
import { programFromStackConfig } from "./from-config.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "./stack-config.js";

/** This file is <root>/dist/program/entry.js (or src/program/entry.ts): two folders below the project root. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The engine's project root when it gives one (an absolute path; mocks give a placeholder), else the package root. */
export function projectRoot(): string {
  const reported = pulumi.runtime.getRootDirectory();
  return path.isAbsolute(reported) ? reported : PACKAGE_ROOT;
}

export default async () => {
  const echo = new pulumi.Config(CONFIG_NAMESPACE).require(CONFIG_KEYS.echo);
  const definition = await loadDefinition(projectRoot(), echo);
  return programFromStackConfig(definition);
};
