/**
 * The leases one run holds on the echoes it works on, and what a taken-over lease means for Pulumi's locks. A run
 * that finds an echo's lease expired takes it over and releases the locks its dead holder left on the echo's stacks
 * (releasableBy: that host's, taken since that lease began), each said by name; a live lease is never touched.
 */
import os from "node:os";
import { isGenerationOf, parseGenerationName } from "../../definition/identifiers.js";
import type { EchoHold } from "../../ports.js";
import { PROJECT } from "../../program/project.js";
import { describeHolder, thisHolder, type LeaseHolder } from "../lease/holder.js";
import { holderGoneFromThisHost } from "../lease/liveness.js";
import { acquireLease, type HeldLease } from "../lease/lease.js";
import { isFree, parseLease } from "../lease/record.js";
import type { BackendAccess } from "./backend-access.js";
import { releasableBy, releaseStaleLocks, type ReleasedLock, type StackLock } from "./locks.js";

export class EchoLeases {
  readonly #held = new Map<string, HeldLease>();
  #holder: LeaseHolder | undefined;

  constructor(private readonly onWarning?: (message: string) => void) {}

  /** Takes the echo's lease (see StackEngine.hold); a backend without leases holds nothing and reports held. */
  async hold(access: BackendAccess, env: Readonly<Record<string, string | undefined>>, ttlMs: number, echo: string): Promise<EchoHold> {
    const release = (lease: HeldLease) => async () => {
      this.#held.delete(echo);
      const problem = await lease.release();
      if (problem !== undefined) this.onWarning?.(`${echo}: ${problem}`);
    };
    const known = this.#held.get(echo);
    if (known !== undefined && known.lost === undefined) return { held: true, release: async () => undefined };
    if (access.leases === undefined) return { held: true, release: async () => undefined };
    this.#holder ??= thisHolder(env);
    const got = await acquireLease(access.leases, echo, this.#holder, { ttlMs, holderGone }, (message) => this.onWarning?.(`${echo}: ${message}`));
    if (!got.held) return { held: false, holder: `${describeHolder(got.record.holder)}, whose lease on it lasts until ${got.record.expires} unless renewed` };
    this.#held.set(echo, got.lease);
    if (got.tookOver !== undefined) {
      const dead = got.tookOver;
      const why = isFree(dead, new Date()) ? `which expired at ${dead.expires} without being renewed` : "whose process no longer runs on this host";
      this.onWarning?.(`${echo}: took over the lease of ${describeHolder(dead.holder)}, ${why} (that run is gone)`);
      if (access.locks !== undefined) {
        const released = await releaseStaleLocks(access.locks, PROJECT, (stack) => isGenerationOf(echo, stack), { host: dead.holder.host, since: dead.acquired });
        for (const lock of released) this.onWarning?.(releasedMessage(lock));
      }
    }
    return { held: true, release: release(got.lease) };
  }

  /** Why this run no longer holds the echo it took, or undefined. */
  lost(echo: string): string | undefined {
    return this.#held.get(echo)?.lost;
  }

  /**
   * The locks among `locks` whose holders are provably gone, reading the lease of each echo that has a lock (only
   * then): the listing must not call a dead run's lock an update in progress.
   */
  async gone(access: BackendAccess, locks: readonly StackLock[], now = new Date()): Promise<Set<StackLock>> {
    const gone = new Set<StackLock>();
    const expired = new Map<string, { host: string; since: string } | undefined>();
    for (const lock of locks) {
      const echo = echoOf(lock.stack);
      if (echo !== undefined && !expired.has(echo)) expired.set(echo, await this.#expiredHolder(access, echo, now));
      if (releasableBy(lock, echo === undefined ? undefined : expired.get(echo)) !== undefined) gone.add(lock);
    }
    return gone;
  }

  async #expiredHolder(access: BackendAccess, echo: string, now: Date): Promise<{ host: string; since: string } | undefined> {
    const stored = await access.leases?.read(echo);
    const record = stored === undefined ? undefined : parseLease(stored.text);
    if (record === undefined || typeof record === "string" || record.released !== undefined) return undefined;
    if (!isFree(record, now) && !holderGone(record.holder)) return undefined;
    return { host: record.holder.host, since: record.acquired };
  }
}

/**
 * A holder in this run's own pid space whose process no longer runs (liveness.ts, the same rule as for Pulumi's own
 * locks). Another container with this hostname is not this pid space: its lease is waited out.
 */
const holderGone = holderGoneFromThisHost;

/** The echo a generation's stack belongs to, from its name (`<echo>-<yyyymmdd>-<hhmm>`). */
function echoOf(stack: string): string | undefined {
  return parseGenerationName(stack)?.echo;
}

export function releasedMessage(lock: ReleasedLock): string {
  const since = lock.timestamp ? `, since ${lock.timestamp}` : "";
  const where = lock.hostname === os.hostname() ? "this host" : (lock.hostname ?? "an unknown host");
  const why = lock.reason === "dead-pid" ? "which no longer runs" : "whose run's lease expired";
  return `${lock.stack}: released the lock left by pulumi (pid ${lock.pid ?? "?"} on ${where}${since}), ${why}: ${lock.file}`;
}
