/**
 * `promote`: the newest rebooted generation, once available, scrubbed and (when asked for) approved, takes the CNAME
 * through the flip of ./flip.ts (UPSERT first, the live CNAME checked, then the previous generations demoted).
 */
import { GuardError } from "../errors.js";
import { approvalOf, approvalStillGranted } from "./approval.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { byCondition, type EchoState, type Generation } from "./echo-state.js";
import { promotableGeneration, requireAvailable } from "./guards.js";
import { requireScrubbed, runBeforePromote } from "./hooks.js";
import { assertServes, flipCname, FlipStopped } from "./flip.js";
import { promotionTarget } from "./zone.js";
import { describeDatabase } from "./database.js";
import { applyMove, previewMove, settingsAt } from "./stage-update.js";

export async function promoteGeneration(ctx: StepContext, state: EchoState): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  if (!definition.promote) throw new GuardError(`promote: ${definition.echo} has no promote section in its definition`);
  const generation = promotableGeneration(state, "promote");
  const fresh = await describeDatabase(ports, definition, generation.name);
  requireAvailable({ ...generation, ...(fresh ? { instance: fresh } : {}) }, "promote");
  await requireScrubbed(ctx, generation.name);
  // Approval is read from this generation's own stack and instance: nothing granted for another can count here.
  const approval = await approvalOf(ctx, { name: generation.name, instance: fresh!, ...(generation.settings ? { settings: generation.settings } : {}) });
  if (approval.required && !approval.granted) return [waitForApproval(ctx, generation.name, approval.missing)];

  const { cname, zoneId } = (await promotionTarget(ports, definition))!;
  const previous = byCondition(state, "promoted").filter((g) => g.name !== generation.name);
  const demotions = await Promise.all(previous.map(async (g) => ({ generation: g.name, settings: await settingsAt(ctx, g.name, "forgotten"), message: forgetMessage(g, generation.name) })));
  const message = `promote ${generation.name}`;
  const promotion = { generation: generation.name, settings: await settingsAt(ctx, generation.name, "promoted", { zoneId }), message };
  let address: string | undefined;
  try {
    // Asked again right before the UPSERT: a cancel may have come in during the prompt or the hooks.
    const recheck = () => approvalStillGranted(ctx, generation.name);
    address = await flipCname(ctx, { title: message, cname, zoneId, target: generation, instance: fresh!, promotion, demotions, recheck });
  } catch (error) {
    if (error instanceof FlipStopped) return [waitForApproval(ctx, generation.name, error.reason)];
    throw error;
  }

  const reports: StepReport[] = [{ step: "promote", generation: generation.name, detail: `${cname} -> ${address}` }];
  for (const d of demotions) reports.push({ step: "forget", generation: d.generation, detail: `demoted; ${generation.name} serves ${cname}` });
  return reports;
}

/**
 * Finishes a flip that died half way (the process, or Route 53, failed between the steps): several generations are
 * `promoted`. The live CNAME decides. If it already names the newest one, the older ones are demoted. If not, the
 * newest one's promotion is applied again (an idempotent UPSERT), but only as a promotion would be: with `--promote`
 * and a granted approval; the live CNAME is then checked to name it before anyone is demoted.
 */
export async function demoteStale(ctx: StepContext, state: EchoState, options: { promote: boolean }): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  const promoted = byCondition(state, "promoted");
  // A generation marked rolled back from is never the one to keep: a rollback marks it before its flip.
  const serving = promoted.filter((g) => g.rolledBackTo === undefined).at(-1) ?? promoted.at(-1);
  if (!serving || promoted.length < 2) return [];
  requireAvailable(serving, "finish promotion");
  const { cname, zoneId } = (await promotionTarget(ports, definition))!;
  const stale = promoted.filter((g) => g !== serving);
  const rollback = stale.some((g) => g.rolledBackTo === serving.name);
  const address = serving.instance?.address;
  const flipped = address !== undefined && (await ports.dns.readCname(zoneId, cname))?.target === address;

  const reports: StepReport[] = [];
  const message = `promote ${serving.name} (finishing an interrupted promotion)`;
  const settings = await settingsAt(ctx, serving.name, "promoted", { zoneId });
  if (!flipped) {
    // Moving the CNAME back is only ever done by the rollback command a person runs, never by `up`.
    if (rollback) {
      return [{ step: "wait", generation: serving.name, detail: `a rollback to it was interrupted before ${cname} moved; rerun \`rds-echo rollback ${definition.echo} --to ${serving.name}\`` }];
    }
    if (!options.promote) {
      return [{ step: "wait", generation: serving.name, detail: `its promotion was interrupted before ${cname} moved; rerun with --promote to finish it` }];
    }
    const approval = await approvalOf(ctx, { name: serving.name, instance: serving.instance!, ...(serving.settings ? { settings: serving.settings } : {}) });
    if (approval.required && !approval.granted) return [waitForApproval(ctx, serving.name, approval.missing)];
  }
  // Once the CNAME names the serving generation, what is left is the demotion the dead (or failed) run did not finish.
  const finishing = (g: Generation) => (flipped ? ` (finishing the interrupted demotion of ${g.name})` : "");
  const moves = await Promise.all(stale.map(async (g) => ({ g, settings: await settingsAt(ctx, g.name, "forgotten"), message: `${forgetMessage(g, serving.name)}${finishing(g)}` })));
  await confirmChanges(
    ports,
    `finish promotion of ${serving.name}`,
    [...(flipped ? [] : [await previewMove(ctx, serving.name, settings, message)]), ...(await Promise.all(moves.map((m) => previewMove(ctx, m.g.name, m.settings, m.message))))],
    ctx.options,
  );
  if (!flipped) {
    await runBeforePromote(ctx, serving, serving.instance!);
    // As in the flip: approval is asked again after the prompt and the hooks, right before the UPSERT.
    const withdrawn = await approvalStillGranted(ctx, serving.name);
    if (withdrawn !== undefined) return [waitForApproval(ctx, serving.name, withdrawn)];
    await applyMove(ctx, serving.name, settings, message);
    await assertServes(ctx, zoneId, cname, serving.name, stale.map((g) => g.name));
    reports.push({ step: "promote", generation: serving.name, detail: `${cname} -> ${address} (interrupted promotion finished)` });
  }
  for (const m of moves) {
    await applyMove(ctx, m.g.name, m.settings, m.message);
    reports.push({ step: "forget", generation: m.g.name, detail: `demoted; ${serving.name} serves ${cname}` });
  }
  return reports;
}

function waitForApproval(ctx: StepContext, generation: string, missing: string): StepReport {
  ctx.ports.output.step(`promote: ${generation} waits for approval: ${missing}`);
  return { step: "wait", generation, detail: `waits for approval: ${missing}` };
}

/** The history message of a generation's demotion when `promoted` takes the CNAME. */
export function forgetMessage(g: Generation, promoted: string): string {
  return g.rolledBackTo === promoted ? `forget ${g.name}: rolled back to ${promoted}` : `forget ${g.name}: ${promoted} promoted`;
}


