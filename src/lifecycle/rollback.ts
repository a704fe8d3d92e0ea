/**
 * `rollback`: point the CNAME back at a generation that served before (the newest forgotten one that still exists,
 * or the one named), through the same flip as `promote` (./flip.ts). The generation rolled back from is marked
 * `rolled-back` (its stack's `rolledBack` setting, its instance's `echo:rolled-back` tag) before the flip and demoted
 * to `forgotten` after it: nothing automatic promotes it again, it is no default rollback target, and it does not
 * count towards `retire.keep`. Moving the CNAME back is only ever this command (DESIGN.md, Invariants).
 */
import { GuardError } from "../errors.js";
import type { StepContext, StepReport } from "./context.js";
import { busyGeneration, byCondition, isManagedBy, type EchoState, type Generation } from "./echo-state.js";
import { describeDatabase } from "./database.js";
import { flipCname, type Move } from "./flip.js";
import { requireAvailable } from "./guards.js";
import { settingsAt, settingsOf } from "./stage-update.js";
import { promotionTarget } from "./zone.js";

export interface RollbackOptions {
  /** The generation to go back to; default: the newest forgotten one that still exists and was not rolled back from. */
  readonly to?: string;
  /** `--preview`: show what the rollback would change (the flip included) and change nothing. */
  readonly preview?: boolean;
}

export async function rollbackGeneration(ctx: StepContext, state: EchoState, options: RollbackOptions = {}): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  const echo = definition.echo;
  if (!definition.promote) throw new GuardError(`rollback: ${echo} has no promote section in its definition, so it has no CNAME to move`);
  const busy = busyGeneration(state);
  if (busy) throw new GuardError(`rollback: ${busy.name} is being updated by another run; wait for it to finish`);
  const promoted = byCondition(state, "promoted");
  if (promoted.length === 0) throw new GuardError(`rollback: no generation of ${echo} is promoted, so there is nothing to roll back from`);

  const target = rollbackTarget(state, promoted, options.to);
  const fresh = await describeDatabase(ports, definition, target.name);
  if (!fresh || !isManagedBy(echo, target.name, fresh)) throw new GuardError(`rollback: ${target.name} no longer exists in RDS; pick another with --to (rds-echo status)`);
  requireAvailable({ ...target, instance: fresh }, "rollback");
  if (target.rolledBackTo !== undefined) {
    ports.output.warn(`rollback: ${target.name} was rolled back from before (to ${target.rolledBackTo}); --to names it, so it serves again and loses that mark`);
  }

  const from = promoted.filter((g) => g.name !== target.name);
  const { cname, zoneId } = (await promotionTarget(ports, definition))!;
  const message = `rollback ${echo}: ${from.map((g) => g.name).join(", ") || "-"} -> ${target.name}`;
  // The mark goes on first (a stack update of its own, recorded in its history), so a run that dies after the flip
  // leaves a state `up` reads as a rollback, never as a promotion of the marked generation to finish.
  const before: Move[] = [];
  for (const g of from) {
    if ((await settingsOf(ctx, g.name)).rolledBack === target.name) continue;
    before.push({ generation: g.name, settings: await settingsAt(ctx, g.name, "promoted", { rolledBack: target.name }), message: `mark ${g.name} rolled back (${message})` });
  }
  const { rolledBack: _cleared, ...targetSettings } = await settingsAt(ctx, target.name, "promoted", { zoneId });
  const demotions: Move[] = await Promise.all(
    from.map(async (g) => ({ generation: g.name, settings: await settingsAt(ctx, g.name, "forgotten", { rolledBack: target.name }), message: `forget ${g.name}: rolled back to ${target.name}` })),
  );
  const flip = { title: message, cname, zoneId, target, instance: fresh, promotion: { generation: target.name, settings: targetSettings, message }, before, demotions };
  if (options.preview) {
    await flipCname(ctx, { ...flip, previewOnly: true });
    return [{ step: "preview", generation: target.name, detail: `would point ${cname} at ${fresh.address} (rolling back from ${from.map((g) => g.name).join(", ")}); nothing changed` }];
  }
  const address = await flipCname(ctx, flip);

  const reports: StepReport[] = [{ step: "rollback", generation: target.name, detail: `${cname} -> ${address} (rolled back from ${from.map((g) => g.name).join(", ") || "-"})` }];
  for (const g of from) reports.push({ step: "forget", generation: g.name, detail: `rolled back; ${target.name} serves ${cname}` });
  return reports;
}

/**
 * The generation to go back to. Named: it must still exist and have served (forgotten; or promoted but not serving,
 * when a rollback to it was interrupted). Default: a promoted generation an interrupted rollback was heading for,
 * else the newest forgotten one that was not itself rolled back from.
 */
export function rollbackTarget(state: EchoState, promoted: readonly Generation[], named: string | undefined): Generation {
  const echo = state.echo;
  if (named !== undefined) {
    const g = state.generations.find((x) => x.name === named);
    if (!g) throw new GuardError(`rollback: ${named} is not a generation of ${echo}`);
    if (g.condition === "retired" || !g.instance) throw new GuardError(`rollback: ${named} no longer exists (it is ${g.condition}); rollback needs a forgotten generation that retire.keep kept`);
    if (g.condition === "promoted" && promoted.length === 1) throw new GuardError(`rollback: ${named} is promoted already; nothing to roll back`);
    if (g.condition !== "forgotten" && g.condition !== "promoted") {
      throw new GuardError(`rollback: ${named} is ${g.condition}; rollback only goes back to a generation that served before (forgotten). To promote a new one, use \`rds-echo promote ${echo}\``);
    }
    return g;
  }
  const resumed = promoted.filter((g) => g.rolledBackTo === undefined);
  if (promoted.length > 1 && resumed.length === 1 && promoted.some((g) => g.rolledBackTo === resumed[0]!.name)) return resumed[0]!;
  const candidates = byCondition(state, "forgotten").filter((g) => g.rolledBackTo === undefined);
  const target = candidates.at(-1);
  if (target) return target;
  const skipped = byCondition(state, "forgotten").map((g) => g.name);
  throw new GuardError(
    `rollback: no forgotten generation of ${echo} to go back to` +
      (skipped.length > 0 ? ` (${skipped.join(", ")} ${skipped.length === 1 ? "was" : "were"} rolled back from; name one with --to to serve it again)` : "") +
      "; retire.keep is what makes rollback possible: it keeps that many forgotten generations after each promotion (at least 1 to roll back)",
  );
}
