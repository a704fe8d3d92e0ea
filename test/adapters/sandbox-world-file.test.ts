/** The sandbox world's file and lock (src/adapters/sandbox/world-file.ts), in one process: two WorldFiles are two runs. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { thisPidSpace } from "../../src/adapters/lease/holder.js";
import { WorldFile } from "../../src/adapters/sandbox/world-file.js";
import { GuardError } from "../../src/errors.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "rds-echo-world-file-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("WorldFile", () => {
  it("a second holder is refused while the first holds; after its close the lock is free", async () => {
    const first = new WorldFile(root);
    const second = new WorldFile(root);
    const world = await first.load(undefined, new Date("2026-12-01T00:00:00Z"));
    expect((await first.hold()).held).toBe(true);
    const refused = await second.hold();
    expect(refused.held).toBe(false);
    if (!refused.held) expect(refused.holder).toContain(`pid ${process.pid} on ${os.hostname()}`);
    world.now += 60_000;
    expect(await first.close(world)).toBe(true);
    expect((await new WorldFile(root).hold()).held).toBe(true);
  });

  it("update gives up after its wait with a GuardError that names the holder, and changes nothing", async () => {
    const holder = new WorldFile(root);
    const world = await holder.load(undefined, new Date("2026-12-01T00:00:00Z"));
    await holder.hold();
    world.now += 1;
    await holder.save(world);
    const before = await readFile(holder.file, "utf8");
    const waits: string[] = [];
    const waiting = new WorldFile(root, { onWait: (h) => waits.push(h) });
    const attempt = waiting.update("sandbox advance 1d", (w) => void (w.now += 86_400_000), { waitMs: 300 });
    await expect(attempt).rejects.toBeInstanceOf(GuardError);
    await expect(attempt).rejects.toThrow(/sandbox advance 1d: the sandbox is busy: pid \d+ .*nothing was changed/);
    expect(waits).toHaveLength(1);
    expect(await readFile(holder.file, "utf8")).toBe(before);
    await holder.close(undefined);
  });

  it("a run that did not hold never writes over a world another run saved meanwhile", async () => {
    const looker = new WorldFile(root);
    const seen = await looker.load(undefined, new Date("2026-12-01T00:00:00Z"));
    const other = new WorldFile(root);
    await other.update("another run", (w) => void (w.now += 1));
    const saved = await readFile(looker.file, "utf8");
    seen.now += 5;
    expect(await looker.save(seen)).toBe(false);
    expect(await readFile(looker.file, "utf8")).toBe(saved);
  });

  it("a holder that took the lock after another run saved goes on from the world as saved", async () => {
    const late = new WorldFile(root);
    const world = await late.load(undefined, new Date("2026-12-01T00:00:00Z"));
    await new WorldFile(root).update("another run", (w) => void (w.now = Date.parse("2026-12-05T00:00:00Z")));
    let refreshed = false;
    await late.hold((fresh) => {
      refreshed = true;
      Object.assign(world, fresh);
    });
    expect(refreshed).toBe(true);
    expect(world.now).toBe(Date.parse("2026-12-05T00:00:00Z"));
    await late.close(world);
  });

  it("a lock whose holder's process no longer runs on this host is taken over at once", async () => {
    const dead = { kind: "rds-echo/lease@1", name: "world", holder: { host: os.hostname(), pid: 2 ** 22 + 17, run: "r", ...(thisPidSpace() ? { pidSpace: thisPidSpace() } : {}) }, acquired: new Date().toISOString(), renewed: new Date().toISOString(), expires: new Date(Date.now() + 3_600_000).toISOString() };
    const dir = path.join(root, ".rds-echo/sandbox.lock/world");
    await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(path.join(dir, "000000000001.json"), JSON.stringify(dead));
    const warnings: string[] = [];
    const file = new WorldFile(root, { onWarning: (m) => warnings.push(m) });
    expect((await file.hold()).held).toBe(true);
    expect(warnings.join("\n")).toContain(`took over the sandbox's lock from pid ${2 ** 22 + 17}`);
    await file.close(undefined);
  });
});
