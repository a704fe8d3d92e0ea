/** `rds-echo reboot <echo>`: reboot so pending settings take effect. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface RebootArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  force: boolean;
}

export const rebootCommand: CommandModule<GlobalArgs, RebootArgs> = {
  command: "reboot <echo>",
  describe: "Reboot so pending settings take effect (skipped when nothing is pending)",
  builder: (y) =>
    confirmOptions(echoCommandOptions(y))
      .option("force", { type: "boolean", default: false, describe: "reboot even when RDS reports nothing pending" })
      .example("$0 reboot development --yes", "reboot if RDS reports pending settings"),
  handler: (args) =>
    run(args, async () => {
      const [{ runSteps }, { rebootGeneration }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/reboot.js")]);
      const request = { command: "reboot", echo: args.echo, engine: engineFlags(args), yes: args.yes, force: args.force };
      return runSteps(contextFrom(args), request, async (ctx, state) => [await rebootGeneration(ctx, state)]);
    }),
};
