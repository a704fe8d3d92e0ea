/** `modify`: apply the settings RDS only accepts after create. */
import type { StepContext, StepReport } from "./context.js";
import type { EchoState } from "./echo-state.js";
import { generationIn, requireAvailable } from "./guards.js";
import { moveTo } from "./stage-update.js";

export async function modifyGeneration(ctx: StepContext, state: EchoState): Promise<StepReport> {
  const generation = generationIn(state, "modify", "new");
  requireAvailable(generation, "modify");
  await moveTo(ctx, generation.name, "modified", `modify ${generation.name}`);
  return { step: "modify", generation: generation.name, detail: "post-create settings applied" };
}
