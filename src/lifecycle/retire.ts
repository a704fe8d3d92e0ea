/**
 * `retire`: destroy forgotten generations beyond `retire.keep`, and superseded ones, oldest first. Never a promoted one, never one demoted
 * less than the CNAME's TTL ago, never one without this echo's tags, never one whose address the live CNAME serves.
 * `--generation X --force` also retires an unpromoted generation (a restore that failed, or one nobody wants).
 * Every guard is checked before anything is destroyed, and one confirmation covers them all.
 * The stack stays, with its history: the audit trail outlives the database. Generations retired over
 * `retire.archiveAfter` ago have their history archived and their stacks removed in the same run (archive.ts).
 */
import { GuardError } from "../errors.js";
import type { ChangeSet, GenerationSettings } from "../ports.js";
import { archiveCandidates, archiveGenerations, archivePreview } from "./archive.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { deleteOldFinalSnapshots, deletionPreview, finalSnapshotOf, plannedDeletions } from "./final-snapshots.js";
import { byCondition, isManagedBy, type Condition, type EchoState, type Generation } from "./echo-state.js";
import { applySnapshotCleanup, cleanupChanges, planSnapshotCleanup } from "./source-cleanup.js";
import { applyMove, previewMove, recoverPending, settingsAt } from "./stage-update.js";
import { promotionTarget } from "./zone.js";

export interface RetireOptions {
  /** Retire this generation (forgotten; or, with --force, unpromoted), whatever `keep` says. */
  readonly generation?: string;
}

const UNPROMOTED: readonly Condition[] = ["new", "modified", "rebooted", "incomplete"];

export async function retireGenerations(ctx: StepContext, state: EchoState, options: RetireOptions = {}): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  const named = options.generation !== undefined;
  const candidates = named ? [namedCandidate(state, options.generation!, ctx.options.force)] : retireCandidates(state, definition.retire.keep);
  // Retired long enough ago: archived in this run too (its own confirmation when nothing else is retired).
  const archiving = named ? [] : archiveCandidates(state, definition.retire.archiveAfter, ports.clock.now());
  // Nothing to retire is said by the caller, with what waits (see waiting.ts): not here as well.
  if (candidates.length === 0) return archiveAlone(ctx, archiving);

  // Every guard first: a refusal must never come after something was already destroyed.
  const target = await promotionTarget(ports, definition);
  const live = target && (await ports.dns.readCname(target.zoneId, target.cname));
  // A cluster echo's second name, at the reader endpoint: a generation it serves is never destroyed either.
  const readerCname = definition.promote?.readerCname;
  const liveReader = target && readerCname ? await ports.dns.readCname(target.zoneId, readerCname) : undefined;
  const ttlMs = Math.max(definition.promote?.ttl ?? 0, live?.ttl ?? 0) * 1000;
  const now = ports.clock.now().getTime();
  const chosen: Generation[] = [];
  const waits: StepReport[] = [];
  for (const g of candidates) {
    if (g.stack.updateInProgress) {
      if (named) throw new GuardError(`retire: ${g.name} is being updated by another run`);
      continue;
    }
    const refusal = refusalOf(ctx, g, live?.target, liveReader?.target);
    if (refusal) {
      if (named) throw new GuardError(`retire: ${refusal}`);
      ports.output.warn(`retire: skipping ${g.name}: ${refusal}`);
      continue;
    }
    // No time for the last update means none is known: count it as demoted just now, never as long ago.
    const sinceDemotion = now - (g.stack.lastUpdate?.getTime() ?? now);
    if (g.condition === "forgotten" && sinceDemotion < ttlMs) {
      // Not a refusal but a wait: time alone lifts it, so it is reported (exit 0) with when it lifts.
      const after = new Date(now - sinceDemotion + ttlMs).toISOString();
      waits.push({
        step: "wait",
        generation: g.name,
        detail: `demoted ${Math.round(sinceDemotion / 1000)} s ago, less than the CNAME's TTL (${ttlMs / 1000} s): resolvers may still hand out its address; it can be retired after ${after}`,
      });
      continue;
    }
    chosen.push(g);
  }
  if (chosen.length === 0) return [...waits, ...(await archiveAlone(ctx, archiving))];

  const previews: { label: string; set: ChangeSet }[] = [];
  const forgets = new Map<string, { settings: GenerationSettings; message: string }>();
  for (const g of chosen) {
    // What a dead run left (an instance it created but never recorded) is adopted first, so the diff shows every
    // database this will delete.
    await recoverPending(ctx, g.name);
    // A superseded generation is forgotten first, as a demoted one is; so is an unpromoted one that holds deletion
    // protection (RDS refuses to delete it): `forgotten` is where the program lifts the protection.
    // A forgotten one whose instance is not tagged so is a demotion that did not finish (its update failed part way,
    // perhaps before it lifted the deletion protection): it is finished first.
    const forgetting =
      g.condition === "superseded"
        ? forgetMessage(g)
        : holdsDeletionProtection(ctx, g)
          ? liftMessage(g.name)
          : g.condition === "forgotten" && g.mirror !== undefined
            ? `forget ${g.name} (finishing the interrupted demotion: its instance is tagged ${g.mirror})`
            : undefined;
    if (forgetting) {
      const settings = await settingsAt(ctx, g.name, "forgotten");
      forgets.set(g.name, { settings, message: forgetting });
      previews.push(await previewMove(ctx, g.name, settings, forgetting));
    }
    previews.push({ label: `retire ${g.name}`, set: await ports.engine.previewDestroy(g.name) });
  }
  const coming = comingFinalSnapshots(ctx, chosen);
  const doomed = await plannedDeletions(ctx, coming);
  if (doomed.length > 0) previews.push(deletionPreview(definition, doomed));
  const cleanup = await planSnapshotCleanup(ctx, state, chosen.map((g) => g.name));
  if (cleanup.length > 0) previews.push(cleanupChanges(cleanup));
  if (archiving.length > 0) previews.push(archivePreview(archiving));
  await confirmChanges(ports, `retire ${chosen.map((g) => g.name).join(", ")}`, previews, { ...ctx.options, destroys: true });

  const reports: StepReport[] = [];
  for (const g of chosen) {
    const message = `retire ${g.name}`;
    const forget = forgets.get(g.name);
    if (forget) await applyMove(ctx, g.name, forget.settings, forget.message);
    ports.output.step(message);
    await ports.engine.destroy(g.name, { message });
    reports.push({ step: "retire", generation: g.name, detail: definition.retire.skipFinalSnapshot ? "no final snapshot" : "final snapshot taken" });
  }
  // After the instances are gone: what they were restored from is no longer needed.
  const deleted = await applySnapshotCleanup(ctx, cleanup);
  const withCleanup = reports.map((r) => (deleted.has(r.generation) ? { ...r, detail: `${r.detail}; deleted ${deleted.get(r.generation)!.join(", ")}` } : r));
  const older = [...deleted].filter(([g]) => !reports.some((r) => r.generation === g));
  // A generation retired by an earlier run is not retired again: deleting what was made for it is pruning (so a
  // `retired` notification is never sent twice for it).
  for (const [g, ids] of older) withCleanup.push({ step: "prune", generation: g, detail: `deleted ${ids.join(", ")} (beyond source.keep)` });
  // Listed again rather than trusting the plan: another run may have deleted or made snapshots meanwhile.
  withCleanup.push(...(await deleteOldFinalSnapshots(ctx, coming)));
  withCleanup.push(...(await archiveGenerations(ctx, archiving)));
  return [...withCleanup, ...waits];
}

/** Archiving when nothing is retired in this run: shown and confirmed on its own. */
async function archiveAlone(ctx: StepContext, archiving: readonly Generation[]): Promise<StepReport[]> {
  if (archiving.length === 0) return [];
  const preview = archivePreview(archiving);
  await confirmChanges(ctx.ports, preview.label, [preview], ctx.options);
  return archiveGenerations(ctx, archiving);
}

/** The final snapshots destroying these generations makes: one per generation that has an instance, unless skipped. */
export function comingFinalSnapshots(ctx: StepContext, generations: readonly Generation[]): string[] {
  if (ctx.definition.retire.skipFinalSnapshot) return [];
  return generations.filter((g) => g.instance !== undefined).map((g) => finalSnapshotOf(ctx.definition, g.name));
}

/** An unpromoted generation past `new` carries the definition's deletion protection (from `modified` on). */
function holdsDeletionProtection(ctx: StepContext, g: Generation): boolean {
  return ctx.definition.modify.deletionProtection === true && (g.condition === "modified" || g.condition === "rebooted");
}

function liftMessage(generation: string): string {
  return `forget ${generation} (lift deletion protection before retiring it)`;
}

/** Why a candidate must not be destroyed, if it must not. */
function refusalOf(ctx: StepContext, g: Generation, liveTarget: string | undefined, liveReaderTarget?: string): string | undefined {
  if (g.instance && !isManagedBy(ctx.definition.echo, g.name, g.instance)) {
    return `${g.name}'s instance does not carry this echo's tags; refusing to destroy it`;
  }
  if (liveTarget !== undefined && g.instance?.address === liveTarget) {
    return `${ctx.definition.promote?.cname} still points at ${g.name}; refusing to destroy the instance it serves`;
  }
  if (liveReaderTarget !== undefined && g.instance?.readerAddress === liveReaderTarget) {
    return `${ctx.definition.promote?.readerCname} still points at ${g.name}'s reader endpoint; refusing to destroy the cluster it serves`;
  }
  return undefined;
}

function forgetMessage(g: Generation): string {
  return `forget ${g.name}: superseded by ${g.supersededBy}`;
}

function namedCandidate(state: EchoState, name: string, force: boolean): Generation {
  const g = state.generations.find((x) => x.name === name);
  if (!g) throw new GuardError(`retire: ${name} is not a generation of ${state.echo}`);
  if (g.condition === "forgotten" || g.condition === "superseded") return g;
  if (force && UNPROMOTED.includes(g.condition)) return g;
  if (UNPROMOTED.includes(g.condition)) {
    throw new GuardError(`retire: ${name} is ${g.condition}, not forgotten; --force retires an unpromoted generation (e.g. a failed restore)`);
  }
  throw new GuardError(`retire: ${name} is ${g.condition}; only forgotten generations are retired`);
}

/**
 * Forgotten generations beyond the newest `keep`, every superseded one (it never served, so it is no rollback
 * target) and every forgotten one rolled back from (no rollback target either, so it does not count towards `keep`:
 * what `keep` keeps is what a rollback can go back to), oldest first.
 */
export function retireCandidates(state: EchoState, keep: number): Generation[] {
  const targets = byCondition(state, "forgotten").filter((g) => g.rolledBackTo === undefined);
  const beyond = new Set(targets.slice(0, Math.max(0, targets.length - keep)));
  return state.generations.filter((g) => beyond.has(g) || g.condition === "superseded" || (g.condition === "forgotten" && g.rolledBackTo !== undefined));
}
