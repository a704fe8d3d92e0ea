/**
 * Entry point for the plain Pulumi CLI (`main` in Pulumi.yaml): `pulumi preview -s development-20261125-1230` from the
 * repo root evaluates the same program the driver runs, with the definition named by the stack's `rds-echo:echo`.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadDefinition } from "../definition/load.js";
import { programFromStackConfig } from "./from-config.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "./stack-config.js";

export default async () => {
  const echo = new pulumi.Config(CONFIG_NAMESPACE).require(CONFIG_KEYS.echo);
  const definition = await loadDefinition(process.cwd(), echo);
  return programFromStackConfig(definition);
};
