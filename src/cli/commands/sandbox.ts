/**
 * `rds-echo sandbox show|reset|advance <duration>|serve|seed-legacy <echo>`: look at, reset, move the clock of, serve
 * the RDS endpoint of the offline sandbox, or give it what the original rds-echo would have left (to try `migrate --adopt`).
 */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

export interface SandboxArgs extends GlobalArgs {
  action: "show" | "reset" | "advance" | "serve" | "seed-legacy";
  value?: string;
  port?: number;
  legacyName?: string;
}

export const sandboxCommand: CommandModule<GlobalArgs, SandboxArgs> = {
  command: "sandbox <action> [value]",
  describe: "Show, reset, advance the clock of, serve the RDS endpoint of, or seed the original rds-echo's instances into the offline sandbox (.rds-echo/sandbox.json)",
  builder: (y) =>
    y
      .positional("action", { choices: ["show", "reset", "advance", "serve", "seed-legacy"] as const, demandOption: true })
      .positional("value", { type: "string", describe: "with advance: how far, e.g. 21h or 2d; with seed-legacy: the echo" })
      .option("port", { type: "number", describe: "with serve: loopback port (default: the port in the sandbox's links, 4599)" })
      .option("legacy-name", { type: "string", describe: "with seed-legacy: the original's rdsecho.name (default: the echo)" })
      .example("$0 sandbox show", "instances, snapshots, records and the simulated time")
      .example("$0 sandbox advance 21h", "let a day pass, so the next `up` starts a new generation")
      .example("$0 sandbox reset", "start over")
      .example("$0 sandbox seed-legacy development", "two instances the original rds-echo promoted, the CNAME on the newer")
      .example("$0 sandbox serve", "answer clicked approval links on 127.0.0.1 until stopped (Ctrl-C)"),
  handler: (args) =>
    // Every hint of a sandbox command is about the sandbox: its commands carry --sandbox.
    run({ ...args, sandbox: true }, async () => {
      const { sandboxAction } = await import("../handlers/sandbox.js");
      if (args.action === "serve") return (await import("../handlers/sandbox.js")).serve(contextFrom({ ...args, sandbox: true }), args.port);
      if (args.action === "seed-legacy") return (await import("../handlers/sandbox.js")).seedLegacy(contextFrom({ ...args, sandbox: true }), args.value, args.legacyName);
      await sandboxAction(contextFrom({ ...args, sandbox: true }), args.action, args.value);
    }),
};
