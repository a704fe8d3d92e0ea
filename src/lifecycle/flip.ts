/**
 * The CNAME flip, shared by `promote` and `rollback`, in the one order that never leaves the name dangling:
 * 1. (rollback only) the generations being left are marked first, so a run that dies after the flip can tell a
 *    rollback from an interrupted promotion (see `demoteStale`);
 * 2. the target is updated to `promoted`: its stack declares the record, which Route 53 UPSERTs to its endpoint;
 * 3. the live CNAME is read back: only once it names the target are the others updated to `forgotten` (the record
 *    leaves their state through retainOnDelete; the live record is untouched).
 * One confirmation covers every move, with the flip itself shown as `<cname>: <old target> -> <new target>`.
 * For a cluster echo the target is the cluster's writer endpoint (database.ts); its stack declares the reader CNAME too.
 */
import { CNAME_FLIP_TYPE, type GenerationSettings, type InstanceInfo, type ResourceChange } from "../ports.js";
import { GuardError } from "../errors.js";
import { confirmChanges } from "./confirm.js";
import { describeDatabase } from "./database.js";
import type { StepContext } from "./context.js";
import type { Generation } from "./echo-state.js";
import { runBeforePromote } from "./hooks.js";
import { isUsable } from "./rds-status.js";
import { applyMove, previewMove } from "./stage-update.js";

/** One generation's stage move: the settings it moves to and the message its stack history records. */
export interface Move {
  readonly generation: string;
  readonly settings: GenerationSettings;
  readonly message: string;
}

export interface Flip {
  /** What the confirmation asks about. */
  readonly title: string;
  readonly cname: string;
  readonly zoneId: string;
  /** The generation the CNAME moves to, with its instance as RDS reports it now (available). */
  readonly target: Generation;
  readonly instance: InstanceInfo;
  /** The target's move to `promoted`. */
  readonly promotion: Move;
  /** Moves applied before the promotion (rollback's marks). */
  readonly before?: readonly Move[];
  /** Moves to `forgotten`, applied once the live CNAME provably names the target. */
  readonly demotions: readonly Move[];
  /** Show every move's diff and stop there: nothing is confirmed, checked or changed. */
  readonly previewOnly?: boolean;
  /**
   * Asked right before the UPSERT, after the prompt and the `beforePromote` hooks (which may take long): what now
   * stands in the way (an approval cancelled meanwhile), or undefined to go on. A reason stops the flip with nothing
   * changed (`FlipStopped`).
   */
  readonly recheck?: () => Promise<string | undefined>;
}

/** The flip stopped before anything moved, because `recheck` said why (e.g. a cancel that arrived during the prompt). */
export class FlipStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "FlipStopped";
  }
}

/**
 * Previews, confirms, checks the target's health, flips, verifies and demotes. Returns the target's address, or
 * undefined for `previewOnly`.
 */
export async function flipCname(ctx: StepContext, flip: Flip): Promise<string | undefined> {
  const { ports } = ctx;
  const before = flip.before ?? [];
  const change = await flipChange(ctx, flip.zoneId, flip.cname, flip.instance.address);
  const promotion = await previewMove(ctx, flip.promotion.generation, flip.promotion.settings, flip.promotion.message);
  const previews = [
    ...(await Promise.all(before.map((m) => previewMove(ctx, m.generation, m.settings, m.message)))),
    { ...promotion, set: { changes: [change, ...promotion.set.changes] } },
    ...(await Promise.all(flip.demotions.map((m) => previewMove(ctx, m.generation, m.settings, m.message)))),
  ];
  if (flip.previewOnly) {
    for (const { label, set } of previews) ports.output.changes(label, set);
    return undefined;
  }
  await confirmChanges(ports, flip.title, previews, ctx.options);
  // A person may have taken hours over the prompt: the target is read again, and must still be usable, right before
  // anything moves.
  const now = await describeDatabase(ports, ctx.definition, flip.target.name);
  if (!isUsable(now?.status)) {
    throw new GuardError(`${flip.title}: ${flip.target.name} is ${now?.status ?? "missing"} now, not available; nothing was changed. Retry once it is available`);
  }
  // The health check runs last, as close to the flip as it can: a failure blocks it with nothing changed.
  await runBeforePromote(ctx, flip.target, flip.instance);
  const stop = flip.recheck ? await flip.recheck() : undefined;
  if (stop !== undefined) throw new FlipStopped(stop);
  for (const m of before) await applyMove(ctx, m.generation, m.settings, m.message);
  await applyMove(ctx, flip.promotion.generation, flip.promotion.settings, flip.promotion.message);
  await assertServes(ctx, flip.zoneId, flip.cname, flip.target.name, flip.demotions.map((m) => m.generation));
  const address = (await describeDatabase(ports, ctx.definition, flip.target.name))?.address;
  ports.output.step(`${flip.cname} -> ${address}`);
  for (const m of flip.demotions) await applyMove(ctx, m.generation, m.settings, m.message);
  return address;
}

/** The flip as a person reads it: `<cname>: <old target> -> <new target>`. */
export async function flipChange(ctx: StepContext, zoneId: string, cname: string, target: string | undefined): Promise<ResourceChange> {
  const live = await ctx.ports.dns.readCname(zoneId, cname);
  return { op: live ? "update" : "create", type: CNAME_FLIP_TYPE, name: cname, diffs: [{ key: "target", ...(live ? { old: live.target } : {}), ...(target ? { new: target } : {}) }] };
}

/** Demotion only ever follows a CNAME that provably names the new generation. */
export async function assertServes(ctx: StepContext, zoneId: string, cname: string, generation: string, demoting: readonly string[]): Promise<void> {
  const live = await ctx.ports.dns.readCname(zoneId, cname);
  const address = (await describeDatabase(ctx.ports, ctx.definition, generation))?.address;
  if (address === undefined || live?.target !== address) {
    throw new Error(
      `${cname} reads ${live?.target ?? "nothing"}, not ${generation}'s ${address}; not demoting ${demoting.join(", ") || "anything"}. ` +
        "Check Route 53, then rerun `rds-echo up --promote`",
    );
  }
}
