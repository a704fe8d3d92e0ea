/** `rds-echo history <echo>`: the merged stack histories of an echo's generations, newest first (the audit trail). */
import type { CommandModule } from "yargs";
import type { EchoHistoryEntry } from "../../lifecycle/history.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import type { Reporter } from "../reporter.js";
import { run } from "../run.js";
import { echoCommandOptions, engineFlags, type EngineArgs } from "./options.js";

interface HistoryArgs extends EngineArgs {
  echo: string;
}

export const historyCommand: CommandModule<GlobalArgs, HistoryArgs> = {
  command: "history <echo>",
  describe: "The merged stack histories of an echo's generations, newest first",
  builder: (y) => echoCommandOptions(y).example("$0 history development --json", "the audit trail as JSON"),
  handler: (args) =>
    run(args, async () => {
      const [{ withEcho }, { echoHistory }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/history.js")]);
      const command = contextFrom(args);
      const entries = await withEcho(command, { echo: args.echo, engine: engineFlags(args) }, (ctx) => echoHistory(ctx.ports, ctx.definition.echo));
      command.reporter.data(entries);
      printHistory(command.reporter, entries);
      return 0;
    }),
};

function printHistory(reporter: Reporter, entries: readonly EchoHistoryEntry[]): void {
  if (entries.length === 0) reporter.text("no history yet");
  for (const e of entries) {
    // A demotion's "delete" is the CNAME record leaving the stack, retained: say that, not "delete".
    const changes = Object.entries(e.resourceChanges)
      .filter(([op]) => op !== "same" && !(op === "delete" && e.recordsHandedOver !== undefined))
      .map(([op, n]) => `${op} ${n}`)
      .concat(e.recordsHandedOver !== undefined ? [`${e.recordsHandedOver === 1 ? "record" : `${e.recordsHandedOver} records`} handed over, not deleted`] : [])
      .join(", ");
    reporter.text(`${e.startTime.toISOString()}  ${e.generation}  ${e.kind.padEnd(7)} ${e.result.padEnd(11)} ${e.message}${changes ? `  [${changes}]` : ""}`);
  }
}
