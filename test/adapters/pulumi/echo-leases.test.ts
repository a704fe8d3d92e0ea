import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileLeaseStore } from "../../../src/adapters/lease/file-store.js";
import { thisHolder } from "../../../src/adapters/lease/holder.js";
import { LEASE_KIND, leaseText } from "../../../src/adapters/lease/record.js";
import { backendAccess, LEASES_DIR, leaseTtlMs } from "../../../src/adapters/pulumi/backend-access.js";
import { EchoLeases } from "../../../src/adapters/pulumi/echo-leases.js";
import { heldLocks } from "../../../src/adapters/pulumi/locks.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function backend(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-echo-leases-"));
  dirs.push(dir);
  return dir;
}

function lock(state: string, stack: string, name: string, content: object): void {
  const dir = path.join(state, ".pulumi/locks/organization/rds-echo", stack);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), JSON.stringify(content));
}

describe("echo leases on a file backend", () => {
  it("takes over a dead host's expired lease and releases only the locks that run took on that echo's stacks, each said", async () => {
    const state = backend();
    const since = "2026-12-04T10:00:00.000Z";
    await new FileLeaseStore(path.join(state, LEASES_DIR)).create(
      "development",
      leaseText({ kind: LEASE_KIND, name: "development", holder: { host: "host-a", pid: 42, run: "r" }, acquired: since, renewed: since, expires: "2026-12-04T10:03:00.000Z" }),
    );
    lock(state, "development-20261204-1000", "ours.json", { pid: 43, hostname: "host-a", timestamp: "2026-12-04T10:00:30Z" });
    lock(state, "development-20261204-1000", "older.json", { pid: 44, hostname: "host-a", timestamp: "2026-12-04T09:00:00Z" });
    lock(state, "development-20261204-1000", "elsewhere.json", { pid: 45, hostname: "host-c", timestamp: "2026-12-04T10:00:30Z" });
    lock(state, "billing-20261204-1000", "other-echo.json", { pid: 46, hostname: "host-a", timestamp: "2026-12-04T10:00:30Z" });
    const access = await backendAccess(`file://${state}`, {});
    const said: string[] = [];
    const leases = new EchoLeases((m) => said.push(m));

    // Before the takeover, the listing counts the dead run's lock as gone, and only it.
    const gone = await leases.gone(access, await heldLocks(state, "rds-echo"));
    expect([...gone].map((l) => path.basename(l.file))).toEqual(["ours.json"]);

    const hold = await leases.hold(access, {}, 60_000, "development");
    expect(hold.held).toBe(true);
    expect(said[0]).toBe("development: took over the lease of pid 42 on host-a, which expired at 2026-12-04T10:03:00.000Z without being renewed (that run is gone)");
    expect(said[1]).toMatch(/^development-20261204-1000: released the lock left by pulumi \(pid 43 on host-a, since 2026-12-04T10:00:30Z\), whose run's lease expired: .*ours\.json$/);
    expect(said).toHaveLength(2);
    expect(readdirSync(path.join(state, ".pulumi/locks/organization/rds-echo/development-20261204-1000")).sort()).toEqual(["elsewhere.json", "older.json"]);
    expect(readdirSync(path.join(state, ".pulumi/locks/organization/rds-echo/billing-20261204-1000"))).toEqual(["other-echo.json"]);

    // Another run (this host, this live process) is busy while the lease is held; after the release it is free.
    const other = await new EchoLeases().hold(access, {}, 60_000, "development");
    expect(other).toEqual({ held: false, holder: expect.stringMatching(new RegExp(`^pid ${process.pid} on ${os.hostname()}.*lasts until`)) });
    if (hold.held) await hold.release();
    const after = await new EchoLeases((m) => said.push(m)).hold(access, {}, 60_000, "development");
    expect(after.held).toBe(true);
    expect(said).toHaveLength(2);
    if (after.held) await after.release();
  });

  it("a live lease of this hostname with a dead pid in another pid space (another container) is waited out, not taken", async () => {
    const state = backend();
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const stored = new FileLeaseStore(path.join(state, LEASES_DIR));
    // A pid that runs nowhere here, as another container's rds-echo would look from this one.
    const holder = { host: os.hostname(), pid: 2 ** 22 + 17, run: "r" };
    await stored.create("development", leaseText({ kind: LEASE_KIND, name: "development", holder: { ...holder, pidSpace: "other-boot/pid:[4026531836]" }, acquired: at(0), renewed: at(0), expires: at(60_000) }));
    await stored.create("billing", leaseText({ kind: LEASE_KIND, name: "billing", holder: { ...holder, pidSpace: thisHolder({}).pidSpace! }, acquired: at(0), renewed: at(0), expires: at(60_000) }));
    const access = await backendAccess(`file://${state}`, {});
    const busy = await new EchoLeases().hold(access, {}, 60_000, "development");
    expect(busy).toEqual({ held: false, holder: expect.stringMatching(new RegExp(`^pid ${holder.pid} on ${os.hostname()}`)) });
    // The same dead pid in this run's own pid space is provably gone: taken over at once, as before.
    const said: string[] = [];
    const taken = await new EchoLeases((m) => said.push(m)).hold(access, {}, 60_000, "billing");
    expect(taken.held).toBe(true);
    expect(said[0]).toMatch(/^billing: took over the lease of pid \d+ on .*whose process no longer runs on this host/);
    if (taken.held) await taken.release();
  });

  it("a backend without leases (Pulumi Cloud) holds nothing and never says busy", async () => {
    const hold = await new EchoLeases().hold(await backendAccess("https://api.pulumi.com", {}), {}, 60_000, "development");
    expect(hold.held).toBe(true);
  });

  it("RDS_ECHO_LEASE_TTL is whole seconds from 3; anything else is refused, naming it", () => {
    expect(leaseTtlMs({})).toBe(180_000);
    expect(leaseTtlMs({ RDS_ECHO_LEASE_TTL: "20" })).toBe(20_000);
    for (const bad of ["2", "1.5", "ten", "-5", "999999"]) expect(() => leaseTtlMs({ RDS_ECHO_LEASE_TTL: bad })).toThrow(/RDS_ECHO_LEASE_TTL must be a whole number of seconds/);
  });
});
