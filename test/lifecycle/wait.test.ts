import { describe, expect, it } from "vitest";
import { waitForAvailable, pollDelay, MIN_POLL_MS, MAX_POLL_MS } from "../../src/lifecycle/wait.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { sandboxWorld, type World } from "../helpers/sandbox.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NAME = "development-20261125-1230";

/** An instance of the echo in `status`, becoming available `readyInMs` from now (never, when undefined). */
function instanceIn(w: World, status: string, readyInMs?: number) {
  const world = w.sandbox.world;
  world.rds.instances[NAME] = {
    ...world.rds.instances["production-db"]!,
    id: NAME,
    arn: `arn:aws:rds:eu-west-1:123456789012:db:${NAME}`,
    status,
    ...(readyInMs !== undefined ? { readyAt: world.now + readyInMs } : {}),
  };
  return world.rds.instances[NAME]!;
}

/** How late the wait noticed the change, and how many DescribeDBInstances calls it made. */
async function measure(w: World, durationMs: number) {
  instanceIn(w, "creating", durationMs);
  const readyAt = w.sandbox.world.now + durationMs;
  const before = w.sandbox.faults.count("rds.DescribeDBInstances");
  await waitForAvailable(w.ports, NAME, { timeoutMs: 48 * HOUR });
  return { lagMs: w.sandbox.world.now - readyAt, calls: w.sandbox.faults.count("rds.DescribeDBInstances") - before };
}

describe("waiting for a long restore", () => {
  it("notices a change within max(30 s, 10% of the time waited), whatever the duration", async () => {
    for (const durationMs of [20_000, 6 * MINUTE, 47 * MINUTE, 90 * MINUTE, 5 * HOUR, 28 * HOUR]) {
      const { lagMs } = await measure(sandboxWorld(), durationMs);
      expect(lagMs, `lag after a ${durationMs / MINUTE}-minute change`).toBeLessThanOrEqual(Math.max(30_000, durationMs * 0.1));
      expect(lagMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("polls a 28-hour restore at most 200 times, with progress at each poll", async () => {
    const w = sandboxWorld();
    w.sandbox.world.timings = { ...w.sandbox.world.timings, restoreMs: 28 * HOUR };
    const start = w.sandbox.world.now;
    const before = w.sandbox.faults.count("rds.DescribeDBInstances");
    await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const calls = w.sandbox.faults.count("rds.DescribeDBInstances") - before;
    expect(w.sandbox.world.now - start).toBeGreaterThanOrEqual(28 * HOUR);
    expect(calls).toBeGreaterThan(50);
    expect(calls).toBeLessThanOrEqual(200);
    expect(w.output.polls[0]?.status).toBe("not created yet");
    expect(w.output.polls.filter((p) => p.status === "creating").at(-1)?.elapsedMs).toBeGreaterThan(27 * HOUR);
    expect(w.sandbox.world.rds.instances[w.output.polls[0]!.id]?.status).toBe("available");
  });

  it("polls every 30 s at first, then 10% of the time waited, at most every 15 minutes", () => {
    expect(pollDelay(0)).toBe(MIN_POLL_MS);
    expect(pollDelay(5 * MINUTE)).toBe(MIN_POLL_MS);
    expect(pollDelay(10 * MINUTE)).toBe(60_000);
    expect(pollDelay(100 * MINUTE)).toBe(10 * MINUTE);
    expect(pollDelay(28 * HOUR)).toBe(MAX_POLL_MS);
  });

  it("gives up with a clear error after the timeout", async () => {
    const w = sandboxWorld();
    instanceIn(w, "creating", 100 * HOUR);
    await expect(waitForAvailable(w.ports, NAME, { timeoutMs: HOUR })).rejects.toThrow(/not available after 6\d minutes \(timeout\)/);
  });

  it.each(["restore-error", "incompatible-option-group", "incompatible-restore", "insufficient-capacity", "stopped", "inaccessible-encryption-credentials", "failed"])(
    "fails at the first poll on the terminal status %s, naming it",
    async (status) => {
      const w = sandboxWorld();
      instanceIn(w, status);
      const start = w.sandbox.world.now;
      await expect(waitForAvailable(w.ports, NAME, { timeoutMs: 48 * HOUR })).rejects.toThrow(`${NAME} is ${status}; it will not become available by itself`);
      expect(w.sandbox.world.now).toBe(start);
    },
  );

  it("takes storage-optimization as usable (as the AWS provider's waiter does)", async () => {
    const w = sandboxWorld();
    instanceIn(w, "storage-optimization");
    await waitForAvailable(w.ports, NAME, { timeoutMs: HOUR });
    expect(w.sandbox.world.rds.instances[NAME]!.status).toBe("storage-optimization");
  });

  it("after a reboot, an `available` read before RDS reports `rebooting` does not end the wait", async () => {
    const w = sandboxWorld();
    const instance = instanceIn(w, "available");
    await w.sandbox.rds.reboot(NAME);
    const rebootedAt = instance.readyAt!;
    // RDS still says `available` right after it accepted the reboot.
    expect((await w.sandbox.rds.describeInstance(NAME))?.status).toBe("available");
    await waitForAvailable(w.ports, NAME, { timeoutMs: HOUR, afterChange: true });
    expect(w.sandbox.world.now).toBeGreaterThanOrEqual(rebootedAt);
    expect(w.output.polls.map((p) => p.status)).toContain("rebooting");
  });
});
