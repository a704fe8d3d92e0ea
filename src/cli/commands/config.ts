/** `rds-echo config <echo>`: write a commented definition template. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

interface ConfigArgs extends GlobalArgs {
  echo: string;
  force: boolean;
}

export const configCommand: CommandModule<GlobalArgs, ConfigArgs> = {
  command: "config <echo>",
  describe: "Write a commented template definition stacks/<echo>.yaml",
  builder: (y) =>
    y
      .positional("echo", { type: "string", demandOption: true, describe: "echo name (lower-case RDS identifier)" })
      .option("force", { type: "boolean", default: false, describe: "overwrite an existing definition" })
      .example("$0 config staging", "write stacks/staging.yaml"),
  handler: (args) =>
    run(args, async () => {
      const { writeTemplate } = await import("../handlers/config.js");
      await writeTemplate(contextFrom(args), args.echo, args.force);
    }),
};
