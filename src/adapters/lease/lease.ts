/**
 * Taking, renewing and giving up a lease. A run takes the lease of the echo it works on before anything else; while
 * it runs a heartbeat renews it every third of its time to live, so it expires only when the holder has stopped (a
 * kill -9, an evicted pod, a host that died) or has been cut off longer than that. Every write is conditional on the
 * version read (store.ts): of two runs only one gets a lease, and a holder that was too late to renew learns it lost.
 */
import { describeHolder, type LeaseHolder } from "./holder.js";
import { isFree, LEASE_KIND, leaseText, parseLease, type LeaseRecord } from "./record.js";
import type { LeaseStore } from "./store.js";

export interface LeaseTiming {
  readonly ttlMs: number;
  /** Defaults to a third of the TTL: two renewals may fail before the lease expires. */
  readonly renewEveryMs?: number;
  readonly now?: () => Date;
  /**
   * Whether a holder is provably gone before its lease expires: a process of this host that no longer runs. A run
   * killed here is then followed at once, as before leases, instead of after the TTL.
   */
  readonly holderGone?: (holder: LeaseHolder) => boolean;
}

/** The default time to live: a few minutes, so a dead run's echo is free again soon, and a slow bucket is no risk. */
export const DEFAULT_LEASE_TTL_MS = 3 * 60_000;

export type Acquired =
  | { readonly held: true; readonly lease: HeldLease; /** The expired lease this run took over: its holder died. */ readonly tookOver?: LeaseRecord }
  | { readonly held: false; readonly record: LeaseRecord };

/** Takes the lease `name` for `holder`, or says who holds it. Throws when the stored lease cannot be read. */
export async function acquireLease(store: LeaseStore, name: string, holder: LeaseHolder, timing: LeaseTiming, onLost: (message: string) => void): Promise<Acquired> {
  const now = timing.now ?? (() => new Date());
  // A lost race (another run wrote between our read and our write) is read again: it may have released meanwhile.
  for (let attempt = 0; attempt < 4; attempt++) {
    const stored = await store.read(name);
    const at = now();
    const record: LeaseRecord = { kind: LEASE_KIND, name, holder, acquired: at.toISOString(), renewed: at.toISOString(), expires: new Date(at.getTime() + timing.ttlMs).toISOString() };
    if (stored === undefined) {
      const version = await store.create(name, leaseText(record));
      if (version !== undefined) return { held: true, lease: new HeldLease(store, record, version, timing, onLost) };
      continue;
    }
    const previous = parseLease(stored.text);
    if (typeof previous === "string") {
      throw new Error(`the lease ${store.where}/${name} cannot be read (${previous}); if no run of rds-echo is working on ${name}, remove it`);
    }
    if (!isFree(previous, at) && !(timing.holderGone?.(previous.holder) ?? false)) return { held: false, record: previous };
    const version = await store.replace(name, leaseText(record), stored.version);
    if (version !== undefined) {
      const lease = new HeldLease(store, record, version, timing, onLost);
      return previous.released === undefined ? { held: true, lease, tookOver: previous } : { held: true, lease };
    }
  }
  const last = await store.read(name);
  const record = last === undefined ? undefined : parseLease(last.text);
  if (record !== undefined && typeof record !== "string") return { held: false, record };
  throw new Error(`the lease ${store.where}/${name} kept changing while rds-echo tried to take it`);
}

/** A lease this run holds: renewed in the background until released (or lost). */
export class HeldLease {
  #record: LeaseRecord;
  #version: string;
  #timer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> = Promise.resolve();
  #lost: string | undefined;

  constructor(
    private readonly store: LeaseStore,
    record: LeaseRecord,
    version: string,
    private readonly timing: LeaseTiming,
    private readonly onLost: (message: string) => void,
  ) {
    this.#record = record;
    this.#version = version;
    this.#timer = setInterval(() => {
      this.#renewing = this.#renewing.then(() => this.renew());
    }, timing.renewEveryMs ?? Math.max(1, Math.floor(timing.ttlMs / 3)));
    // The heartbeat alone never keeps the process alive: a run that is done exits, and its lease then expires.
    this.#timer.unref();
  }

  get record(): LeaseRecord {
    return this.#record;
  }

  /** Why this run no longer holds the lease, or undefined while it does. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /** Extends the lease by its TTL from now. A failed write is tried again at the next beat, while the lease lasts. */
  async renew(): Promise<void> {
    if (this.#lost !== undefined || this.#timer === undefined) return;
    const at = (this.timing.now ?? (() => new Date()))();
    const next: LeaseRecord = { ...this.#record, renewed: at.toISOString(), expires: new Date(at.getTime() + this.timing.ttlMs).toISOString() };
    try {
      const version = await this.store.replace(this.#record.name, leaseText(next), this.#version);
      if (version === undefined) return this.#lose(`another run took over the lease ${this.store.where}/${this.#record.name}`);
      this.#record = next;
      this.#version = version;
    } catch (error) {
      if (Date.parse(this.#record.expires) <= at.getTime()) this.#lose(`the lease ${this.store.where}/${this.#record.name} expired: it could not be renewed (${String(error)})`);
    }
  }

  /** Gives the lease up, so the next run need not wait for it to expire. Never throws: the run's own outcome matters more. */
  async release(): Promise<string | undefined> {
    this.#stop();
    await this.#renewing;
    if (this.#lost !== undefined) return this.#lost;
    const at = (this.timing.now ?? (() => new Date()))().toISOString();
    try {
      const version = await this.store.replace(this.#record.name, leaseText({ ...this.#record, released: at, expires: at }), this.#version);
      return version === undefined ? `the lease ${this.store.where}/${this.#record.name} was taken over before it was released` : undefined;
    } catch (error) {
      return `the lease ${this.store.where}/${this.#record.name} could not be released (${String(error)}); it expires at ${this.#record.expires}`;
    }
  }

  #lose(reason: string): void {
    this.#lost = reason;
    this.#stop();
    this.onLost(`${reason}: this run (${describeHolder(this.#record.holder)}) no longer holds ${this.#record.name} and stops changing it`);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
