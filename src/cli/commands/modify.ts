/** `rds-echo modify <echo>`: apply the settings RDS only accepts after create. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface ModifyArgs extends EngineArgs, ConfirmArgs {
  echo: string;
}

export const modifyCommand: CommandModule<GlobalArgs, ModifyArgs> = {
  command: "modify <echo>",
  describe: "Apply the settings RDS only accepts after create",
  builder: (y) => confirmOptions(echoCommandOptions(y)).example("$0 modify development", "show the diff, ask, apply"),
  handler: (args) =>
    run(args, async () => {
      const [{ runSteps }, { modifyGeneration }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/modify.js")]);
      const request = { command: "modify", echo: args.echo, engine: engineFlags(args), yes: args.yes };
      return runSteps(contextFrom(args), request, async (ctx, state) => [await modifyGeneration(ctx, state)]);
    }),
};
