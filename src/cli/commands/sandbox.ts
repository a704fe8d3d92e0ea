/** `rds-echo sandbox show|reset|advance <duration>`: look at, reset, or move the clock of the offline sandbox. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

export interface SandboxArgs extends GlobalArgs {
  action: "show" | "reset" | "advance" | "serve";
  duration?: string;
  port?: number;
}

export const sandboxCommand: CommandModule<GlobalArgs, SandboxArgs> = {
  command: "sandbox <action> [duration]",
  describe: "Show, reset, advance the clock of, or serve the RDS endpoint of the offline sandbox (.rds-echo/sandbox.json)",
  builder: (y) =>
    y
      .positional("action", { choices: ["show", "reset", "advance", "serve"] as const, demandOption: true })
      .positional("duration", { type: "string", describe: "with advance: how far, e.g. 21h or 2d" })
      .option("port", { type: "number", describe: "with serve: loopback port (default: the port in the sandbox's links, 4599)" })
      .example("$0 sandbox show", "instances, snapshots, records and the simulated time")
      .example("$0 sandbox advance 21h", "let a day pass, so the next `up` starts a new generation")
      .example("$0 sandbox reset", "start over")
      .example("$0 sandbox serve", "answer clicked approval links on 127.0.0.1 until stopped (Ctrl-C)"),
  handler: (args) =>
    run(args, async () => {
      const { sandboxAction } = await import("../handlers/sandbox.js");
      if (args.action === "serve") return (await import("../handlers/sandbox.js")).serve(contextFrom(args), args.port);
      await sandboxAction(contextFrom(args), args.action, args.duration);
    }),
};
