/** `rds-echo status [echo]`: every generation, its stage and RDS status, and which one the CNAME serves. */
import type { CommandModule } from "yargs";
import type { EchoStatus } from "../../lifecycle/status.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import { existsSync } from "node:fs";
import path from "node:path";
import { problemsOf, type Reporter } from "../reporter.js";
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
      const [{ withDefinition }, { listEchoes, loadDefinition, noStacksDir }, { echoStatus }, { UsageError }] = await Promise.all([
        import("../handlers/session.js"),
        import("../../definition/load.js"),
        import("../../lifecycle/status.js"),
        import("../../errors.js"),
      ]);
      const command = contextFrom(args);
      if (args.echo !== undefined) {
        const definition = await loadDefinition(command.root, args.echo);
        const status = visible(await withDefinition(command, definition, { echo: definition.echo, engine: engineFlags(args) }, (ctx) => echoStatus(ctx.ports, ctx.definition, { archived: args.all })), args.all);
        command.reporter.data(status);
        printStatus(command.reporter, status);
        return 0;
      }
      const echoes = await listEchoes(command.root);
      if (echoes.length === 0) {
        throw existsSync(path.join(command.root, "stacks"))
          ? new UsageError(`no echo given and no definitions in ${path.join(command.root, "stacks")}; write one with \`rds-echo config <echo>\``)
          : noStacksDir(command.root);
      }
      // Every definition is validated before anything touches the cloud; one bad file must not hide the others.
      const loaded = await Promise.allSettled(echoes.map((echo) => loadDefinition(command.root, echo)));
      const statuses: EchoStatus[] = [];
      for (const result of loaded) {
        if (result.status === "rejected") continue;
        const definition = result.value;
        statuses.push(visible(await withDefinition(command, definition, { echo: definition.echo, engine: engineFlags(args) }, (ctx) => echoStatus(ctx.ports, ctx.definition, { archived: args.all })), args.all));
      }
      const broken = loaded.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
      command.reporter.data({ echoes: statuses, problems: broken.flatMap((e) => problemsOf(e)) });
      for (const s of statuses) printStatus(command.reporter, s);
      if (broken.length === 0) return 0;
      // A definition that does not load is an input error: shown after the others, and exit 2.
      if (!command.reporter.json) for (const e of broken) command.reporter.problem(e instanceof Error ? e.message : String(e));
      return 2;
    }),
};

/** Retired generations (listed, or archived after retire.archiveAfter) are history; the everyday view leaves them out. */
function visible(status: EchoStatus, all: boolean): EchoStatus {
  return all ? status : { ...status, generations: status.generations.filter((g) => g.stage !== "retired") };
}

function printStatus(reporter: Reporter, s: EchoStatus): void {
  reporter.text(`${s.echo}${s.cname ? `: ${s.cname} -> ${s.cnameTarget ?? "(no record)"}${s.servedBy ? ` (${s.servedBy})` : ""}` : ""}`);
  if (s.generations.length === 0) reporter.text("  no generations yet");
  const width = Math.max(0, ...s.generations.map((g) => g.generation.length));
  const row = (serving: string, generation: string, stage: string, rds: string, age: string, rest: string) =>
    `  ${serving} ${generation.padEnd(width)}  ${stage.padEnd(10)} ${rds.padEnd(10)} ${age.padStart(8)}  ${rest}`.trimEnd();
  // The columns named once, and what the star means: a reader should not have to guess either.
  if (s.generations.length > 0) reporter.text(row(" ", "generation", "stage", "rds", "age", "endpoint  snapshot  (* serves the CNAME)"));
  for (const g of s.generations) {
    const notes = [
      g.scrub && g.scrub.state !== "scrubbed" ? scrubNote(s.echo, g.scrub) : undefined,
      g.rolledBackTo ? `rolled back to ${g.rolledBackTo}` : undefined,
      g.taggedStage !== undefined ? `tagged ${g.taggedStage}: an unfinished move, \`rds-echo up ${s.echo}\` finishes it` : undefined,
    ].filter((n) => n !== undefined);
    reporter.text(row(g.serving ? "*" : " ", g.generation, g.stage, g.rdsStatus ?? "-", `${g.ageHours} h`, `${g.endpoint ?? "-"}  ${g.snapshot ?? ""}${notes.map((n) => `  (${n})`).join("")}`));
  }
}

/** A rebooted generation that may not be promoted yet, because its scrub has not (all) succeeded. */
function scrubNote(echo: string, scrub: NonNullable<EchoStatus["generations"][number]["scrub"]>): string {
  if (scrub.state === "pending") return `not scrubbed yet: its ${scrub.total} afterRestore hook(s) have not run`;
  return `SCRUB STOPPED: ${scrub.succeeded} of ${scrub.total} afterRestore hook(s) succeeded, hook ${scrub.succeeded + 1} failed or was interrupted; not promotable until \`rds-echo hooks ${echo}\` succeeds`;
}
