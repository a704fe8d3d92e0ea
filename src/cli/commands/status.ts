/** `rds-echo status [echo]`: every generation, its stage and RDS status, and which one the CNAME serves. */
import type { CommandModule } from "yargs";
import type { EchoStatus } from "../../lifecycle/status.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import type { Reporter } from "../reporter.js";
import { run } from "../run.js";
import { echoCommandOptions, engineFlags, type EngineArgs } from "./options.js";

interface StatusArgs extends EngineArgs {
  echo?: string;
  all: boolean;
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs> = {
  command: "status [echo]",
  describe: "Every generation: stage, RDS status, endpoint, snapshot, age, and which one the CNAME serves",
  builder: (y) =>
    echoCommandOptions(y, true)
      .option("all", { type: "boolean", default: false, describe: "also list retired generations" })
      .example("$0 status development --json", "as JSON")
      .example("$0 status", "every echo in stacks/"),
  handler: (args) =>
    run(args, async () => {
      const [{ withDefinition }, { listEchoes, loadDefinition }, { echoStatus }, { UsageError }] = await Promise.all([
        import("../handlers/session.js"),
        import("../../definition/load.js"),
        import("../../lifecycle/status.js"),
        import("../../errors.js"),
      ]);
      const command = contextFrom(args);
      const echoes = args.echo !== undefined ? [args.echo] : await listEchoes(command.root);
      if (echoes.length === 0) throw new UsageError(`no echo given and no definitions in ${command.root}/stacks`);
      // Every definition is validated before anything touches the cloud.
      const definitions = await Promise.all(echoes.map((echo) => loadDefinition(command.root, echo)));
      const statuses: EchoStatus[] = [];
      for (const definition of definitions) {
        const status = await withDefinition(command, definition, { echo: definition.echo, engine: engineFlags(args) }, (ctx) => echoStatus(ctx.ports, ctx.definition));
        // Retired generations keep their stacks forever (the audit trail); the everyday view leaves them out.
        statuses.push(args.all ? status : { ...status, generations: status.generations.filter((g) => g.stage !== "retired") });
      }
      command.reporter.data(args.echo !== undefined ? statuses[0] : statuses);
      for (const s of statuses) printStatus(command.reporter, s);
      return 0;
    }),
};

function printStatus(reporter: Reporter, s: EchoStatus): void {
  reporter.text(`${s.echo}${s.cname ? `: ${s.cname} -> ${s.cnameTarget ?? "(no record)"}${s.servedBy ? ` (${s.servedBy})` : ""}` : ""}`);
  if (s.generations.length === 0) reporter.text("  no generations yet");
  for (const g of s.generations) {
    reporter.text(
      `  ${g.serving ? "*" : " "} ${g.generation}  ${g.stage.padEnd(10)} ${(g.rdsStatus ?? "-").padEnd(10)} ${String(g.ageHours).padStart(6)} h  ${g.endpoint ?? "-"}  ${g.snapshot ?? ""}`.trimEnd(),
    );
  }
}
