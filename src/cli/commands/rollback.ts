/** `rds-echo rollback <echo> [--to <generation>]`: point the CNAME back at a generation that served before. */
import type { CommandModule } from "yargs";
import { isGenerationOf } from "../../definition/identifiers.js";
import { UsageError } from "../../errors.js";
import type { RollbackOptions } from "../../lifecycle/rollback.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface RollbackArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  to?: string;
  preview: boolean;
}

export const rollbackCommand: CommandModule<GlobalArgs, RollbackArgs> = {
  command: "rollback <echo>",
  describe: "Point the CNAME back at the newest forgotten generation (or --to one); the one left is marked rolled-back",
  builder: (y) =>
    confirmOptions(echoCommandOptions(y))
      .option("to", { type: "string", describe: "the forgotten generation to go back to (default: the newest one not rolled back from)" })
      .option("preview", { type: "boolean", default: false, describe: "show what the rollback would change, and change nothing" })
      .example("$0 rollback development --preview", "what a rollback would do")
      .example("$0 rollback development --to development-20261124-0300 --yes", "go back to that generation"),
  handler: (args) =>
    run(args, async () => {
      const options = rollbackOptions(args);
      const [{ runSteps }, { rollbackGeneration }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/rollback.js")]);
      const request = { command: "rollback", echo: args.echo, engine: engineFlags(args), yes: args.yes, promotes: true };
      return runSteps(contextFrom(args), request, (ctx, state) => rollbackGeneration(ctx, state, options));
    }),
};

/** The flags as the lifecycle's typed options: a `--to` that cannot name a generation of this echo is refused here. */
function rollbackOptions(args: RollbackArgs): RollbackOptions {
  if (args.to !== undefined && !isGenerationOf(args.echo, args.to)) {
    throw new UsageError(`--to "${args.to}" is not a generation of ${args.echo} (expected ${args.echo}-<yyyymmdd>-<hhmm>)`);
  }
  return { ...(args.to !== undefined ? { to: args.to } : {}), preview: args.preview };
}
