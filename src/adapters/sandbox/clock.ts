/**
 * Simulated time. `sleep` never waits for the real clock unless asked to: sleepers are woken in order of their
 * wake-up time and the simulated now jumps to it, so concurrent waiters (an engine waiting on a restore and a
 * progress watcher polling it) see one consistent timeline. With `speed` set, each jump also takes
 * (simulated ms / speed) of real time, so a person watching the sandbox sees a restore take seconds, not zero.
 */
import type { Clock } from "../../ports.js";
import { takeDailySnapshots, type SimWorld } from "./world.js";

interface Sleeper {
  readonly wake: number;
  readonly order: number;
  readonly resolve: () => void;
}

export class SimClock implements Clock {
  readonly #world: SimWorld;
  readonly #speed: number;
  readonly #sleepers: Sleeper[] = [];
  #scheduled = false;
  #order = 0;

  /** @param speed simulated ms per real ms; Infinity (the default) never waits for real time. */
  constructor(world: SimWorld, speed = Number.POSITIVE_INFINITY) {
    this.#world = world;
    this.#speed = speed;
  }

  now(): Date {
    return new Date(this.#world.now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // An aborted sleeper leaves the queue at once, so it never drags simulated time forward.
      const onAbort = () => {
        const index = this.#sleepers.indexOf(sleeper);
        if (index >= 0) this.#sleepers.splice(index, 1);
        resolve();
      };
      const sleeper: Sleeper = {
        wake: this.#world.now + Math.max(0, ms),
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#schedule();
    });
  }

  /** Moves simulated time forward without anyone sleeping (the sandbox's `advance` command). */
  advance(ms: number): void {
    this.#world.now += Math.max(0, ms);
    // What time brings by itself, at once: production's daily snapshots.
    takeDailySnapshots(this.#world);
  }

  #schedule(): void {
    if (this.#scheduled || this.#sleepers.length === 0) return;
    this.#scheduled = true;
    // setImmediate first lets every runnable promise chain (a sleeper just woken, say) register its next sleep,
    // so the real delay is computed for the true earliest wake-up.
    setImmediate(() => {
      if (this.#sleepers.length === 0) {
        this.#scheduled = false;
        return;
      }
      const realDelay = Number.isFinite(this.#speed) ? Math.min(1_000, (this.#earliest().wake - this.#world.now) / this.#speed) : 0;
      if (realDelay > 0) setTimeout(() => this.#wake(), realDelay);
      else this.#wake();
    });
  }

  #wake(): void {
    this.#scheduled = false;
    if (this.#sleepers.length === 0) return;
    const sleeper = this.#earliest();
    this.#sleepers.splice(this.#sleepers.indexOf(sleeper), 1);
    this.#world.now = Math.max(this.#world.now, sleeper.wake);
    sleeper.resolve();
    this.#schedule();
  }

  #earliest(): Sleeper {
    return this.#sleepers.reduce((a, b) => (b.wake < a.wake || (b.wake === a.wake && b.order < a.order) ? b : a));
  }
}
