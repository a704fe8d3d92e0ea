/** `rds-echo preview <echo>` / `preview --all`: what the next step of `up` would change, changing nothing. */
import type { CommandModule } from "yargs";
import type { StepContext } from "../../lifecycle/context.js";
import type { UpOptions } from "../../lifecycle/up.js";
import { contextFrom, type CommandContext, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { echoCommandOptions, engineFlags, fleetOptions, fleetRequest, upOptions, type EngineArgs, type FleetArgs } from "./options.js";

interface PreviewArgs extends EngineArgs, FleetArgs {
  echo?: string;
  promote: boolean;
  retire: boolean;
}

export const previewCommand: CommandModule<GlobalArgs, PreviewArgs> = {
  command: "preview [echo]",
  describe: "Show what the next step of `up` would change (for one echo, or every echo with --all), changing nothing",
  builder: (y) =>
    fleetOptions(upOptions(echoCommandOptions(y, true), "consider: "))
      .example("$0 preview development --promote", "the next step, promotion included")
      .example("$0 preview --all --promote", "what `up --all --promote --yes` would do next, echo by echo"),
  handler: (args) =>
    run(args, async () => {
      const fleet = await fleetRequest("preview", args);
      const { withEcho, openPrepared } = await import("../handlers/session.js");
      const engine = engineFlags(args);
      const options = { promote: args.promote, retire: args.retire };
      const requestFor = (echo: string) => ({ echo, engine, promotes: args.promote });
      if (fleet.kind === "one") {
        const command = contextFrom(args);
        return withEcho(command, requestFor(fleet.echo), (ctx) => previewEcho(command, ctx, options));
      }
      const { runFleet } = await import("../fleet/run-fleet.js");
      return runFleet(contextFrom(args), {
        verb: "preview",
        command: `preview --all${args.promote ? " --promote" : ""}${args.retire ? " --retire" : ""}`,
        parallel: fleet.parallel,
        engine,
        request: requestFor,
        run: (command, prepared, shared) => openPrepared(command, prepared, (ctx) => previewEcho(command, ctx, options), shared),
      });
    }),
};

/** One echo's preview, printed: its next step's changes, then what waits (`{ step, changes, waiting }` with --json). */
async function previewEcho(command: CommandContext, ctx: StepContext, options: UpOptions): Promise<number> {
  const [{ previewNext }, { loadEchoState }, { whatWaits }, { formatChanges }, { approvalForWaits }] = await Promise.all([
    import("../../lifecycle/preview.js"),
    import("../../lifecycle/echo-state.js"),
    import("../../lifecycle/waiting.js"),
    import("../terminal.js"),
    import("../../lifecycle/approval.js"),
  ]);
  const preview = await previewNext(ctx, options);
  // What waits matters most when there is no next step; it is said either way, as `up` would.
  const state = await loadEchoState(ctx.ports, ctx.definition);
  const waiting = whatWaits(ctx, state, options, await approvalForWaits(ctx, state));
  command.reporter.data({ ...preview, waiting: (await import("../steps.js")).hinted(command.reporter, waiting) });
  if (!preview.step) command.reporter.text(`${ctx.definition.echo}: nothing to do${waiting.length ? "" : " (and nothing waits)"}`);
  for (const c of preview.changes) for (const line of formatChanges(c.label, c.set)) command.reporter.text(line);
  for (const w of waiting) command.reporter.text(`waiting  ${w.generation ? `${w.generation}  ` : ""}${w.reason}; to move it: ${w.next}`);
  return 0;
}
