/** `rds-echo new <echo>`: restore the latest available snapshot into a new generation. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface NewArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  force: boolean;
}

export const newCommand: CommandModule<GlobalArgs, NewArgs> = {
  command: "new <echo>",
  describe: "Restore the latest available snapshot into a new generation",
  builder: (y) =>
    confirmOptions(echoCommandOptions(y))
      .option("force", { type: "boolean", default: false, describe: "start even while the newest generation is younger than guard.minAgeHours or another is unpromoted" })
      .example("$0 new development --yes", "restore a new generation of development"),
  handler: (args) =>
    run(args, async () => {
      const [{ runSteps }, { newGeneration }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/new.js")]);
      const request = { command: "new", echo: args.echo, engine: engineFlags(args), yes: args.yes, force: args.force, createsGeneration: true };
      return runSteps(contextFrom(args), request, async (ctx, state) => [await newGeneration(ctx, state)]);
    }),
};
