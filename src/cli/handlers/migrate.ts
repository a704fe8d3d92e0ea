/**
 * `rds-echo migrate <rdsecho.properties>`: the original rds-echo's configuration (the file, under the `-D` words of
 * RDS_ECHO_OPTS) written as `stacks/<echo>.yaml`, checked against the schema before anything is written.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { definitionPath, parseDefinition } from "../../definition/load.js";
import { DefinitionError, UsageError } from "../../errors.js";
import { LEGACY_OPTS_VARIABLE } from "../../migrate/legacy.js";
import { layered, parseJavaOpts, parseProperties } from "../../migrate/properties.js";
import { translateProperties } from "../../migrate/translate.js";
import { migratedYaml } from "../../migrate/write-yaml.js";
import type { CommandContext } from "../context.js";

export interface MigrateFileRequest {
  readonly propertiesFile: string;
  readonly name?: string;
  readonly force: boolean;
}

export async function migrateProperties({ root, reporter }: CommandContext, request: MigrateFileRequest, env: NodeJS.ProcessEnv): Promise<void> {
  let text: string;
  try {
    text = await readFile(request.propertiesFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`${request.propertiesFile}: no such file (the original's rdsecho.properties)`);
    throw error;
  }
  const opts = env[LEGACY_OPTS_VARIABLE] ?? "";
  const properties = layered(parseJavaOpts(opts), parseProperties(text));
  const translation = translateProperties(properties, { ...(request.name ? { name: request.name } : {}), env });
  const source = path.basename(request.propertiesFile);
  const header = [
    `Migrated by \`rds-echo migrate\` from ${source}${opts.trim() ? ` and the -D words of ${LEGACY_OPTS_VARIABLE}` : ""}.`,
    "Each comment says where its value came from. Check them, then: rds-echo plan " + translation.echo,
    ...(translation.warnings.length > 0 ? ["Not carried over (see the warnings printed by migrate):", ...translation.warnings.map((w) => `  - ${w}`)] : []),
  ];
  const yaml = migratedYaml(translation, header);
  const file = definitionPath(root, translation.echo);
  const shown = path.relative(process.cwd(), file) || file;
  // Checked before writing: a file that does not validate would only move the problem to the next command.
  try {
    parseDefinition(yaml, shown, translation.echo);
  } catch (error) {
    if (error instanceof DefinitionError) throw new UsageError(`the migrated definition does not validate, nothing written: ${error.message}`);
    throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, yaml, { flag: request.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${shown} already exists; use --force to overwrite it`);
    throw error;
  }
  for (const warning of translation.warnings) reporter.warn(warning);
  reporter.text(`wrote ${shown} from ${request.propertiesFile}${translation.warnings.length ? ` (${translation.warnings.length} warning(s) above)` : ""}; check it with \`rds-echo plan ${translation.echo}\``);
  reporter.data({ file, echo: translation.echo, warnings: translation.warnings });
}
