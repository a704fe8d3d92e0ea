/**
 * `rds-echo migrate <rdsecho.properties>` writes a definition from the original rds-echo's configuration;
 * `rds-echo migrate --adopt <echo>` takes over the instances the original tagged, one generation stack each.
 */
import type { Argv, CommandModule } from "yargs";
import { UsageError } from "../../errors.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, engineFlags, engineOptions, type ConfirmArgs, type EngineArgs } from "./options.js";

interface MigrateArgs extends EngineArgs, ConfirmArgs {
  properties?: string;
  name?: string;
  force: boolean;
  adopt?: string;
  legacyName?: string;
  preview: boolean;
}

export const migrateCommand: CommandModule<GlobalArgs, MigrateArgs> = {
  command: "migrate [properties]",
  describe: "Move from the original (Java) rds-echo: write a definition from rdsecho.properties, or --adopt its instances",
  builder: (y) =>
    (confirmOptions(engineOptions(y as Argv<GlobalArgs>)) as unknown as Argv<GlobalArgs & EngineArgs & ConfirmArgs>)
      .positional("properties", { type: "string", describe: "the original's rdsecho.properties (RDS_ECHO_OPTS's -D words are read too)" })
      .option("name", { type: "string", describe: "echo name (default: rdsecho.name)" })
      .option("force", { type: "boolean", default: false, describe: "overwrite an existing stacks/<echo>.yaml" })
      .option("adopt", { type: "string", describe: "import the instances the original tagged into generation stacks of this echo" })
      .option("legacy-name", { type: "string", describe: "with --adopt: the original's rdsecho.name in its tags (default: the echo)" })
      .option("preview", { type: "boolean", default: false, describe: "with --adopt: show what would be adopted, change nothing" })
      .example("$0 migrate rdsecho.properties", "write stacks/<rdsecho.name>.yaml")
      .example("RDS_ECHO_OPTS='-Drdsecho.region=eu-west-1' $0 migrate rdsecho.properties --name dev", "with the -D overrides the original read")
      .example("$0 migrate --adopt dev --preview", "what adopting the original's instances would do")
      .example("$0 migrate --adopt dev --yes", "adopt them") as unknown as Argv<MigrateArgs>,
  handler: (args) =>
    run(args, async () => {
      // Imported here, not at the top: the definition's loader brings zod and yaml, which `--help` must not load.
      const { assertEchoName } = await import("../../definition/load.js");
      if (args.adopt !== undefined) {
        if (args.properties !== undefined) throw new UsageError("give a properties file or --adopt <echo>, not both: migrate the file first, then adopt");
        if (args.force || args.name !== undefined) throw new UsageError("--force and --name go with a properties file, not with --adopt");
        assertEchoName(args.adopt);
        const { adoptLegacy } = await import("../handlers/adopt.js");
        return adoptLegacy(contextFrom(args), {
          echo: args.adopt,
          legacyName: args.legacyName ?? args.adopt,
          engine: engineFlags(args),
          yes: args.yes,
          preview: args.preview,
        });
      }
      if (args.properties === undefined) throw new UsageError("name the original's properties file (rds-echo migrate rdsecho.properties), or --adopt <echo>");
      if (args.preview || args.legacyName !== undefined) throw new UsageError("--preview and --legacy-name go with --adopt");
      if (args.name !== undefined) assertEchoName(args.name);
      const { migrateProperties } = await import("../handlers/migrate.js");
      await migrateProperties(contextFrom(args), { propertiesFile: args.properties, ...(args.name !== undefined ? { name: args.name } : {}), force: args.force }, process.env);
    }),
};
