/**
 * What `new` pins about where the data comes from (source.from, source.copy), resolved with read-only calls before
 * anything is created: the snapshot (or point in time) to restore, its encryption, and what rds-echo must make first.
 * Everything rds-echo makes is named after the generation, so a rerun after a crash finds it by name (source-prepare.ts).
 */
import { GuardError } from "../errors.js";
import { sourceFrom } from "../definition/source.js";
import { pointInTimeLabel } from "../program/restore-source.js";
import { SNAPSHOT_CHANGE_TYPE, type GenerationSettings, type ResourceChange, type SnapshotInfo, type SourceInstanceInfo } from "../ports.js";
import type { InstanceStepContext as StepContext } from "./context.js";

/** The settings `new` pins about the source. */
export type SourceSettings = Pick<GenerationSettings, "snapshot" | "storageEncrypted" | "kmsKeyId" | "restoreTime" | "sourceInstance" | "sourceSnapshot">;

export interface SourcePlan {
  readonly settings: SourceSettings;
  /** The DB engine, when known now: the master password rules depend on it. */
  readonly engine?: string;
  /** A line for the person: what was resolved. */
  readonly note: string;
  /** The snapshots rds-echo will make before the restore, shown with the diff. */
  readonly makes: readonly ResourceChange[];
}

/** Names of what rds-echo makes for a generation: the snapshot of the source, and its copy. */
export function madeSnapshotNames(generation: string): { readonly taken: string; readonly copy: string } {
  return { taken: `${generation}-source`, copy: `${generation}-copy` };
}

export async function planSource(ctx: StepContext, generation: string): Promise<SourcePlan> {
  const { source } = ctx.definition;
  const from = sourceFrom(source);
  if (from === "point-in-time") return planPointInTime(ctx);
  if (from === "new-snapshot") return planNewSnapshot(ctx, generation);
  const found = await latestSnapshot(ctx);
  const note = `snapshot: ${found.id} (${found.type}, ${found.createdAt.toISOString()})`;
  if (!source.copy) {
    return {
      settings: { snapshot: found.id, storageEncrypted: found.encrypted, ...(found.kmsKeyId ? { kmsKeyId: found.kmsKeyId } : {}) },
      ...(found.engine ? { engine: found.engine } : {}),
      note,
      makes: [],
    };
  }
  const { copy } = madeSnapshotNames(generation);
  const crossing = source.copy.region !== undefined && source.copy.region !== ctx.definition.region;
  // Another region, or another account (a shared snapshot's id is already its ARN): CopyDBSnapshot needs the ARN.
  const from_ = crossing ? (found.arn ?? found.id) : found.id;
  return {
    settings: { snapshot: copy, storageEncrypted: true, kmsKeyId: source.copy.kmsKeyId, sourceSnapshot: from_ },
    ...(found.engine ? { engine: found.engine } : {}),
    note: `${note}; copied to ${copy} under ${source.copy.kmsKeyId}`,
    makes: [{ op: "create", type: SNAPSHOT_CHANGE_TYPE, name: `${copy} (copy of ${from_})` }],
  };
}

/** The latest snapshot where the source lives: the echo's region, or source.copy.region. */
async function latestSnapshot(ctx: StepContext): Promise<SnapshotInfo> {
  const { definition, ports } = ctx;
  const { source } = definition;
  const request = { instance: source.instance, types: source.snapshotTypes, echo: definition.echo, ...(source.snapshot ? { explicit: source.snapshot } : {}) };
  const elsewhere = source.copy?.region !== undefined && source.copy.region !== definition.region;
  return elsewhere ? ports.snapshots.latestSnapshot(request) : ports.rds.latestSnapshot(request);
}

async function sourceInstance(ctx: StepContext, purpose: string): Promise<SourceInstanceInfo> {
  const id = ctx.definition.source.instance;
  const info = await ctx.ports.snapshots.describeSource(id);
  if (!info) throw new GuardError(`new: the source instance ${id} does not exist${ctx.definition.source.copy?.region ? ` in ${ctx.definition.source.copy.region}` : ""}; ${purpose} needs it`);
  return info;
}

async function planPointInTime(ctx: StepContext): Promise<SourcePlan> {
  const { source } = ctx.definition;
  const info = await sourceInstance(ctx, "a point-in-time restore");
  const latest = info.latestRestorableTime;
  if (!latest) {
    throw new GuardError(`new: ${info.id} has no restorable time (automated backups are off: backup retention 0); from: point-in-time needs them, or use latest-snapshot`);
  }
  const wanted = source.pointInTime === undefined || source.pointInTime === "latest" ? latest : new Date(source.pointInTime);
  if (wanted.getTime() > latest.getTime()) {
    throw new GuardError(`new: ${source.pointInTime} is after ${info.id}'s latest restorable time (${utc(latest)}); RDS cannot restore it yet`);
  }
  // The exact text is pinned and declared at every stage: the provider replaces the instance if it ever differs.
  const time = source.pointInTime === undefined || source.pointInTime === "latest" ? utc(latest) : source.pointInTime;
  const pointInTime = { sourceInstance: info.id, time };
  return {
    settings: { snapshot: pointInTimeLabel(pointInTime), restoreTime: time, sourceInstance: info.id, storageEncrypted: info.encrypted, ...(info.encrypted && info.kmsKeyId ? { kmsKeyId: info.kmsKeyId } : {}) },
    ...(info.engine ? { engine: info.engine } : {}),
    note: `point in time: ${info.id} as of ${time}`,
    makes: [],
  };
}

async function planNewSnapshot(ctx: StepContext, generation: string): Promise<SourcePlan> {
  const { source, region } = ctx.definition;
  const info = await sourceInstance(ctx, "a new snapshot");
  if (info.status !== "available") throw new GuardError(`new: ${info.id} is ${info.status}; RDS takes a snapshot only of an available instance`);
  const { taken, copy } = madeSnapshotNames(generation);
  const takes: ResourceChange = { op: "create", type: SNAPSHOT_CHANGE_TYPE, name: `${taken} (snapshot of ${info.id})` };
  const engine = info.engine ? { engine: info.engine } : {};
  if (!source.copy) {
    return {
      settings: { snapshot: taken, sourceInstance: info.id, storageEncrypted: info.encrypted, ...(info.encrypted && info.kmsKeyId ? { kmsKeyId: info.kmsKeyId } : {}) },
      ...engine,
      note: `new snapshot: ${taken} of ${info.id}`,
      makes: [takes],
    };
  }
  // Taken where the source lives; copied by ARN when that is another account or region.
  const crossing = source.assumeRole !== undefined || (source.copy.region !== undefined && source.copy.region !== region);
  const takenRef = crossing ? snapshotArnBeside(info, taken) : taken;
  return {
    settings: { snapshot: copy, sourceInstance: info.id, sourceSnapshot: takenRef, storageEncrypted: true, kmsKeyId: source.copy.kmsKeyId },
    ...engine,
    note: `new snapshot: ${taken} of ${info.id}, copied to ${copy} under ${source.copy.kmsKeyId}`,
    makes: [takes, { op: "create", type: SNAPSHOT_CHANGE_TYPE, name: `${copy} (copy of ${takenRef})` }],
  };
}

/** The ARN a snapshot named `name` gets in the instance's account and region (`…:db:x` -> `…:snapshot:name`). */
function snapshotArnBeside(instance: SourceInstanceInfo, name: string): string {
  const arn = instance.arn ?? "";
  const at = arn.lastIndexOf(":db:");
  if (at < 0) throw new Error(`${instance.id}: RDS reported no ARN for the source instance; cannot name its snapshot for the copy`);
  return `${arn.slice(0, at)}:snapshot:${name}`;
}

/** RFC 3339 UTC without milliseconds when there are none: the form RDS reports and people write. */
function utc(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
