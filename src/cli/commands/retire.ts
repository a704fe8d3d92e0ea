/** `rds-echo retire <echo>`: destroy forgotten generations beyond retire.keep (or one named generation). */
import type { CommandModule } from "yargs";
import { isGenerationOf } from "../../definition/identifiers.js";
import { UsageError } from "../../errors.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface RetireArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  force: boolean;
  generation?: string;
}

export const retireCommand: CommandModule<GlobalArgs, RetireArgs> = {
  command: "retire <echo>",
  describe: "Destroy forgotten generations beyond retire.keep, oldest first (stacks and history stay)",
  builder: (y) =>
    confirmOptions(echoCommandOptions(y))
      .option("generation", { type: "string", describe: "retire this forgotten generation" })
      .option("force", { type: "boolean", default: false, describe: "with --generation: also retire an unpromoted generation (a failed restore)" })
      .example("$0 retire development --yes", "retire what retire.keep does not keep")
      .example("$0 retire development --generation development-20261120-0300", "retire one forgotten generation"),
  handler: (args) =>
    run(args, async () => {
      const generation = args.generation;
      // --force only ever widens what one named generation may be; on its own it would be silently ignored.
      if (args.force && generation === undefined) {
        throw new UsageError("retire --force needs --generation <name>: it retires that one unpromoted generation (a failed restore), nothing else");
      }
      if (generation !== undefined && !isGenerationOf(args.echo, generation)) {
        throw new UsageError(`--generation "${generation}" is not a generation of ${args.echo} (expected ${args.echo}-<yyyymmdd>-<hhmm>)`);
      }
      const [{ runSteps }, { retireGenerations }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/retire.js")]);
      const request = { command: "retire", echo: args.echo, engine: engineFlags(args), yes: args.yes, force: args.force };
      return runSteps(contextFrom(args), request, (ctx, state) => retireGenerations(ctx, state, generation !== undefined ? { generation } : {}), { promote: false, retire: true });
    }),
};
