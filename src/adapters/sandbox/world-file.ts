/**
 * The sandbox's world on disk (`.rds-echo/sandbox.json`) and the lock that serialises its changes. The world is one
 * file that every run reads whole and writes whole, so two runs changing it at once would each write back their own
 * copy and the later one would erase the other's work. A run that changes the world therefore holds the sandbox's
 * lock from its first change (`hold`, the sandbox's StackEngine.hold) until its ports close; a second changing run
 * finds it held and stands aside, as a second run does on the real engine (`busy`, exit 0). Commands that must act
 * (`sandbox advance`, `reset`, `seed-legacy`, a clicked approval link) wait for it instead (`update`).
 *
 * The lock is a lease (../lease) in `.rds-echo/sandbox.lock/`: held by this host and pid, renewed while the run lasts.
 * A kill -9 never blocks the next run: a holder on this host whose process no longer runs is gone at once (pid
 * liveness, liveness.ts), and any other (another host sharing the directory, a reused pid) when its lease expires
 * unrenewed, a minute later. An OS lock (flock) would be released by the kernel, but Node has none without a native
 * module, and the lease store is already the project's own, tested, for the same job on the file backend.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { EchoDefinition } from "../../definition/schema.js";
import { GuardError } from "../../errors.js";
import type { EchoHold } from "../../ports.js";
import { FileLeaseStore } from "../lease/file-store.js";
import { describeHolder, thisHolder, type LeaseHolder } from "../lease/holder.js";
import { acquireLease, type HeldLease } from "../lease/lease.js";
import { holderGoneFromThisHost } from "../lease/liveness.js";
import { seed } from "./seed.js";
import { emptyWorld, sandboxSigner, type SimWorld } from "./world.js";

export const SANDBOX_FILE = path.join(".rds-echo", "sandbox.json");
export const SANDBOX_LOCK_DIR = path.join(".rds-echo", "sandbox.lock");
const LOCK_NAME = "world";
/** Long enough that a busy event loop never misses its renewals (every 20 s); short enough for another host. */
export const WORLD_LOCK_TTL_MS = 60_000;
/** How long `update` waits for a changing run to finish: a sandbox restore takes seconds at the default speed. */
export const WORLD_LOCK_WAIT_MS = 120_000;

export class WorldFile {
  readonly #root: string;
  readonly #store: FileLeaseStore;
  readonly #holder: LeaseHolder;
  #lease: HeldLease | undefined;
  /** Who held the world when this process asked: it then stands aside for good (no world reloaded mid-run). */
  #busy: string | undefined;
  /** The file's text as this process last read or wrote it: a change by another process shows as a difference. */
  #disk: string | undefined;
  /** The world as last loaded or saved here: a run that changed nothing writes nothing. */
  #clean: string | undefined;
  #loaded = false;
  readonly #onWarning: (message: string) => void;
  readonly #onWait: (holder: string) => void;

  /** @param options.onWait told (once per `update`) that it waits for another run, and whose. */
  constructor(root: string, options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly onWarning?: (message: string) => void; readonly onWait?: (holder: string) => void } = {}) {
    const env = options.env ?? process.env;
    this.#onWarning = options.onWarning ?? (() => undefined);
    this.#onWait = options.onWait ?? (() => undefined);
    this.#root = root;
    this.#store = new FileLeaseStore(path.join(root, SANDBOX_LOCK_DIR));
    this.#holder = thisHolder(env);
  }

  get file(): string {
    return path.join(this.#root, SANDBOX_FILE);
  }

  /** Loads the world (seeding what the definition needs), or starts a new one. */
  async load(definition: EchoDefinition | undefined, now: Date): Promise<SimWorld> {
    this.#disk = await this.#read();
    this.#loaded = true;
    const world = parseWorld(this.#disk, this.file, definition, now);
    this.#clean = serialise(world);
    return world;
  }

  /**
   * Takes the lock, without waiting: busy when another live run holds it. Taken, it lasts until `close` (the release
   * given here does nothing), so what the run does after its steps (its notifications) is saved under it too. When
   * another run saved the world since this one loaded it, `refresh` gets the world as it is now.
   */
  async hold(refresh?: (fresh: SimWorld) => void, definition?: EchoDefinition): Promise<EchoHold> {
    const keep: EchoHold = { held: true, release: async () => undefined };
    if (this.#lease !== undefined && this.#lease.lost === undefined) return keep;
    if (this.#busy !== undefined) return { held: false, holder: this.#busy };
    const got = await acquireLease(this.#store, LOCK_NAME, this.#holder, { ttlMs: WORLD_LOCK_TTL_MS, renewEveryMs: WORLD_LOCK_TTL_MS / 3, holderGone: holderGoneFromThisHost }, () => undefined);
    if (!got.held) {
      this.#busy = `${describeHolder(got.record.holder)}, which is changing the sandbox (${SANDBOX_FILE}: one changing run at a time)`;
      return { held: false, holder: this.#busy };
    }
    this.#lease = got.lease;
    if (got.tookOver !== undefined) this.#onWarning(`took over the sandbox's lock from ${describeHolder(got.tookOver.holder)}: that run is gone (killed or crashed); what it had saved stands`);
    const now = await this.#read();
    if (this.#loaded && now !== this.#disk && refresh) {
      const fresh = parseWorld(now, this.file, definition, new Date());
      this.#disk = now;
      this.#clean = serialise(fresh);
      refresh(fresh);
    }
    return keep;
  }

  /** The world as it is now counts as unchanged (seeded for more echoes, say): saving it alone writes nothing. */
  baseline(world: SimWorld): void {
    this.#clean = serialise(world);
  }

  /** Whether this process holds the lock. */
  get held(): boolean {
    return this.#lease !== undefined && this.#lease.lost === undefined;
  }

  /**
   * Saves the world if it changed. Held: at once, synchronously (simulated time jumps whenever every sandbox actor
   * waits, and an actor waiting on file I/O would look idle). Not held (a command that only looks, whose reading
   * moved something): only under the lock and only over the file it read, else not at all (false), so it never
   * erases another run's work.
   */
  async save(world: SimWorld): Promise<boolean> {
    const text = serialise(world);
    if (text === this.#clean) return true;
    if (this.held) return this.#write(text), true;
    const hold = await this.hold();
    if (!hold.held) return false;
    try {
      if ((await this.#read()) !== this.#disk) return false;
      this.#write(text);
      return true;
    } finally {
      await this.#release();
    }
  }

  /** Saves what changed and gives the lock up: the end of a run's use of the world. */
  async close(world: SimWorld | undefined): Promise<boolean> {
    try {
      return world === undefined ? true : await this.save(world);
    } finally {
      await this.#release();
    }
  }

  /**
   * Runs `change` on the world under the lock, waiting for a changing run to finish first (`onWait` says so, once),
   * then saves (or, with `remove`, removes the file: `sandbox reset`). Gives up after `waitMs`, with a GuardError:
   * nothing was changed.
   */
  async update<T>(what: string, change: (world: SimWorld) => T | Promise<T>, options: { readonly definition?: EchoDefinition; readonly waitMs?: number; readonly remove?: boolean } = {}): Promise<T> {
    const deadline = Date.now() + (options.waitMs ?? WORLD_LOCK_WAIT_MS);
    let told = false;
    for (;;) {
      this.#busy = undefined;
      const hold = await this.hold();
      if (hold.held) break;
      if (!told) this.#onWait(hold.holder);
      told = true;
      if (Date.now() >= deadline) {
        throw new GuardError(`${what}: the sandbox is busy: ${hold.holder}; waited ${Math.round((options.waitMs ?? WORLD_LOCK_WAIT_MS) / 1000)} s, nothing was changed; try again once it has finished`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    try {
      const world = await this.load(options.definition, new Date());
      const result = await change(world);
      if (options.remove) await rm(this.file, { force: true });
      else await this.save(world);
      return result;
    } finally {
      await this.#release();
    }
  }

  async #release(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  async #read(): Promise<string | undefined> {
    try {
      return await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new Error(`${this.file}: unreadable sandbox state (${(error as Error).message}); remove it or run \`rds-echo sandbox reset\``);
    }
  }

  /** Atomically (write then rename), so a killed process never leaves half a file. */
  #write(text: string): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, this.file);
    this.#disk = text;
    this.#clean = text;
  }
}

/** The world of a file's text (undefined: no file, a new world), upgraded and seeded for the definition. */
export function parseWorld(text: string | undefined, file: string, definition: EchoDefinition | undefined, now: Date): SimWorld {
  let world: SimWorld;
  if (text === undefined) world = emptyWorld(now.getTime(), definition?.region ?? "eu-west-1");
  else {
    try {
      world = JSON.parse(text) as SimWorld;
    } catch (error) {
      throw new Error(`${file}: unreadable sandbox state (${(error as Error).message}); remove it or run \`rds-echo sandbox reset\``);
    }
  }
  // Worlds saved before approvals existed get the sandbox signer and an empty outbox.
  world.approval ??= sandboxSigner();
  world.outbox ??= [];
  if (definition) seed(world, definition);
  return world;
}

/** Replaces the contents of `world` by those of `fresh`, in place: every adapter of the run holds `world` itself. */
export function replaceWorld(world: SimWorld, fresh: SimWorld): void {
  for (const key of Object.keys(world)) Reflect.deleteProperty(world, key);
  Object.assign(world, fresh);
}

function serialise(world: SimWorld): string {
  return `${JSON.stringify(world, null, 1)}\n`;
}
