import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileLeaseStore } from "../../../src/adapters/lease/file-store.js";
import type { LeaseHolder } from "../../../src/adapters/lease/holder.js";
import { describeHolder, sameProcessSpace, thisHolder, thisPidSpace } from "../../../src/adapters/lease/holder.js";
import { acquireLease, type HeldLease } from "../../../src/adapters/lease/lease.js";
import { parseLease } from "../../../src/adapters/lease/record.js";

const dirs: string[] = [];
const held: HeldLease[] = [];
function store(): FileLeaseStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-lease-"));
  dirs.push(dir);
  return new FileLeaseStore(dir);
}
afterEach(async () => {
  for (const lease of held.splice(0)) await lease.release();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const holder = (host: string, pid = 100): LeaseHolder => ({ host, pid, run: `${host}-${pid}` });
/** A clock the test moves. */
function clock(start = Date.parse("2026-12-04T10:00:00Z")) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}
const keep = (got: Awaited<ReturnType<typeof acquireLease>>) => {
  if (got.held) held.push(got.lease);
  return got;
};

describe("leases on a file store", () => {
  it("the first run takes the lease; a second, while it lives, is told who holds it and until when", async () => {
    const s = store();
    const c = clock();
    const a = keep(await acquireLease(s, "development", holder("host-a"), { ttlMs: 60_000, now: c.now }, () => undefined));
    expect(a.held).toBe(true);
    c.advance(59_000);
    const b = await acquireLease(s, "development", holder("host-b"), { ttlMs: 60_000, now: c.now }, () => undefined);
    expect(b.held).toBe(false);
    if (!b.held) {
      expect(b.record.holder.host).toBe("host-a");
      expect(b.record.expires).toBe("2026-12-04T10:01:00.000Z");
    }
  });

  it("an expired lease is taken over, naming the dead holder; a released one is taken without a takeover", async () => {
    const s = store();
    const c = clock();
    const a = keep(await acquireLease(s, "development", holder("host-a"), { ttlMs: 60_000, now: c.now }, () => undefined));
    if (!a.held) throw new Error("a should hold");
    // host-a dies: its heartbeat never runs again. At the expiry, not before, another host takes over.
    held.pop()!.release = async () => undefined;
    c.advance(60_000);
    const b = keep(await acquireLease(s, "development", holder("host-b"), { ttlMs: 60_000, now: c.now }, () => undefined));
    expect(b.held && b.tookOver?.holder.host).toBe("host-a");
    if (!b.held) throw new Error("b should hold");
    expect(await b.lease.release()).toBeUndefined();
    held.pop();
    const c2 = keep(await acquireLease(s, "development", holder("host-c"), { ttlMs: 60_000, now: c.now }, () => undefined));
    expect(c2.held).toBe(true);
    expect(c2.held && c2.tookOver).toBeUndefined();
  });

  it("a holder that renews keeps its lease past the first TTL; one that was taken over learns it lost at its next renewal", async () => {
    const s = store();
    const c = clock();
    const lost: string[] = [];
    const a = await acquireLease(s, "development", holder("host-a"), { ttlMs: 60_000, renewEveryMs: 3_600_000, now: c.now }, (m) => lost.push(m));
    if (!a.held) throw new Error("a should hold");
    c.advance(50_000);
    await a.lease.renew();
    c.advance(50_000);
    const b = await acquireLease(s, "development", holder("host-b"), { ttlMs: 60_000, now: c.now }, () => undefined);
    expect(b.held, "renewed 50 s ago, for 60 s: still a's").toBe(false);
    // a stalls past its expiry; b takes over; a wakes and renews.
    c.advance(61_000);
    const b2 = keep(await acquireLease(s, "development", holder("host-b"), { ttlMs: 60_000, now: c.now }, () => undefined));
    expect(b2.held).toBe(true);
    await a.lease.renew();
    expect(a.lease.lost).toMatch(/another run took over the lease/);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/pid 100 on host-a.*no longer holds development/);
    expect(await a.lease.release(), "a lost lease is not released over its new holder").toMatch(/took over/);
    const now = await s.read("development");
    expect(now && (parseLease(now.text) as { holder: LeaseHolder }).holder.host).toBe("host-b");
  });

  it("of runs racing for one lease, exactly one gets it", async () => {
    const s = store();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(s, "development", holder(`host-${i}`), { ttlMs: 60_000 }, () => undefined)));
    for (const r of results) keep(r);
    expect(results.filter((r) => r.held)).toHaveLength(1);
  });

  it("of runs racing to take over one expired lease, exactly one gets it, and one version file stays", async () => {
    const s = store();
    const c = clock();
    const first = await acquireLease(s, "development", holder("host-a"), { ttlMs: 1_000, now: c.now }, () => undefined);
    if (!first.held) throw new Error("a should hold");
    first.lease.release = async () => undefined;
    c.advance(5_000);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(s, "development", holder(`host-${i}`), { ttlMs: 60_000, now: c.now }, () => undefined)));
    for (const r of results) keep(r);
    expect(results.filter((r) => r.held)).toHaveLength(1);
    expect(readdirSync(path.join(s.where, "development"))).toHaveLength(1);
  });

  it("a holder of this host whose process is gone frees its lease at once, as Pulumi's own dead-pid locks do", async () => {
    const s = store();
    const first = await acquireLease(s, "development", holder("host-a", 4242), { ttlMs: 60_000 }, () => undefined);
    if (!first.held) throw new Error("a should hold");
    first.lease.release = async () => undefined;
    const gone = (h: LeaseHolder) => h.host === "host-a" && h.pid === 4242;
    const next = keep(await acquireLease(s, "development", holder("host-a", 7), { ttlMs: 60_000, holderGone: gone }, () => undefined));
    expect(next.held && next.tookOver?.holder.pid).toBe(4242);
  });

  it("an unreadable lease is never trusted nor overwritten: the error names it", async () => {
    const s = store();
    await s.create("development", "{ not json");
    await expect(acquireLease(s, "development", holder("host-a"), { ttlMs: 60_000 }, () => undefined)).rejects.toThrow(/development cannot be read \(not JSON\).*remove it/);
  });

  it("the holder names the host, the pid and the pod or ECS task the scheduler gave it", () => {
    const pod = thisHolder({ POD_NAME: "echo-up-29x", POD_NAMESPACE: "jobs" }, "node-7", 1);
    expect(pod).toMatchObject({ host: "node-7", pid: 1, pod: "jobs/echo-up-29x" });
    expect(describeHolder(pod)).toMatch(/^pid 1 on node-7 \(pod jobs\/echo-up-29x/);
    const task = thisHolder({ ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/abc-123" }, "ip-10-0-0-1", 1);
    expect(describeHolder(task)).toContain("ECS http://169.254.170.2/v4/abc-123");
    expect(thisHolder({}).run).not.toBe(thisHolder({}).run);
  });

  it("records the boot and pid namespace its pid counts in; only a holder in this very pid space is judged by its pid", () => {
    // Linux (every machine this suite runs on): the kernel names both.
    const space = thisPidSpace();
    expect(space).toMatch(/^[0-9a-f-]{36}\/pid:\[\d+\]$/);
    expect(thisHolder({}).pidSpace).toBe(space);
    const here = thisHolder({}, "node-7", 42, "boot-1/pid:[1]");
    expect(sameProcessSpace(here, { host: "node-7", pidSpace: "boot-1/pid:[1]" })).toBe(true);
    // Another container on this host (docker --network host shares the hostname), or after a reboot: not provable.
    expect(sameProcessSpace(here, { host: "node-7", pidSpace: "boot-1/pid:[2]" })).toBe(false);
    expect(sameProcessSpace(here, { host: "node-7", pidSpace: "boot-2/pid:[1]" })).toBe(false);
    expect(sameProcessSpace(here, { host: "node-8", pidSpace: "boot-1/pid:[1]" })).toBe(false);
    // A holder that recorded no pid space (not Linux) is judged by its hostname only by a run that records none either.
    const bare = thisHolder({}, "node-7", 42, "");
    expect(bare.pidSpace).toBeUndefined();
    expect(sameProcessSpace(bare, { host: "node-7", pidSpace: undefined })).toBe(true);
    expect(sameProcessSpace(bare, { host: "node-7", pidSpace: "boot-1/pid:[1]" })).toBe(false);
  });
});

describe("which Pulumi locks a dead run's lease frees", () => {
  it("only locks its host took since the lease began; never a lock whose holder runs here; a dead pid here as before", async () => {
    const { releasableBy } = await import("../../../src/adapters/pulumi/locks.js");
    const expired = { host: "host-a", since: "2026-12-04T10:00:00.000Z" };
    const lock = (hostname: string, timestamp: string, pid = 99_999_999) => ({ stack: "development-20261204-1000", file: "f", hostname, timestamp, pid });
    expect(releasableBy(lock("host-a", "2026-12-04T10:00:05Z"), expired, "host-b")).toBe("lease-expired");
    expect(releasableBy(lock("host-a", "2026-12-04T09:59:00Z"), expired, "host-b"), "taken before that lease: not that run's").toBeUndefined();
    expect(releasableBy(lock("host-c", "2026-12-04T10:00:05Z"), expired, "host-b"), "another host's").toBeUndefined();
    expect(releasableBy(lock("host-a", "2026-12-04T10:00:05Z"), undefined, "host-b"), "no expired lease").toBeUndefined();
    expect(releasableBy(lock("host-b", "2026-12-04T10:00:05Z", process.pid), { ...expired, host: "host-b" }, "host-b"), "alive here").toBeUndefined();
    expect(releasableBy(lock("host-b", "2026-12-04T09:00:00Z"), undefined, "host-b"), "dead here, no lease: today's rule").toBe("dead-pid");
  });
});
