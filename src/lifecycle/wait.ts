/**
 * Waiting for an instance to become `available`, polled with backoff so that a 28-hour restore costs a few hundred
 * DescribeDBInstances calls, not thousands; each poll reports progress (status, elapsed time).
 */
import { ThrottledError } from "../errors.js";
import type { Ports } from "../ports.js";

export const FIRST_POLL_MS = 15_000;
export const MAX_POLL_MS = 10 * 60_000;
const BACKOFF = 1.5;

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Stops the wait early (e.g. the engine's own update finished first). */
  readonly signal?: AbortSignal;
  /** Keep polling while the instance does not exist yet (watching a create that has not reached RDS). */
  readonly missingOk?: boolean;
}

/** The delays between polls: 15 s, growing by half each time, capped at 10 minutes. */
export function pollDelay(attempt: number): number {
  return Math.min(MAX_POLL_MS, FIRST_POLL_MS * BACKOFF ** attempt);
}

/** Resolves when the instance is available; throws when it disappears, fails, or the timeout passes. */
export async function waitForAvailable(ports: Pick<Ports, "rds" | "clock" | "output">, id: string, options: WaitOptions): Promise<void> {
  const start = ports.clock.now().getTime();
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) return;
    const elapsed = ports.clock.now().getTime() - start;
    try {
      const instance = await ports.rds.describeInstance(id);
      if (!instance && !options.missingOk) throw new Error(`${id} does not exist (any more)`);
      // Already available on the first look: nothing was waited for, so there is no progress to show.
      if (instance?.status === "available" && attempt === 0) return;
      ports.output.progress(id, instance?.status ?? "not created yet", elapsed);
      if (instance?.status === "available") return;
      if (instance && FAILED_STATES.has(instance.status)) throw new Error(`${id} is ${instance.status}; it will not become available by itself`);
    } catch (error) {
      // Throttling on a status poll is no reason to give up on a day-long restore: back off and poll again.
      if (!(error instanceof ThrottledError)) throw error;
      ports.output.warn(`throttled while polling ${id}; backing off`);
    }
    if (elapsed >= options.timeoutMs) throw new Error(`${id} is not available after ${Math.round(elapsed / 60_000)} minutes (timeout)`);
    await ports.clock.sleep(Math.min(pollDelay(attempt), Math.max(1_000, options.timeoutMs - elapsed)), options.signal);
  }
}

const FAILED_STATES = new Set(["failed", "incompatible-restore", "incompatible-parameters", "incompatible-network", "inaccessible-encryption-credentials", "storage-full"]);
