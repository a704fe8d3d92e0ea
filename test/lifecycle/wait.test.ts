import { describe, expect, it } from "vitest";
import { waitForAvailable, pollDelay, FIRST_POLL_MS, MAX_POLL_MS } from "../../src/lifecycle/wait.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { sandboxWorld } from "../helpers/sandbox.js";

const HOUR = 3_600_000;

describe("waiting for a long restore", () => {
  it("polls a 28-hour restore with backoff: at most 300 DescribeDBInstances calls, progress at each", async () => {
    const w = sandboxWorld();
    w.sandbox.world.timings = { ...w.sandbox.world.timings, restoreMs: 28 * HOUR };
    const start = w.sandbox.world.now;
    const before = w.sandbox.faults.count("rds.DescribeDBInstances");
    await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const calls = w.sandbox.faults.count("rds.DescribeDBInstances") - before;
    expect(w.sandbox.world.now - start).toBeGreaterThanOrEqual(28 * HOUR);
    expect(calls).toBeGreaterThan(100);
    expect(calls).toBeLessThanOrEqual(300);
    // Progress shows the RDS status and elapsed time, all the way through the restore.
    expect(w.output.polls[0]?.status).toBe("not created yet");
    expect(w.output.polls.filter((p) => p.status === "creating").at(-1)?.elapsedMs).toBeGreaterThan(27 * HOUR);
    expect(w.sandbox.world.rds.instances[w.output.polls[0]!.id]?.status).toBe("available");
  });

  it("backs off from 15 s to at most 10 minutes", () => {
    expect(pollDelay(0)).toBe(FIRST_POLL_MS);
    expect(pollDelay(1)).toBe(FIRST_POLL_MS * 1.5);
    expect(pollDelay(50)).toBe(MAX_POLL_MS);
  });

  it("gives up with a clear error after the timeout, and on a failed instance", async () => {
    const w = sandboxWorld();
    const name = "development-20261125-1230";
    w.sandbox.world.rds.instances[name] = { ...w.sandbox.world.rds.instances["production-db"]!, id: name, status: "creating", readyAt: w.sandbox.world.now + 100 * HOUR };
    await expect(waitForAvailable(w.ports, name, { timeoutMs: HOUR })).rejects.toThrow(/not available after 6\d minutes \(timeout\)/);
    w.sandbox.world.rds.instances[name]!.status = "incompatible-restore";
    await expect(waitForAvailable(w.ports, name, { timeoutMs: HOUR })).rejects.toThrow(/incompatible-restore; it will not become available by itself/);
  });
});
