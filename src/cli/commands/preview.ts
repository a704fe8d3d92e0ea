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
      const [{ withEcho }, { previewNext }, { formatChanges }] = await Promise.all([
        import("../handlers/session.js"),
        import("../../lifecycle/preview.js"),
        import("../terminal.js"),
      ]);
      const command = contextFrom(args);
      const request = { echo: args.echo, engine: engineFlags(args), promotes: args.promote };
      const preview = await withEcho(command, request, (ctx) => previewNext(ctx, { promote: args.promote, retire: args.retire }));
      command.reporter.data(preview);
      if (!preview.step) command.reporter.text(`${args.echo}: nothing to do`);
      for (const c of preview.changes) for (const line of formatChanges(c.label, c.set)) command.reporter.text(line);
      return 0;
    }),
};
