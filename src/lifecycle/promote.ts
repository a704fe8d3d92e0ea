/**
 * `promote`: the CNAME flip, in the one order that never leaves the name dangling (DESIGN.md):
 * 1. the new generation is `available` (checked through RDS);
 * 2. it is updated to `promoted`: its stack now declares the record, which Route 53 UPSERTs to the new endpoint;
 * 3. the previously promoted generations are updated to `forgotten`: the record leaves their state (retainOnDelete),
 *    the live record is untouched.
 */
import { GuardError } from "../errors.js";
import { approvalOf } from "./approval.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { byCondition, type EchoState, type Generation } from "./echo-state.js";
import { generationIn, requireAvailable } from "./guards.js";
import { promotionTarget } from "./zone.js";
import { applyMove, previewMove, settingsAt } from "./stage-update.js";

export async function promoteGeneration(ctx: StepContext, state: EchoState): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  if (!definition.promote) throw new GuardError(`promote: ${definition.echo} has no promote section in its definition`);
  const generation = generationIn(state, "promote", "rebooted");
  const fresh = await ports.rds.describeInstance(generation.name);
  requireAvailable({ ...generation, ...(fresh ? { instance: fresh } : {}) }, "promote");
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
  await confirmChanges(
    ports,
    message,
    [await previewMove(ctx, generation.name, settings, message), ...(await Promise.all(demotions.map((d) => previewMove(ctx, d.g.name, d.settings, d.message))))],
    ctx.options,
  );

  await applyMove(ctx, generation.name, settings, message);
  const live = await ports.dns.readCname(zoneId, cname);
  const address = (await ports.rds.describeInstance(generation.name))?.address;
  if (live?.target !== address) ports.output.warn(`${cname} reads ${live?.target ?? "nothing"}, expected ${address}; check Route 53`);
  else ports.output.step(`${cname} -> ${address}`);

  const reports: StepReport[] = [{ step: "promote", generation: generation.name, detail: `${cname} -> ${address}` }];
  for (const d of demotions) {
    await applyMove(ctx, d.g.name, d.settings, d.message);
    reports.push({ step: "forget", generation: d.g.name, detail: `demoted; ${generation.name} serves ${cname}` });
  }
  return reports;
}

/**
 * Finishes a flip a dead process left half done: when several generations are `promoted`, the newest one holds the
 * record (it was UPSERTed last), so every older one is demoted to `forgotten`.
 */
export async function demoteStale(ctx: StepContext, state: EchoState): Promise<StepReport[]> {
  const promoted = byCondition(state, "promoted");
  const serving = promoted.at(-1);
  if (!serving || promoted.length < 2) return [];
  const stale = promoted.slice(0, -1);
  const moves = await Promise.all(stale.map(async (g) => ({ g, settings: await settingsAt(ctx, g.name, "forgotten"), message: forgetMessage(g, serving.name) })));
  await confirmChanges(ctx.ports, `finish promotion of ${serving.name}`, await Promise.all(moves.map((m) => previewMove(ctx, m.g.name, m.settings, m.message))), ctx.options);
  const reports: StepReport[] = [];
  for (const m of moves) {
    await applyMove(ctx, m.g.name, m.settings, m.message);
    reports.push({ step: "forget", generation: m.g.name, detail: `demoted; ${serving.name} serves the CNAME` });
  }
  return reports;
}

function forgetMessage(g: Generation, promoted: string): string {
  return `forget ${g.name}: ${promoted} promoted`;
}
