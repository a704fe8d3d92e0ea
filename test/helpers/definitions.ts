import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { parseDefinition } from "../../src/definition/load.js";
import { isClusterEcho, type EchoDefinition, type InstanceEchoDefinition } from "../../src/definition/schema.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The shipped example definition, as text and as parsed YAML data. */
export const developmentYaml = readFileSync(path.join(REPO_ROOT, "stacks/development.yaml"), "utf8");

/**
 * The example without its `hooks:` block (the file's last section), for tests about something else that count steps
 * or history entries. Hooks have tests of their own (test/hooks, test/lifecycle/hooks*, test/db).
 */
export const developmentYamlWithoutHooks = withoutHooks(developmentYaml);

function withoutHooks(text: string): string {
  const cut = text.replace(/\n# Scrub each new generation[\s\S]*$/, "\n");
  if (/^hooks:/m.test(cut) || cut === text) throw new Error("test/helpers/definitions.ts: the example's hooks block is no longer its last section; update withoutHooks");
  return cut;
}

/** Writes a definition (default: the example as shipped) to `<dir>/stacks/development.yaml`, with the example's scrub files. */
export function writeExample(dir: string, text: string = developmentYaml): void {
  mkdirSync(path.join(dir, "stacks"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "stacks/scrub"), path.join(dir, "stacks/scrub"), { recursive: true });
  writeFileSync(path.join(dir, "stacks/development.yaml"), text);
}

export function developmentData(): Record<string, any> {
  return parse(developmentYaml) as Record<string, any>;
}

/** Validates definition data written as YAML, as if it were `stacks/<echo>.yaml`. */
export function definitionFrom(data: unknown, echo = "development"): EchoDefinition {
  return parseDefinition(stringify(data), `stacks/${echo}.yaml`, echo);
}

/** The shipped example definition, validated. */
export function developmentDefinition(): InstanceEchoDefinition {
  return instanceEcho(definitionFrom(developmentData()));
}

/** Narrows a definition a test knows to be an instance echo (fails the test when it is not). */
export function instanceEcho(definition: EchoDefinition): InstanceEchoDefinition {
  if (isClusterEcho(definition)) throw new Error(`${definition.echo} is a cluster echo, not an instance echo`);
  return definition;
}
