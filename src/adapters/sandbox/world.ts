/**
 * The sandbox's simulated world as plain JSON data: RDS instances and snapshots, Route 53 zones, Pulumi stacks and the
 * simulated time. Engine, RDS and DNS adapters all read and write this one object, so a test can assert real outcomes
 * ("the CNAME points at B's address; A still exists") and the CLI can persist it to `.rds-echo/sandbox.json`.
 */
import type { NotifyEvent } from "../../definition/notify.js";
import { settleClusters } from "./cluster-world.js";
import type { ChangeOp, GenerationSettings, HistoryEntry, OperationKind, PendingOperation } from "../../ports.js";

/** Simulated durations (milliseconds of simulated time) of the slow RDS operations. */
export interface SimTimings {
  readonly restoreMs: number;
  readonly modifyMs: number;
  readonly rebootMs: number;
  readonly deleteMs: number;
  /** A manual snapshot of the source (CreateDBSnapshot). Optional: worlds saved before it existed use the default. */
  readonly snapshotMs?: number;
  /** A copy in the same region (CopyDBSnapshot, re-encrypting under this account's key), and one across regions. */
  readonly copyMs?: number;
  readonly crossRegionCopyMs?: number;
  /**
   * Aurora (optional: worlds saved before clusters existed lack them; see clusterTiming): restoring a cluster from a
   * cluster snapshot, cloning one copy-on-write, and creating one instance in a cluster.
   */
  readonly clusterRestoreMs?: number;
  readonly cloneMs?: number;
  readonly clusterInstanceMs?: number;
}

/**
 * A restore takes hours in real life (90 simulated minutes here); a new snapshot of a large instance and a copy under
 * another key take tens of minutes (the first snapshot of an instance copies all of it, a copy re-encrypts every
 * block); a copy across regions moves the data too. A point-in-time restore takes as long as a restore.
 *
 * A clone shares the source's storage pages until they change, so RDS only creates the cluster's metadata: minutes
 * (AWS quotes "minutes" for a clone, where a restore of a large cluster takes hours; these are the sandbox's guesses
 * within those orders of magnitude). An instance then takes its own ~10 minutes, in both cases.
 */
export const DEFAULT_TIMINGS: Required<SimTimings> = {
  restoreMs: 90 * 60_000,
  modifyMs: 6 * 60_000,
  rebootMs: 3 * 60_000,
  deleteMs: 10 * 60_000,
  snapshotMs: 35 * 60_000,
  copyMs: 25 * 60_000,
  crossRegionCopyMs: 45 * 60_000,
  clusterRestoreMs: 3 * 3_600_000,
  cloneMs: 8 * 60_000,
  clusterInstanceMs: 12 * 60_000,
};

/** A cluster timing of the world, or its default for a world saved before clusters existed. */
export function clusterTiming(world: SimWorld, key: "clusterRestoreMs" | "cloneMs" | "clusterInstanceMs"): number {
  return world.timings[key] ?? DEFAULT_TIMINGS[key];
}

/** How long RDS keeps reporting `available` after it accepted a reboot. */
export const REBOOT_STATUS_LAG_MS = 10_000;

export interface SimInstance {
  id: string;
  arn: string;
  /** The DbiResourceId: the Pulumi id of the instance resource. */
  resourceId?: string;
  /** Status as of `since`; a transitional status becomes `available` at `readyAt`. */
  status: string;
  readyAt?: number;
  address: string;
  port: number;
  region: string;
  createdAt: number;
  snapshot?: string;
  /** Current settings, by Pulumi input name (e.g. parameterGroupName); secrets as digests. */
  settings: Record<string, unknown>;
  tags: Record<string, string>;
  pendingReboot: boolean;
  /** Set while the instance is being deleted; it disappears at `readyAt`. */
  deleting?: boolean;
  /** The owning account, when not the world's (a source instance in another account). */
  account?: string;
  /** Inherited from the snapshot it was restored from, whatever the restore call said. */
  encrypted?: boolean;
  kmsKeyId?: string;
  /** The Aurora cluster this instance is a member of (a cluster echo's instance, or a source cluster's). */
  cluster?: string;
  /**
   * A status RDS reports only a little after the call that caused it returned (RebootDBInstance answers while the
   * instance still reads `available`): it takes over at `at`.
   */
  next?: { status: string; at: number };
}

export interface SimSnapshot {
  id: string;
  arn: string;
  instance: string;
  type: "automated" | "manual" | "shared" | "awsbackup";
  status: string;
  /** When this snapshot object was made (a copy: when it was copied). */
  createdAt: number;
  /** When the data was taken, for a copy of an older snapshot (RDS's OriginalSnapshotCreateTime). */
  originalCreatedAt?: number;
  port: number;
  /** Encrypted with `kmsKeyId`; an instance restored from it is encrypted with the same key. */
  encrypted?: boolean;
  kmsKeyId?: string;
  engine?: string;
  /** Tags copied from the instance (copyTagsToSnapshot) onto a final snapshot, or given when rds-echo made it. */
  tags?: Record<string, string>;
  /** The owning account and region, when not the world's (a source in another account or region). */
  account?: string;
  region?: string;
  /** Accounts the owner shared it with (ModifyDBSnapshotAttribute restore). */
  sharedWith?: string[];
  /** While `creating`/`copying`: when it becomes available. */
  readyAt?: number;
}

/** An Aurora cluster; its instances are SimInstances with `cluster` set. Status transitions as for instances. */
export interface SimCluster {
  id: string;
  arn: string;
  resourceId: string;
  status: string;
  readyAt?: number;
  deleting?: boolean;
  address: string;
  readerAddress: string;
  port: number;
  createdAt: number;
  engine: string;
  /** What its data came from: a cluster snapshot, or the cluster it is a copy-on-write clone of. */
  snapshot?: string;
  cloneOf?: string;
  settings: Record<string, unknown>;
  tags: Record<string, string>;
  encrypted?: boolean;
  kmsKeyId?: string;
}

export interface SimClusterSnapshot {
  id: string;
  arn: string;
  cluster: string;
  type: "automated" | "manual" | "shared" | "awsbackup";
  status: string;
  createdAt: number;
  port: number;
  engine: string;
  encrypted?: boolean;
  kmsKeyId?: string;
}

export interface SimRecord {
  type: string;
  ttl: number;
  values: string[];
}

export interface SimZone {
  id: string;
  name: string;
  private: boolean;
  records: Record<string, SimRecord>;
}

/** A resource in a stack's state. Secrets are stored as `{ "__secret": "<sha256>" }`, never in the clear. */
export interface StoredResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  retainOnDelete: boolean;
}

/** A history entry as stored: times in epoch ms. */
export interface SimHistoryEntry {
  version: number;
  kind: OperationKind;
  message: string;
  result: HistoryEntry["result"];
  startTime: number;
  endTime?: number;
  resourceChanges: Partial<Record<ChangeOp, number>>;
}

export interface SimStack {
  name: string;
  settings: GenerationSettings;
  /** Secret config values as sha256 digests: enough to detect a change, useless to a reader of the file. */
  secrets: Record<string, string>;
  resources: StoredResource[];
  outputs: Record<string, unknown>;
  pending: (PendingOperation & { resource: StoredResource })[];
  history: SimHistoryEntry[];
  lastUpdate?: number;
  /** The process running an operation on the stack, as Pulumi's lock records it. */
  lock?: { pid: number };
}

/** A retired generation archived after `retire.archiveAfter` (its stack removed): times in epoch ms. */
export interface SimArchivedGeneration {
  name: string;
  archivedAt: number;
  settings: GenerationSettings;
  history: SimHistoryEntry[];
}

export interface SimWorld {
  version: 1;
  /** Simulated now, in epoch milliseconds. */
  now: number;
  account: string;
  /** The one region the simulation covers (the sandbox serves echoes of one region at a time). */
  region: string;
  timings: SimTimings;
  /** `clusters` and `clusterSnapshots` are absent in worlds saved before clusters existed (see rdsClusters). */
  rds: { instances: Record<string, SimInstance>; snapshots: SimSnapshot[]; clusters?: Record<string, SimCluster>; clusterSnapshots?: SimClusterSnapshot[] };
  route53: { zones: SimZone[] };
  stacks: Record<string, SimStack>;
  /** Per echo, its archived generations, oldest first (absent in worlds saved before archiving existed). */
  archives?: Record<string, SimArchivedGeneration[]>;
  /**
   * The dedicated link-signing principal's long-term keys, where the simulated RDS Query API listens, and the
   * decision key links' tag values are proven with (absent in worlds saved before it existed: see `decisionKeyOf`).
   */
  approval: { accessKeyId: string; secretAccessKey: string; endpoint: string; decisionKey?: string };
  /**
   * What the sandbox sent instead of SES, SNS or a webhook, newest last: approval e-mails (no `channel`), and
   * notifications with their channel and event.
   */
  outbox: { from: string; to: string; subject: string; text: string; channel?: "sns" | "webhook" | "email"; event?: NotifyEvent }[];
  /** Settings a person may write into .rds-echo/sandbox.json: `postgres` is the data plane's server URL. */
  sandbox?: { postgres?: string };
}

/** Where `rds-echo sandbox serve` listens by default (loopback only). */
export const DEFAULT_SANDBOX_PORT = 4599;

export function emptyWorld(now: number, region: string, timings: SimTimings = DEFAULT_TIMINGS): SimWorld {
  return {
    version: 1,
    now,
    account: "123456789012",
    region,
    timings,
    rds: { instances: {}, snapshots: [], clusters: {}, clusterSnapshots: [] },
    route53: { zones: [] },
    stacks: {},
    approval: sandboxSigner(),
    outbox: [],
  };
}

/** The sandbox's signer: fixed, well-known keys (like AWS's documentation examples); they sign nothing real. */
export function sandboxSigner(): SimWorld["approval"] {
  return { accessKeyId: "AKIASANDBOXSIGNER001", secretAccessKey: "sandbox/only/not/a/real/secret/key/000000", endpoint: `http://127.0.0.1:${DEFAULT_SANDBOX_PORT}`, decisionKey: SANDBOX_DECISION_KEY };
}

/** The sandbox's decision key: as well known as its signer's keys, proving nothing outside the sandbox. */
const SANDBOX_DECISION_KEY = "sandbox-decision-key-not-a-secret-0000000000";

/** The world's decision key (worlds saved before it existed use the sandbox's fixed one). */
export function decisionKeyOf(world: SimWorld): string {
  return world.approval.decisionKey ?? SANDBOX_DECISION_KEY;
}

const DAY_MS = 86_400_000;
/** Automated snapshots RDS keeps of a source in the sandbox (its backup retention, in days). */
export const SOURCE_SNAPSHOTS_KEPT = 7;

/**
 * Production takes its automated snapshot every (simulated) day at 03:10 UTC and keeps the last 7, as RDS does with
 * a 7-day backup retention; so each new generation restores a fresher snapshot than the one before.
 */
export function takeDailySnapshots(world: SimWorld): void {
  const automated = world.rds.snapshots.filter((s) => s.type === "automated");
  for (const source of new Set(automated.map((s) => s.instance))) {
    const instance = world.rds.instances[source];
    if (!instance || instance.tags["echo:managed"] !== undefined) continue;
    const own = automated.filter((s) => s.instance === source);
    let next = Math.max(...own.map((s) => s.createdAt)) + DAY_MS;
    for (; next <= world.now; next += DAY_MS) {
      const d = new Date(next);
      const id = `rds:${source}-${d.toISOString().slice(0, 10)}-03-10`;
      const account = instance.account ?? world.account;
      const elsewhere = { ...(instance.account ? { account } : {}), ...(instance.region !== world.region ? { region: instance.region } : {}) };
      world.rds.snapshots.push({ id, arn: `arn:aws:rds:${instance.region}:${account}:snapshot:${id}`, instance: source, type: "automated", status: "available", createdAt: next, port: instance.port, ...elsewhere });
    }
    const kept = new Set(world.rds.snapshots.filter((s) => s.type === "automated" && s.instance === source).sort((a, b) => b.createdAt - a.createdAt).slice(0, SOURCE_SNAPSHOTS_KEPT));
    world.rds.snapshots = world.rds.snapshots.filter((s) => s.type !== "automated" || s.instance !== source || kept.has(s));
  }
}

/** Brings transitional states up to date with the simulated clock (creating -> available, deleting -> gone). */
export function settle(world: SimWorld): void {
  takeDailySnapshots(world);
  for (const snapshot of world.rds.snapshots) {
    if (snapshot.readyAt !== undefined && snapshot.readyAt <= world.now) {
      snapshot.status = "available";
      delete snapshot.readyAt;
    }
  }
  settleClusters(world);
  for (const instance of Object.values(world.rds.instances)) {
    if (instance.next && instance.next.at <= world.now) {
      instance.status = instance.next.status;
      delete instance.next;
    }
    if (instance.readyAt === undefined || instance.readyAt > world.now) continue;
    if (instance.deleting) {
      delete world.rds.instances[instance.id];
      continue;
    }
    instance.status = "available";
    delete instance.readyAt;
  }
}
