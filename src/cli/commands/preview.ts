/** `rds-echo preview <echo>`: what the next step of `up` would change, changing nothing. */
import type { CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { echoCommandOptions, engineFlags, upOptions, type EngineArgs } from "./options.js";

interface PreviewArgs extends EngineArgs {
  echo: string;
  promote: boolean;
  retire: boolean;
}

export const previewCommand: CommandModule<GlobalArgs, PreviewArgs> = {
  command: "preview <echo>",
  describe: "Show what the next step of `up` would change, changing nothing",
  builder: (y) => upOptions(echoCommandOptions(y), "consider: ").example("$0 preview development --promote", "the next step, promotion included"),
  handler: (args) =>
    run(args, async () => {
      const [{ withEcho }, { previewNext }, { loadEchoState }, { whatWaits }, { formatChanges }, { approvalForWaits }] = await Promise.all([
        import("../handlers/session.js"),
        import("../../lifecycle/preview.js"),
        import("../../lifecycle/echo-state.js"),
        import("../../lifecycle/waiting.js"),
        import("../terminal.js"),
        import("../../lifecycle/approval.js"),
      ]);
      const command = contextFrom(args);
      const request = { echo: args.echo, engine: engineFlags(args), promotes: args.promote };
      const options = { promote: args.promote, retire: args.retire };
      const { preview, waiting } = await withEcho(command, request, async (ctx) => {
        const next = await previewNext(ctx, options);
        // What waits matters most when there is no next step; it is said either way, as `up` would.
        const state = await loadEchoState(ctx.ports, ctx.definition);
        return { preview: next, waiting: whatWaits(ctx, state, options, await approvalForWaits(ctx, state)) };
      });
      command.reporter.data({ ...preview, waiting });
      if (!preview.step) command.reporter.text(`${args.echo}: nothing to do${waiting.length ? "" : " (and nothing waits)"}`);
      for (const c of preview.changes) for (const line of formatChanges(c.label, c.set)) command.reporter.text(line);
      for (const w of waiting) command.reporter.text(`waiting  ${w.generation ? `${w.generation}  ` : ""}${w.reason}; to move it: ${w.next}`);
      return 0;
    }),
};
