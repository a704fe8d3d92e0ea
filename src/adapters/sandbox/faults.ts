/**
 * Fault injection for the reliability suite: throttle a named operation, fail it once, or "kill the process" at a
 * named point between two steps. Operation names are the sandbox's own: `rds.DescribeDBInstances`,
 * `rds.RebootDBInstance`, `rds.DescribeDBSnapshots`, `engine.update`, … Crash points are listed in CRASH_POINTS.
 */
import { ThrottledError } from "../../errors.js";

export const CRASH_POINTS = [
  /** The engine asked the cloud to create a resource (RDS an instance, Route 53 a record) and died before recording it: a pending create. */
  "engine:after-create-call",
  /** The engine died after recording the create, before the update finished. */
  "engine:before-finish",
  /**
   * The provider wrote an instance's tags (AddTagsToResource) and died before its ModifyDBInstance: the order of the
   * real provider's update (tags first, through its transparent-tagging interceptor; the stand-in provider's
   * updateInstance does the same), and the window a `kill -9` of a demotion was seen to strike.
   */
  "rds:after-tags",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Thrown at a crash point: tests treat it as the process dying there (state already persisted stays). */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash";
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
  }
}

/** A failure injected by a test. */
export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

export class Faults {
  readonly #throttles = new Map<string, number>();
  readonly #failures = new Map<string, string>();
  /** Crash points armed, each for any subject (`*`) or one (a generation). */
  readonly #crashes = new Set<string>();
  /** Every operation the sandbox served, in order; tests count calls with it. */
  readonly calls: string[] = [];

  readonly #observers: ((operation: string) => void)[] = [];

  /** Runs `check` before every operation the sandbox serves (invariant checks between all steps). */
  observe(check: (operation: string) => void): this {
    this.#observers.push(check);
    return this;
  }

  /** The next `times` calls of `operation` are throttled. */
  throttle(operation: string, times = 1): this {
    this.#throttles.set(operation, (this.#throttles.get(operation) ?? 0) + times);
    return this;
  }

  /** The next call of `operation` (or of `operation:subject`, e.g. `engine.update:<generation>`) fails with `message`. */
  failOnce(operation: string, message = `injected failure of ${operation}`): this {
    this.#failures.set(operation, message);
    return this;
  }

  /** The process "dies" the next time it reaches `point` (for `subject` only, when given: e.g. one generation). */
  crashAt(point: CrashPoint, subject?: string): this {
    this.#crashes.add(`${point}\n${subject ?? "*"}`);
    return this;
  }

  /** Called by the sandbox at the start of every operation; `subject` names what it acts on, when that matters. */
  enter(operation: string, subject?: string): void {
    for (const check of this.#observers) check(operation);
    this.calls.push(operation);
    const throttles = this.#throttles.get(operation) ?? 0;
    if (throttles > 0) {
      this.#throttles.set(operation, throttles - 1);
      throw new ThrottledError(`${operation}: Rate exceeded (simulated throttling)`);
    }
    for (const key of subject === undefined ? [operation] : [operation, `${operation}:${subject}`]) {
      const failure = this.#failures.get(key);
      if (failure === undefined) continue;
      this.#failures.delete(key);
      throw new InjectedFault(failure);
    }
  }

  /** Called by the sandbox at each crash point, with what it acts on when it knows. */
  checkpoint(point: CrashPoint, subject?: string): void {
    const armed = this.#crashes.delete(`${point}\n*`) || (subject !== undefined && this.#crashes.delete(`${point}\n${subject}`));
    if (armed) throw new SimulatedCrash(point);
  }

  count(operation: string): number {
    return this.calls.filter((c) => c === operation).length;
  }
}
