/**
 * How many echoes a fleet run (`up --all`, `preview --all`) works on at once, and the bounded pool that runs them.
 *
 * The default comes from memory, not from cores: each Pulumi operation runs a Pulumi CLI and an aws provider process,
 * reported at 300–430 MB each, so one echo in a Pulumi operation costs up to ~860 MB besides rds-echo's own process.
 */
import os from "node:os";
import { UsageError } from "../../errors.js";

/** The memory one echo in flight may take: a Pulumi CLI and an aws provider at 430 MB each, rounded up to 1 GiB. */
export const ECHO_MEMORY_BUDGET = 1024 ** 3;
/** Of the memory available, the share a fleet run plans to use; the rest is left to the host and rds-echo itself. */
export const MEMORY_SHARE = 0.5;
/** Never more by default: every echo polls RDS and Route 53, and AWS throttles an account's calls, not a host's. */
export const DEFAULT_PARALLEL_CAP = 8;
/** The most `--parallel` accepts. */
export const MAX_PARALLEL = 64;

/**
 * The default `--parallel`: half the memory available (the cgroup's limit in a container, else the host's total)
 * divided by ECHO_MEMORY_BUDGET, at least 1 and at most DEFAULT_PARALLEL_CAP. 4 GiB gives 2; 16 GiB gives 8.
 */
export function defaultParallel(totalBytes = os.totalmem(), constrainedBytes = constrainedMemory()): number {
  // A container's limit (Kubernetes, ECS) is what the OOM killer enforces; os.totalmem() reports the host's memory.
  const available = constrainedBytes !== undefined && constrainedBytes > 0 ? Math.min(totalBytes, constrainedBytes) : totalBytes;
  return Math.max(1, Math.min(DEFAULT_PARALLEL_CAP, Math.floor((available * MEMORY_SHARE) / ECHO_MEMORY_BUDGET)));
}

function constrainedMemory(): number | undefined {
  // Node 19.6+; undefined (or 0) when no limit is known.
  const read: unknown = Reflect.get(process, "constrainedMemory");
  return typeof read === "function" ? (read.call(process) as number | undefined) : undefined;
}

/** `--parallel` as typed: a whole number from 1 to MAX_PARALLEL, else a UsageError (exit 2) saying so. */
export function parseParallel(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARALLEL) {
    throw new UsageError(`--parallel must be a whole number from 1 to ${MAX_PARALLEL} (got ${String(value)}); without it, ${defaultParallel()} on this machine`);
  }
  return n;
}

/**
 * Runs `work` for every item, at most `limit` at once, in the items' order; `shouldStart` is asked before each item
 * starts (a signal stops new starts). Each item's outcome is what `work` returns: it must not throw.
 * @returns the outcomes by item index; an item never started is undefined.
 */
export async function runBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>, shouldStart: () => boolean = () => true): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && shouldStart()) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
