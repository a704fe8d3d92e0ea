import { generationName, isGenerationOf } from "../../definition/identifiers.js";
import { existsSync } from "node:fs";
import path from "node:path";
import { listEchoes, loadDefinition, noStacksDir, STACKS_DIR } from "../../definition/load.js";
import { UsageError } from "../../errors.js";
import { loadHookSet } from "../../hooks/load.js";
import { planGeneration } from "../../program/plan.js";
import type { ProgramStage } from "../../program/stages.js";
import { displayValue } from "../../program/values.js";
import { block, problemsOf, Reporter } from "../reporter.js";
import type { CommandContext } from "../context.js";

/**
 * Plans every definition under stacks/, one after another in this one process (Pulumi's mock runtime is set up once
 * and reused), so a repository of many echoes is checked in about the time of one. Every definition is planned even
 * when one is bad; the bad ones are reported after the others, exit 2.
 */
export async function showPlans(command: CommandContext, args: { stage: ProgramStage }): Promise<number> {
  const { reporter, root } = command;
  const echoes = await listEchoes(root);
  if (echoes.length === 0) throw existsSync(path.join(root, STACKS_DIR)) ? new UsageError(`no definitions in ${path.join(root, STACKS_DIR)}; write one with \`rds-echo config <echo>\``) : noStacksDir(root);
  const plans: unknown[] = [];
  const failed: unknown[] = [];
  const quiet = new Reporter({ json: true, quiet: true, out: { write: (text: string) => (plans.push(JSON.parse(text)), true) } as unknown as NodeJS.WritableStream });
  for (const echo of echoes) {
    try {
      if (reporter.json) await showPlan({ root, reporter: quiet }, { echo, stage: args.stage });
      else await showPlan(command, { echo, stage: args.stage });
      if (!reporter.json) reporter.text();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      failed.push(error);
    }
  }
  reporter.data({ plans, problems: failed.flatMap((e) => problemsOf(e)) });
  if (!reporter.json) for (const e of failed) reporter.problem((e as Error).message);
  return failed.length > 0 ? 2 : 0;
}

export async function showPlan(
  { root, reporter }: CommandContext,
  args: { echo: string; stage: ProgramStage; generation?: string | undefined },
): Promise<void> {
  const definition = await loadDefinition(root, args.echo);
  // The files the hooks name are checked as `up` will read them, so a plan that passes is not refused later (exit 2).
  if (definition.hooks) await loadHookSet(path.join(root, STACKS_DIR), definition);
  const generation = args.generation ?? generationName(args.echo, new Date());
  if (!isGenerationOf(args.echo, generation)) {
    throw new UsageError(`--generation "${generation}" is not a generation of ${args.echo} (expected ${args.echo}-<yyyymmdd>-<hhmm>)`);
  }
  if (args.stage === "promoted" && !definition.promote) {
    throw new UsageError(`${args.echo} has no promote section, so it has no promoted stage to plan`);
  }
  const plan = await planGeneration({ definition, generation, stage: args.stage });

  reporter.data({
    echo: args.echo,
    generation,
    stage: args.stage,
    snapshot: plan.snapshot,
    resources: plan.declarations.map((d) => ({
      type: d.type,
      name: d.name,
      provider: d.provider,
      retainOnDelete: d.retainOnDelete,
      customTimeouts: d.customTimeouts,
      inputs: displayValue(d.inputs),
    })),
  });
  reporter.text(`Plan: echo ${args.echo}, generation ${generation}, stage ${args.stage} (offline; nothing is created)`);
  for (const d of plan.declarations) {
    const options = [
      d.provider ? `provider=${d.provider}` : "",
      d.retainOnDelete ? "retainOnDelete" : "",
      d.customTimeouts ? `timeouts ${Object.entries(d.customTimeouts).map(([k, v]) => `${k}=${v}`).join(" ")}` : "",
    ].filter(Boolean);
    reporter.text();
    reporter.text(`+ ${d.type}  ${d.name}${options.length ? `  (${options.join(", ")})` : ""}`);
    reporter.text(block(displayValue(d.inputs)));
  }
}
