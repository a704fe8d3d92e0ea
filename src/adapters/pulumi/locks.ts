/**
 * Who holds a stack's lock on a file backend, read straight from the backend's directory. `pulumi stack ls` on a
 * file (DIY) backend never reports an update in progress, and learning it from a failed update comes too late: by
 * then rds-echo has read RDS, tried to resume and printed "adopting …". The DIY backend keeps one JSON file per held
 * lock under `.pulumi/locks/<organization>/<project>/<stack>/` (pkg/backend/diy/lock.go, stackLockDir), so a
 * listing of that directory answers first. An S3 backend keeps the same layout in its bucket (s3-locks.ts lists it);
 * on GCS/Azure and Pulumi Cloud a held lock is still caught when the CLI refuses the update.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processGone } from "../lease/liveness.js";

/** One lock file's contents (lockContent in lock.go); fields absent from older CLIs stay undefined. */
export interface StackLock {
  readonly stack: string;
  /** The lock file itself: a path, or `s3://<bucket>/<key>`. */
  readonly file: string;
  readonly pid?: number;
  readonly hostname?: string;
  readonly username?: string;
  readonly timestamp?: string;
}

/** The state directory of a `file://` backend URL, or undefined for any other backend. */
export function fileBackendDir(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
  const rest = backendUrl.slice("file://".length);
  if (rest === "~" || rest.startsWith("~/")) return path.join(os.homedir(), rest.slice(1));
  return rest.startsWith("/") ? fileURLToPath(`file://${rest}`) : path.resolve(rest);
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The held locks of the project's stacks on a file backend, one per lock file. */
export async function heldLocks(stateDir: string, project: string): Promise<StackLock[]> {
  const root = path.join(stateDir, ".pulumi", "locks");
  const locks: StackLock[] = [];
  for (const organization of await entries(root)) {
    const projectDir = path.join(root, organization, project);
    for (const stack of await entries(projectDir)) {
      for (const file of await entries(path.join(projectDir, stack))) {
        if (!file.endsWith(".json")) continue;
        const lockFile = path.join(projectDir, stack, file);
        locks.push({ stack, file: lockFile, ...(await lockContent(lockFile)) });
      }
    }
  }
  return locks;
}

/** Where a backend keeps its Pulumi locks, and how to remove one: a directory, or a bucket. */
export interface LockStore {
  /** The project's held locks, one per lock file or object. */
  held(project: string): Promise<StackLock[]>;
  /** Removes that one lock (never the stack's other locks). */
  remove(lock: StackLock): Promise<void>;
}

/** The locks of a `file://` backend's directory. */
export class FileLockStore implements LockStore {
  constructor(private readonly stateDir: string) {}

  held(project: string): Promise<StackLock[]> {
    return heldLocks(this.stateDir, project);
  }

  async remove(lock: StackLock): Promise<void> {
    await rm(lock.file, { force: true });
  }
}

async function lockContent(file: string): Promise<Omit<StackLock, "stack" | "file">> {
  try {
    return parseLockContent(await readFile(file, "utf8"));
  } catch {
    // Removed between the listing and the read (the holder finished): it still counts as held.
    return {};
  }
}

/** A lock's JSON; what cannot be read (half written) leaves its fields undefined, and the lock still counts as held. */
export function parseLockContent(json: string): Omit<StackLock, "stack" | "file"> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return {};
  }
  const field = (key: string): unknown => (typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, key) : undefined);
  const text = (key: string) => (typeof field(key) === "string" ? { [key]: field(key) as string } : {});
  const pid = field("pid");
  return { ...(typeof pid === "number" ? { pid } : {}), ...text("hostname"), ...text("username"), ...text("timestamp") };
}

/**
 * A lock whose holder is gone: taken on this host by a process that no longer runs (a `kill -9`, a crash, a reboot).
 * Only this host's processes can be checked; a lock from another machine is never judged stale, and a pid that has
 * since been reused by another process keeps its lock (held is the safe mistake).
 */
export function isStale(lock: StackLock, host = os.hostname()): boolean {
  if (lock.pid === undefined || lock.hostname === undefined || lock.hostname !== host) return false;
  // A zombie counts as gone: a container's first process often never reaps a killed child (liveness.ts).
  return processGone(lock.pid);
}

/**
 * Whether a lock's holder is provably gone, and how we know: `dead-pid`, taken on this host by a process that no
 * longer runs (isStale); `lease-expired`, taken by the run whose lease on the echo expired unrenewed, that is on that
 * run's host since it took the lease. A lock whose holder runs on this host is never released, whatever its lease
 * says; a lock the expired lease does not cover (another host, or from before) is left alone.
 */
export function releasableBy(lock: StackLock, expired: { host: string; since: string } | undefined, host = os.hostname()): "dead-pid" | "lease-expired" | undefined {
  if (lock.hostname === host && lock.pid !== undefined) {
    if (isStale(lock, host)) return "dead-pid";
    return undefined;
  }
  if (expired === undefined || lock.hostname !== expired.host || lock.timestamp === undefined) return undefined;
  const taken = Date.parse(lock.timestamp);
  // Both times come from the one host's clock; the second is slack for the lease's millisecond rounding.
  return Number.isFinite(taken) && taken >= Date.parse(expired.since) - 1_000 ? "lease-expired" : undefined;
}

/** A lock released, and how its holder was known to be gone. */
export interface ReleasedLock extends StackLock {
  readonly reason: "dead-pid" | "lease-expired";
}

/**
 * Removes the locks of the stacks `which` accepts whose holders are gone (see releasableBy) and returns them. Only
 * those files: `pulumi cancel` would remove every lock of the stack, including one a live run has just taken.
 */
export async function releaseStaleLocks(
  store: LockStore,
  project: string,
  which: (stack: string) => boolean,
  expired?: { host: string; since: string },
  host = os.hostname(),
): Promise<ReleasedLock[]> {
  const released: ReleasedLock[] = [];
  for (const lock of await store.held(project)) {
    if (!which(lock.stack)) continue;
    const reason = releasableBy(lock, expired, host);
    if (reason === undefined) continue;
    await store.remove(lock);
    released.push({ ...lock, reason });
  }
  return released;
}
