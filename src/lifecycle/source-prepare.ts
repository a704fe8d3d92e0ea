/**
 * Making what a generation restores from, before its restore: the snapshot of the source (new-snapshot) and the copy
 * into this account (copy). Driven only by the generation's pinned settings, never by the definition's current
 * `from`, and idempotent: a rerun after a crash finds what exists by name, waits for what is still being made, and
 * makes only what is missing. Never a second snapshot for the same generation.
 */
import { createTimeoutMinutes } from "../definition/duration.js";
import { pointInTimeOf } from "../program/restore-source.js";
import { TAG_GENERATION, TAG_MADE, TAG_MANAGED } from "../program/tags.js";
import type { GenerationSettings, SnapshotSide } from "../ports.js";
import type { InstanceStepContext as StepContext } from "./context.js";

const ARN_SNAPSHOT = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:(.+)$/;

export async function prepareSource(ctx: StepContext, generation: string, settings: GenerationSettings): Promise<void> {
  if (pointInTimeOf(settings)) return;
  const copying = settings.sourceSnapshot !== undefined;
  if (settings.sourceInstance !== undefined) {
    const taken = settings.sourceSnapshot ?? settings.snapshot;
    // Once the copy exists the snapshot it was made from is no longer needed (and may have been cleaned up).
    if (!(copying && (await ctx.ports.snapshots.find("echo", settings.snapshot)))) await ensureTaken(ctx, generation, settings.sourceInstance, taken);
  }
  if (copying) await ensureCopied(ctx, generation, settings);
}

/** The snapshot of the source is taken where the source lives: the source side (the echo side when there is no copy). */
async function ensureTaken(ctx: StepContext, generation: string, instance: string, ref: string): Promise<void> {
  const { snapshots, output } = ctx.ports;
  const id = snapshotId(ref);
  const where: SnapshotSide = "source";
  const existing = await snapshots.find(where, id);
  if (!existing) {
    output.step(`snapshot ${instance} now: ${id} (tens of minutes)`);
    await snapshots.create({ instance, snapshot: id, tags: madeTags(ctx, generation, "snapshot") });
  } else if (existing.status !== "available") {
    output.step(`waiting for ${id} (${existing.status}), made by an earlier run`);
  }
  if (existing?.status !== "available") await waitShowing(ctx, where, id);
  if (ctx.definition.source.assumeRole) {
    // The copy is made by this account, which may copy another account's snapshot only once it is shared with it.
    await snapshots.share(id, await snapshots.accountId());
  }
}

async function ensureCopied(ctx: StepContext, generation: string, settings: GenerationSettings): Promise<void> {
  const { snapshots, output } = ctx.ports;
  const existing = await snapshots.find("echo", settings.snapshot);
  if (existing?.status === "available") return;
  if (!existing) {
    const source = settings.sourceSnapshot!;
    if (!settings.kmsKeyId) throw new Error(`${generation}: no KMS key is pinned for the copy of ${source}`);
    const sourceRegion = ARN_SNAPSHOT.exec(source)?.[1];
    output.step(`copy ${source} to ${settings.snapshot} under ${settings.kmsKeyId} (tens of minutes)`);
    await snapshots.copy({
      source,
      target: settings.snapshot,
      kmsKeyId: settings.kmsKeyId,
      ...(sourceRegion && sourceRegion !== ctx.definition.region ? { sourceRegion } : {}),
      tags: madeTags(ctx, generation, "copy"),
    });
  } else {
    output.step(`waiting for ${settings.snapshot} (${existing.status}), made by an earlier run`);
  }
  await waitShowing(ctx, "echo", settings.snapshot);
}

/** Waits for a snapshot and says how long it took: the wait is what sets the source kinds apart (README table). */
async function waitShowing(ctx: StepContext, side: SnapshotSide, id: string): Promise<void> {
  const { clock, snapshots, output } = ctx.ports;
  const start = clock.now().getTime();
  await snapshots.waitAvailable(side, id, { timeoutMs: timeoutMs(ctx), progress: (status, elapsedMs) => output.progress(id, status, elapsedMs) });
  output.step(`${id} is available after ${Math.round((clock.now().getTime() - start) / 60_000)} min`);
}

function madeTags(ctx: StepContext, generation: string, made: "snapshot" | "copy"): Record<string, string> {
  return { [TAG_MANAGED]: ctx.definition.echo, [TAG_GENERATION]: generation, [TAG_MADE]: made };
}

/** The identifier of a snapshot given by id or ARN (operations on its own side take the identifier). */
export function snapshotId(ref: string): string {
  return ARN_SNAPSHOT.exec(ref)?.[3] ?? ref;
}

function timeoutMs(ctx: StepContext): number {
  return createTimeoutMinutes(ctx.definition.timeouts) * 60_000;
}
