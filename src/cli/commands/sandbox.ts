/** `rds-echo sandbox show|reset|advance <duration>`: look at, reset, or move the clock of the offline sandbox. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

export interface SandboxArgs extends GlobalArgs {
  action: "show" | "reset" | "advance";
  duration?: string;
}

export const sandboxCommand: CommandModule<GlobalArgs, SandboxArgs> = {
  command: "sandbox <action> [duration]",
  describe: "Show, reset, or advance the clock of the offline sandbox (.rds-echo/sandbox.json)",
  builder: (y) =>
    y
      .positional("action", { choices: ["show", "reset", "advance"] as const, demandOption: true })
      .positional("duration", { type: "string", describe: "with advance: how far, e.g. 21h or 2d" })
      .example("$0 sandbox show", "instances, snapshots, records and the simulated time")
      .example("$0 sandbox advance 21h", "let a day pass, so the next `up` starts a new generation")
      .example("$0 sandbox reset", "start over"),
  handler: (args) =>
    run(args, async () => {
      const { sandboxAction } = await import("../handlers/sandbox.js");
      await sandboxAction(contextFrom(args), args.action, args.duration);
    }),
};
