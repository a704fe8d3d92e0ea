/**
 * `promote`: the CNAME flip, in the one order that never leaves the name dangling (DESIGN.md):
 * 1. the new generation is `available` (checked through RDS);
 * 2. it is updated to `promoted`: its stack now declares the record, which Route 53 UPSERTs to the new endpoint;
 * 3. the previously promoted generations are updated to `forgotten`: the record leaves their state (retainOnDelete),
 *    the live record is untouched.
 */
import { GuardError } from "../errors.js";
import { CNAME_FLIP_TYPE, type ResourceChange } from "../ports.js";
import { approvalOf } from "./approval.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { byCondition, type EchoState, type Generation } from "./echo-state.js";
import { promotableGeneration, requireAvailable } from "./guards.js";
import { requireScrubbed, runBeforePromote } from "./hooks.js";
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
  // Approval is read from this generation's own instance: nothing granted for another generation can count here.
  const approval = await approvalOf(ctx, generation.name, fresh!);
  if (approval.required && !approval.granted) {
    ports.output.step(`promote: ${generation.name} waits for approval: ${approval.missing}`);
    return [{ step: "wait", generation: generation.name, detail: `waits for approval: ${approval.missing}` }];
  }

  const { cname, zoneId } = (await promotionTarget(ports, definition))!;
  const previous = byCondition(state, "promoted").filter((g) => g.name !== generation.name);
  const message = `promote ${generation.name}`;
  const settings = await settingsAt(ctx, generation.name, "promoted", { zoneId });
  const demotions = await Promise.all(previous.map(async (g) => ({ g, settings: await settingsAt(ctx, g.name, "forgotten"), message: forgetMessage(g, generation.name) })));
  const flip = await flipChange(ctx, zoneId, cname, fresh!.address);
  const move = await previewMove(ctx, generation.name, settings, message);
  await confirmChanges(
    ports,
    message,
    [{ ...move, set: { changes: [flip, ...move.set.changes] } }, ...(await Promise.all(demotions.map((d) => previewMove(ctx, d.g.name, d.settings, d.message))))],
    ctx.options,
  );

  // The health check runs last, as close to the flip as it can: a failure blocks it with nothing changed.
  await runBeforePromote(ctx, generation, fresh!);
  await applyMove(ctx, generation.name, settings, message);
  await assertServes(ctx, zoneId, cname, generation.name, previous);
  const address = (await describeDatabase(ports, definition, generation.name))?.address;
  ports.output.step(`${cname} -> ${address}`);

  const reports: StepReport[] = [{ step: "promote", generation: generation.name, detail: `${cname} -> ${address}` }];
  for (const d of demotions) {
    await applyMove(ctx, d.g.name, d.settings, d.message);
    reports.push({ step: "forget", generation: d.g.name, detail: `demoted; ${generation.name} serves ${cname}` });
  }
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
  const serving = promoted.at(-1);
  if (!serving || promoted.length < 2) return [];
  requireAvailable(serving, "finish promotion");
  const { cname, zoneId } = (await promotionTarget(ports, definition))!;
  const stale = promoted.slice(0, -1);
  const address = serving.instance?.address;
  const flipped = address !== undefined && (await ports.dns.readCname(zoneId, cname))?.target === address;

  const reports: StepReport[] = [];
  const message = `promote ${serving.name} (finishing an interrupted promotion)`;
  const settings = await settingsAt(ctx, serving.name, "promoted", { zoneId });
  if (!flipped) {
    if (!options.promote) {
      return [{ step: "wait", generation: serving.name, detail: `its promotion was interrupted before ${cname} moved; rerun with --promote to finish it` }];
    }
    const approval = await approvalOf(ctx, serving.name, serving.instance!);
    if (approval.required && !approval.granted) {
      return [{ step: "wait", generation: serving.name, detail: `waits for approval: ${approval.missing}` }];
    }
  }
  const moves = await Promise.all(stale.map(async (g) => ({ g, settings: await settingsAt(ctx, g.name, "forgotten"), message: forgetMessage(g, serving.name) })));
  await confirmChanges(
    ports,
    `finish promotion of ${serving.name}`,
    [...(flipped ? [] : [await previewMove(ctx, serving.name, settings, message)]), ...(await Promise.all(moves.map((m) => previewMove(ctx, m.g.name, m.settings, m.message))))],
    ctx.options,
  );
  if (!flipped) {
    await runBeforePromote(ctx, serving, serving.instance!);
    await applyMove(ctx, serving.name, settings, message);
    await assertServes(ctx, zoneId, cname, serving.name, stale);
    reports.push({ step: "promote", generation: serving.name, detail: `${cname} -> ${address} (interrupted promotion finished)` });
  }
  for (const m of moves) {
    await applyMove(ctx, m.g.name, m.settings, m.message);
    reports.push({ step: "forget", generation: m.g.name, detail: `demoted; ${serving.name} serves ${cname}` });
  }
  return reports;
}

/** The flip as a person reads it: `<cname>: <old target> -> <new target>`. */
async function flipChange(ctx: StepContext, zoneId: string, cname: string, target: string | undefined): Promise<ResourceChange> {
  const live = await ctx.ports.dns.readCname(zoneId, cname);
  return { op: live ? "update" : "create", type: CNAME_FLIP_TYPE, name: cname, diffs: [{ key: "target", ...(live ? { old: live.target } : {}), ...(target ? { new: target } : {}) }] };
}

/** Demotion only ever follows a CNAME that provably names the new generation. */
async function assertServes(ctx: StepContext, zoneId: string, cname: string, generation: string, demoting: readonly Generation[]): Promise<void> {
  const live = await ctx.ports.dns.readCname(zoneId, cname);
  const address = (await describeDatabase(ctx.ports, ctx.definition, generation))?.address;
  if (address === undefined || live?.target !== address) {
    throw new Error(
      `${cname} reads ${live?.target ?? "nothing"}, not ${generation}'s ${address}; not demoting ${demoting.map((g) => g.name).join(", ") || "anything"}. ` +
        "Check Route 53, then rerun `rds-echo up --promote`",
    );
  }
}

function forgetMessage(g: Generation, promoted: string): string {
  return `forget ${g.name}: ${promoted} promoted`;
}
