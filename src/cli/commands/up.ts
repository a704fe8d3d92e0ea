/** `rds-echo up <echo>` / `up --all`: advance the echo (or every echo) as far as it can go (idempotent; safe from cron). */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, fleetOptions, fleetRequest, upOptions, type ConfirmArgs, type EngineArgs, type FleetArgs } from "./options.js";

interface UpArgs extends EngineArgs, ConfirmArgs, FleetArgs {
  echo?: string;
  promote: boolean;
  retire: boolean;
}

export const upCommand: CommandModule<GlobalArgs, UpArgs> = {
  command: "up [echo]",
  describe: "Advance the echo (or, with --all, every echo) as far as it can go (idempotent; safe from cron)",
  builder: (y) =>
    fleetOptions(upOptions(confirmOptions(echoCommandOptions(y, true)), ""))
      .example("$0 up development --promote --retire --yes", "what a nightly cron job runs")
      .example("$0 up development --sandbox --promote --yes", "the whole lifecycle, offline")
      .example("$0 up --all --promote --retire --yes --parallel 4", "every echo in stacks/, four at a time"),
  handler: (args) =>
    run(args, async () => {
      const fleet = await fleetRequest("up", args);
      const engine = engineFlags(args);
      const options = { promote: args.promote, retire: args.retire };
      const requestFor = (echo: string) => ({ command: "up", echo, engine, yes: args.yes, createsGeneration: true, promotes: args.promote });
      const [{ runSteps, stepsBody, openPrepared }, { up }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/up.js")]);
      if (fleet.kind === "one") return runSteps(contextFrom(args), requestFor(fleet.echo), (ctx) => up(ctx, options), options);
      const { runFleet } = await import("../fleet/run-fleet.js");
      return runFleet(contextFrom(args), {
        verb: "up",
        command: `up --all${args.promote ? " --promote" : ""}${args.retire ? " --retire" : ""}`,
        parallel: fleet.parallel,
        engine,
        request: (echo) => ({ ...requestFor(echo), notifies: true }),
        run: (command, prepared, shared) => openPrepared(command, prepared, stepsBody(command, prepared.request, (ctx) => up(ctx, options), options), shared),
      });
    }),
};
