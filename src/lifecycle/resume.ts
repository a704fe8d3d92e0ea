/** Resuming a generation whose run died: recover its pending operations, then finish the update it was making. */
import { confirmChanges } from "./confirm.js";
import { isUsable } from "./rds-status.js";
import type { StepContext, StepReport } from "./context.js";
import { isClusterEcho } from "../definition/schema.js";
import { byCondition, type EchoState, type Generation } from "./echo-state.js";
import { prepareSource } from "./source-prepare.js";
import { applyMove, previewMove, recoverPending, settingsOf } from "./stage-update.js";

/**
 * The generation a dead run left unfinished, if any: one whose restore never completed (`incomplete`), or the newest
 * unpromoted one when its stack has pending operations or its instance is still settling. One engine call at most.
 */
export async function unfinishedGeneration(ctx: StepContext, state: EchoState): Promise<Generation | undefined> {
  const incomplete = byCondition(state, "incomplete").at(-1);
  if (incomplete) return incomplete;
  const inFlight = byCondition(state, "new", "modified", "rebooted").at(-1);
  if (!inFlight) return undefined;
  if (inFlight.instance && !isUsable(inFlight.instance.status)) return inFlight;
  return (await ctx.ports.engine.pendingOperations(inFlight.name)).length > 0 ? inFlight : undefined;
}

export async function resumeGeneration(ctx: StepContext, generation: Generation): Promise<StepReport> {
  const { output } = ctx.ports;
  output.step(`resume ${generation.name}: its last run did not finish`);
  await recoverPending(ctx, generation.name);
  const settings = await settingsOf(ctx, generation.name);
  // A restore not started yet may be waiting for what rds-echo makes first (a new snapshot, a copy).
  if (!generation.instance && !isClusterEcho(ctx.definition)) await prepareSource({ ...ctx, definition: ctx.definition }, generation.name, settings);
  const message = `resume ${generation.name} (${settings.stage})`;
  await confirmChanges(ctx.ports, message, [await previewMove(ctx, generation.name, settings, message)], ctx.options);
  await applyMove(ctx, generation.name, settings, message);
  return { step: "resume", generation: generation.name, detail: `resumed at stage ${settings.stage}` };
}
