/** Resuming a generation whose run died: recover its pending operations, then finish the update it was making. */
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import type { Generation } from "./echo-state.js";
import { applyMove, previewMove, recoverPending, settingsOf } from "./stage-update.js";

export async function resumeGeneration(ctx: StepContext, generation: Generation): Promise<StepReport> {
  const { output } = ctx.ports;
  output.step(`resume ${generation.name}: its last run did not finish`);
  await recoverPending(ctx, generation.name);
  const settings = await settingsOf(ctx, generation.name);
  const message = `resume ${generation.name} (${settings.stage})`;
  await confirmChanges(ctx.ports, message, [await previewMove(ctx, generation.name, settings, message)], ctx.options);
  await applyMove(ctx, generation.name, settings, message);
  return { step: "resume", generation: generation.name, detail: `resumed at stage ${settings.stage}` };
}
