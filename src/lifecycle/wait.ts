/**
 * Waiting for an instance to become usable. The poll interval grows with the time already waited, so that a change is
 * noticed at most max(30 s, 10% of the wait so far) after it happens (a 6-minute modify is seen within 30 s, a
 * 28-hour restore within 15 minutes), while a 28-hour restore costs under 200 DescribeDBInstances calls.
 */
import { ThrottledError } from "../errors.js";
import type { InstanceInfo, Ports } from "../ports.js";
import { isTerminal, isUsable } from "./rds-status.js";

/** The shortest interval, and the detection lag allowed for short waits. */
export const MIN_POLL_MS = 30_000;
/** The interval is this share of the time waited so far (so is the worst detection lag). */
export const POLL_SHARE = 0.1;
/** The longest interval: a long restore is still noticed within a quarter hour. */
export const MAX_POLL_MS = 15 * 60_000;
/**
 * After a reboot, RDS may go on reporting `available` for a moment before it reports `rebooting`. Until the instance
 * has been seen in another status, `available` only counts once it has held this long.
 */
export const SETTLE_MS = 2 * 60_000;

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Stops the wait early (e.g. the engine's own update finished first). */
  readonly signal?: AbortSignal;
  /** Keep polling while the instance does not exist yet (watching a create that has not reached RDS). */
  readonly missingOk?: boolean;
  /**
   * A change was just requested (RebootDBInstance): a usable status read before the instance was seen to leave it
   * may predate the change, so it counts only once it has held for SETTLE_MS.
   */
  readonly afterChange?: boolean;
  /** How to read the database (a cluster echo's folds its instances in, see database.ts); default: the instance. */
  readonly read?: (id: string) => Promise<InstanceInfo | undefined>;
}

/** The delay before the next poll, given how long the wait has lasted (ms). */
export function pollDelay(elapsedMs: number): number {
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, elapsedMs * POLL_SHARE));
}

/** Resolves when the instance is usable; throws when it disappears, reaches a terminal status, or the timeout passes. */
export async function waitForAvailable(ports: Pick<Ports, "rds" | "clock" | "output">, id: string, options: WaitOptions): Promise<void> {
  const start = ports.clock.now().getTime();
  let sawChange = !options.afterChange;
  let usableSince: number | undefined;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) return;
    const now = ports.clock.now().getTime();
    const elapsed = now - start;
    try {
      const instance = await (options.read ? options.read(id) : ports.rds.describeInstance(id));
      if (!instance && !options.missingOk) throw new Error(`${id} does not exist (any more)`);
      const status = instance?.status;
      if (isUsable(status)) {
        usableSince ??= now;
        if (sawChange || now - usableSince >= SETTLE_MS) {
          // Already usable on the first look: nothing was waited for, so there is no progress to show.
          if (attempt > 0) ports.output.progress(id, status!, elapsed);
          return;
        }
      } else {
        usableSince = undefined;
        if (instance) sawChange = true;
      }
      ports.output.progress(id, status ?? "not created yet", elapsed);
      if (isTerminal(status)) throw new Error(`${id} is ${status}; it will not become available by itself (see the RDS console or events)`);
    } catch (error) {
      // Throttling on a status poll is no reason to give up on a day-long restore: back off and poll again.
      if (!(error instanceof ThrottledError)) throw error;
      ports.output.warn(`throttled while polling ${id}; backing off`);
    }
    if (elapsed >= options.timeoutMs) throw new Error(`${id} is not available after ${Math.round(elapsed / 60_000)} minutes (timeout)`);
    const settle = usableSince !== undefined ? usableSince + SETTLE_MS - now : Number.POSITIVE_INFINITY;
    const delay = Math.min(pollDelay(elapsed), Math.max(1_000, settle), Math.max(1_000, options.timeoutMs - elapsed));
    await ports.clock.sleep(delay, options.signal);
  }
}
