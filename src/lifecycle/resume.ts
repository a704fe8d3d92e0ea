/**
 * Resuming a generation whose run died, or whose stack and instance disagree: recover its pending operations, then
 * finish the move it was making. The stack says which move that is (see echo-state.ts); the live CNAME says whether
 * a promotion already got past its flip.
 */
import { confirmChanges } from "./confirm.js";
import { isTerminal, isUsable } from "./rds-status.js";
import type { StepContext, StepReport } from "./context.js";
import { isClusterEcho } from "../definition/schema.js";
import type { GenerationSettings } from "../ports.js";
import { byCondition, type Condition, type EchoState, type Generation } from "./echo-state.js";
import { prepareSource } from "./source-prepare.js";
import { applyMove, lacksDatabase, previewMove, recoverPending, settingsOf } from "./stage-update.js";
import { promotionTarget } from "./zone.js";

/** Stages whose move is simply applied again when it was left unfinished. */
const REAPPLIED: readonly Condition[] = ["new", "modified", "rebooted", "forgotten"];

/**
 * The generation a dead run left unfinished, if any: one whose restore never completed (`incomplete`); one whose
 * instance's stage tag disagrees with its stack (an update that died after the provider wrote the tags, or a tag
 * someone edited); or the newest unpromoted one when its stack has pending operations or its instance is still
 * settling, or its instance is one its stack never recorded. Several promoted stacks are an interrupted flip, which
 * `up` finishes on its own (promote.ts `demoteStale`). One stack export at most (pending operations and resources
 * come from the same one).
 */
export async function unfinishedGeneration(ctx: StepContext, state: EchoState): Promise<Generation | undefined> {
  const incomplete = byCondition(state, "incomplete").at(-1);
  if (incomplete) return incomplete;
  const single = byCondition(state, "promoted").length === 1;
  const mirrored = state.generations.find((g) => g.mirror !== undefined && (REAPPLIED.includes(g.condition) || (g.condition === "promoted" && single)));
  if (mirrored) return mirrored;
  const inFlight = byCondition(state, "new", "modified", "rebooted").at(-1);
  if (!inFlight) return undefined;
  if (inFlight.instance && !isUsable(inFlight.instance.status)) return inFlight;
  if ((await ctx.ports.engine.pendingOperations(inFlight.name)).length > 0) return inFlight;
  // An instance its stack never recorded (a restore whose wait failed): adopted before anything else moves it.
  const unrecorded = inFlight.instance !== undefined && !isClusterEcho(ctx.definition) && (await lacksDatabase(ctx, inFlight.name));
  return unrecorded ? inFlight : undefined;
}

export async function resumeGeneration(ctx: StepContext, generation: Generation): Promise<StepReport> {
  const { output } = ctx.ports;
  const why = generation.mirror !== undefined ? `its instance is tagged ${generation.mirror}, its stack says ${generation.condition}` : "its last run did not finish";
  output.step(`resume ${generation.name}: ${why}`);
  const refreshed = await recoverPending(ctx, generation.name);
  const status = generation.instance?.status;
  if (isTerminal(status)) {
    // Waiting or restoring again would change nothing: RDS does not leave such a status by itself.
    throw new Error(
      `${generation.name}: RDS reports it ${status}, a status it does not leave by itself (for a restore: the restore failed); nothing was retried. ` +
        `See the RDS events of the instance, then retire it with \`rds-echo retire ${ctx.definition.echo} --generation ${generation.name} --force\``,
    );
  }
  const recorded = await settingsOf(ctx, generation.name);
  // A restore not started yet may be waiting for what rds-echo makes first (a new snapshot, a copy).
  if (!generation.instance && !isClusterEcho(ctx.definition)) await prepareSource({ ...ctx, definition: ctx.definition }, generation.name, recorded);
  const move = await resumedMove(ctx, generation, recorded);
  if ("wait" in move) {
    output.warn(move.wait);
    return { step: "wait", generation: generation.name, detail: move.wait };
  }
  // A tag the stack's move alone would not set right: the state must hold the live tag for the update to see it differ.
  if (generation.mirror !== undefined && !refreshed) {
    await ctx.ports.engine.refresh(generation.name, { message: `refresh ${generation.name}: its instance is tagged ${generation.mirror}, its stack says ${generation.condition}` });
  }
  await confirmChanges(ctx.ports, move.message, [await previewMove(ctx, generation.name, move.settings, move.message)], ctx.options);
  await applyMove(ctx, generation.name, move.settings, move.message);
  return { step: "resume", generation: generation.name, detail: `resumed at stage ${move.settings.stage}` };
}

/**
 * The move to finish. The stack's own stage, except around the flip: a generation the live CNAME already names got
 * past the flip (its promotion, or a rollback to it, died before its stack recorded it), so its promotion is what is
 * finished; and a stack at `promoted` whose generation the CNAME does not name is never applied at `promoted` again
 * here (that would move the CNAME: only a flip, with its checks, does).
 */
async function resumedMove(ctx: StepContext, g: Generation, recorded: GenerationSettings): Promise<{ settings: GenerationSettings; message: string } | { wait: string }> {
  const ordinary = { settings: recorded, message: `resume ${g.name} (${recorded.stage})` };
  // Only a generation with an address can be named by the CNAME; only a promoted one must be.
  if (g.instance?.address === undefined && recorded.stage !== "promoted") return ordinary;
  const live = await liveCname(ctx);
  const serves = live !== undefined && g.instance?.address !== undefined && live.target === g.instance.address;
  if (serves && recorded.stage !== "promoted") {
    const { rolledBack: _mark, ...settings } = { ...recorded, stage: "promoted" as const, zoneId: live.zoneId };
    return { settings, message: `promote ${g.name} (finishing the interrupted promotion: ${live.cname} already names it)` };
  }
  if (recorded.stage === "promoted" && !serves) {
    return {
      wait: `${g.name}: its stack says promoted but ${live?.cname ?? "its CNAME"} names ${live?.target ?? "nothing"}; not applying its promotion again (that would move the CNAME). ` +
        `Check Route 53; \`rds-echo rollback ${ctx.definition.echo} --to ${g.name}\` moves it back on purpose`,
    };
  }
  return ordinary;
}

async function liveCname(ctx: StepContext): Promise<{ cname: string; zoneId: string; target: string } | undefined> {
  const target = await promotionTarget(ctx.ports, ctx.definition);
  if (!target) return undefined;
  const record = await ctx.ports.dns.readCname(target.zoneId, target.cname);
  return record && { cname: target.cname, zoneId: target.zoneId, target: record.target };
}
