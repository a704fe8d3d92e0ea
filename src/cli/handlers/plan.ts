import { generationName, isGenerationOf } from "../../definition/identifiers.js";
import { loadDefinition } from "../../definition/load.js";
import { UsageError } from "../../errors.js";
import { planGeneration } from "../../program/plan.js";
import type { ProgramStage } from "../../program/stages.js";
import { displayValue } from "../../program/values.js";
import { block } from "../reporter.js";
import type { CommandContext } from "../context.js";

export async function showPlan(
  { root, reporter }: CommandContext,
  args: { echo: string; stage: ProgramStage; generation?: string | undefined },
): Promise<void> {
  const definition = await loadDefinition(root, args.echo);
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
