/** `rds-echo up <echo>`: advance the echo as far as it can go (idempotent; safe from cron). */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, upOptions, type ConfirmArgs, type EngineArgs } from "./options.js";

interface UpArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  promote: boolean;
  retire: boolean;
}

export const upCommand: CommandModule<GlobalArgs, UpArgs> = {
  command: "up <echo>",
  describe: "Advance the echo as far as it can go (idempotent; safe from cron)",
  builder: (y) =>
    upOptions(confirmOptions(echoCommandOptions(y)), "")
      .example("$0 up development --promote --retire --yes", "what a nightly cron job runs")
      .example("$0 up development --sandbox --promote --yes", "the whole lifecycle, offline"),
  handler: (args) =>
    run(args, async () => {
      const [{ runSteps }, { up }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/up.js")]);
      const request = { command: "up", echo: args.echo, engine: engineFlags(args), yes: args.yes, createsGeneration: true, promotes: args.promote };
      const options = { promote: args.promote, retire: args.retire };
      return runSteps(contextFrom(args), request, (ctx) => up(ctx, options), options);
    }),
};
