import { describe, expect, it } from "vitest";
import { latestRestorableTime } from "../../src/adapters/sandbox/places.js";
import { productionKey, SHARING_ACCOUNT } from "../../src/adapters/sandbox/seed.js";
import { DEFAULT_TIMINGS } from "../../src/adapters/sandbox/world.js";
import { parseGenerationName } from "../../src/definition/identifiers.js";
import { GuardError } from "../../src/errors.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, START, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const ECHO_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const ROLE = "arn:aws:iam::222222222222:role/rds-echo-source";

/** Two generations through up --promote --retire, a day apart, then the TTL wait: A is retired, B serves. */
async function twoGenerations(w: World): Promise<{ a: string; b: string }> {
  const a = (await up(w.ctx(), { promote: true, retire: true }))[0]!.generation;
  w.sandbox.clock.advance(21 * HOUR);
  const b = (await up(w.ctx(), { promote: true, retire: true }))[0]!.generation;
  w.sandbox.clock.advance(2 * MINUTE);
  await up(w.ctx(), { promote: true, retire: true });
  const state = await loadEchoState(w.ports, w.definition);
  expect(state.generations.map((g) => [g.name, g.condition])).toEqual([[a, "retired"], [b, "promoted"]]);
  return { a, b };
}

/** Every instance operation the engine planned for the echo's instances: a stage move must never replace one. */
function instanceOps(w: World): string[] {
  return w.output.diffs.flatMap((d) => d.changes.changes).filter((c) => c.type === "aws:rds/instance:Instance").map((c) => c.op);
}

const snapshots = (w: World, prefix: string) => w.sandbox.world.rds.snapshots.filter((s) => s.id.startsWith(prefix));

describe("source.from: new-snapshot (sandbox)", () => {
  const definition = () => testDefinition((d) => (d.source = { instance: "production-db", from: "new-snapshot" }));

  it("takes a tagged snapshot named for the generation, waits tens of minutes for it, restores it, and retire deletes it", async () => {
    const w = sandboxWorld(definition());
    const { a, b } = await twoGenerations(w);
    expect(instanceOps(w)).not.toContain("replace");
    expect(w.sandbox.faults.count("rds.CreateDBSnapshot")).toBe(2);
    // A's snapshot went with A; B's stays while B lives.
    expect(snapshots(w, a)).toEqual([expect.objectContaining({ id: `${a}-final` })]);
    expect(snapshots(w, `${b}-source`)).toEqual([
      expect.objectContaining({ instance: "production-db", type: "manual", status: "available", tags: { "echo:managed": "development", "echo:generation": b, "echo:made": "snapshot" } }),
    ]);
    const settings = await w.ports.engine.settings(b);
    expect(settings).toMatchObject({ snapshot: `${b}-source`, sourceInstance: "production-db", storageEncrypted: true, kmsKeyId: productionKey("eu-west-1", "123456789012") });
    expect(w.sandbox.world.rds.instances[b]).toMatchObject({ snapshot: `${b}-source`, encrypted: true });
    // The data is as fresh as the moment of `new`, not last night's 03:10.
    const made = w.sandbox.world.rds.snapshots.find((s) => s.id === `${b}-source`)!;
    const nightly = Math.max(...w.sandbox.world.rds.snapshots.filter((s) => s.type === "automated").map((s) => s.createdAt));
    expect(made.createdAt).toBeGreaterThan(nightly);
    expect(made.createdAt).toBe(parseGenerationName(b)!.createdAt.getTime() + (made.createdAt % MINUTE));
  });

  it("shows the difference in time: the snapshot's tens of minutes come before the restore", async () => {
    const plain = sandboxWorld();
    await newGeneration(plain.ctx(), await loadEchoState(plain.ports, plain.definition));
    const fresh = sandboxWorld(definition());
    await newGeneration(fresh.ctx(), await loadEchoState(fresh.ports, fresh.definition));
    const took = (w: World) => w.sandbox.world.now - START.getTime();
    expect(took(fresh) - took(plain)).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.snapshotMs!);
    expect(took(fresh) - took(plain)).toBeLessThan(DEFAULT_TIMINGS.snapshotMs! + 2 * MINUTE);
    expect(fresh.output.lines).toContain(`snapshot production-db now: ${Object.keys(fresh.sandbox.world.stacks)[0]}-source (tens of minutes)`);
  });

  it("a run killed while the snapshot is being made is finished by the next up: one snapshot, one restore", async () => {
    const w = sandboxWorld(definition());
    // The process dies while it waits for the snapshot: the first poll after CreateDBSnapshot fails.
    let armed = false;
    w.sandbox.faults.observe((operation) => {
      if (operation === "rds.CreateDBSnapshot" && !armed) (armed = true), w.sandbox.faults.failOnce("rds.DescribeDBSnapshots", "connection reset");
    });
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toThrow(/connection reset/);
    const [name] = Object.keys(w.sandbox.world.stacks);
    expect(snapshots(w, `${name}-source`)).toEqual([expect.objectContaining({ status: "creating" })]);
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition)).toEqual(["incomplete"]);
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${name}`, `modify ${name}`, `reboot ${name}`]);
    expect(w.output.lines).toContain(`waiting for ${name}-source (creating), made by an earlier run`);
    expect(w.sandbox.faults.count("rds.CreateDBSnapshot")).toBe(1);
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(1);
  });

  it("keeps the snapshots of the newest source.keep retired generations", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", from: "new-snapshot", keep: 1 })));
    const { a, b } = await twoGenerations(w);
    expect(snapshots(w, `${a}-source`)).toHaveLength(1);
    w.sandbox.clock.advance(21 * HOUR);
    const c = (await up(w.ctx(), { promote: true, retire: true }))[0]!.generation;
    w.sandbox.clock.advance(2 * MINUTE);
    const reports = await up(w.ctx(), { promote: true, retire: true });
    // B is retired now and keeps its snapshot (the newest retired one); A's goes.
    // A was retired by an earlier run: deleting its snapshot is a `prune` (the step main added for final snapshots).
    expect(reports).toEqual([{ step: "retire", generation: b, detail: "final snapshot taken" }, { step: "prune", generation: a, detail: `deleted ${a}-source (beyond source.keep)` }]);
    expect(snapshots(w, `${a}-source`)).toEqual([]);
    expect(snapshots(w, `${b}-source`)).toHaveLength(1);
    expect(snapshots(w, `${c}-source`)).toHaveLength(1);
  });

  it("refuses a source that is not available, before anything is made", async () => {
    const w = sandboxWorld(definition());
    w.sandbox.world.rds.instances["production-db"]!.status = "backing-up";
    await expect(newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition))).rejects.toThrow(GuardError);
    expect(w.sandbox.world.stacks).toEqual({});
    expect(w.sandbox.faults.count("rds.CreateDBSnapshot")).toBe(0);
  });
});

describe("source.from: point-in-time (sandbox)", () => {
  it("pins the latest restorable time at new and restores it; every stage declares the same point, so nothing is replaced", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", from: "point-in-time" })));
    const { a, b } = await twoGenerations(w);
    expect(instanceOps(w)).not.toContain("replace");
    // Pinned when `new` ran (within the generation's minute), about five minutes behind: RDS's latest restorable time.
    const settings = (await w.ports.engine.settings(b))!;
    const time = settings.restoreTime!;
    const createdAt = parseGenerationName(b)!.createdAt.getTime();
    expect(Date.parse(time)).toBeGreaterThanOrEqual(latestRestorableTime(createdAt).getTime());
    expect(Date.parse(time)).toBeLessThan(latestRestorableTime(createdAt + MINUTE).getTime());
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(settings).toMatchObject({ sourceInstance: "production-db", snapshot: `point-in-time:production-db@${time}`, storageEncrypted: true });
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceToPointInTime")).toBe(2);
    expect(w.sandbox.faults.count("rds.CreateDBSnapshot")).toBe(0);
    expect(w.sandbox.world.rds.instances[b]).toMatchObject({ encrypted: true, settings: { restoreToPointInTime: { sourceDbInstanceIdentifier: "production-db", restoreTime: time } } });
    expect(w.sandbox.world.rds.instances[a]).toBeUndefined();
    expect(w.sandbox.world.rds.instances[b]!.tags["echo:snapshot"]).toBe(`point-in-time:production-db@${time}`);
  });

  it("restores an explicit time, and refuses one after the latest restorable time before anything is created", async () => {
    const at = "2026-11-25T06:00:00Z";
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", from: "point-in-time", pointInTime: at })));
    const { generation } = await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    expect(await w.ports.engine.settings(generation)).toMatchObject({ restoreTime: at });
    const late = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", from: "point-in-time", pointInTime: "2026-11-25T12:29:00Z" })));
    await expect(newGeneration(late.ctx(), await loadEchoState(late.ports, late.definition))).rejects.toThrow(/after production-db's latest restorable time \(2026-11-25T12:25:00Z\)/);
    expect(late.sandbox.world.stacks).toEqual({});
  });
});

describe("source.copy: snapshots of other accounts and regions (sandbox)", () => {
  it("a snapshot shared from another account under its key is refused as is, and restored once copied under this account's key", async () => {
    const arn = `arn:aws:rds:eu-west-1:${SHARING_ACCOUNT}:snapshot:production-db-shared-nightly`;
    const direct = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", snapshot: arn })));
    await expect(up(direct.ctx(), { promote: false, retire: false })).rejects.toThrow(/KMSKeyNotAccessibleFault: .*copy it under this account's key first/);

    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", snapshotTypes: ["shared"], copy: { kmsKeyId: ECHO_KEY } })));
    const { a, b } = await twoGenerations(w);
    expect(instanceOps(w)).not.toContain("replace");
    expect(await w.ports.engine.settings(b)).toMatchObject({ snapshot: `${b}-copy`, sourceSnapshot: arn, storageEncrypted: true, kmsKeyId: ECHO_KEY });
    expect(w.sandbox.world.rds.instances[b]).toMatchObject({ encrypted: true, kmsKeyId: ECHO_KEY });
    expect(snapshots(w, `${b}-copy`)).toEqual([expect.objectContaining({ tags: { "echo:managed": "development", "echo:generation": b, "echo:made": "copy" }, kmsKeyId: ECHO_KEY })]);
    expect(snapshots(w, `${a}-copy`)).toEqual([]);
    // The other account's snapshot is read, never touched.
    expect(w.sandbox.world.rds.snapshots.find((s) => s.arn === arn)).toMatchObject({ status: "available", sharedWith: ["123456789012"] });
  });

  it("new-snapshot in another account as its role: taken there, shared with this account, copied, restored; retire cleans up both sides", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", from: "new-snapshot", copy: { kmsKeyId: ECHO_KEY }, assumeRole: { roleArn: ROLE, externalId: "rds-echo" } })));
    const start = w.sandbox.world.now;
    const a = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
    // A new snapshot, then a copy, then the restore: the tens of minutes add up before the 90-minute restore.
    expect(w.sandbox.world.now - start).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.snapshotMs! + DEFAULT_TIMINGS.copyMs! + DEFAULT_TIMINGS.restoreMs);
    const taken = w.sandbox.world.rds.snapshots.find((s) => s.id === `${a}-source`)!;
    expect(taken).toMatchObject({ account: "222222222222", sharedWith: ["123456789012"], arn: `arn:aws:rds:eu-west-1:222222222222:snapshot:${a}-source` });
    expect(await w.ports.engine.settings(a)).toMatchObject({ snapshot: `${a}-copy`, sourceSnapshot: taken.arn, sourceInstance: "production-db" });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: true, retire: true });
    w.sandbox.clock.advance(2 * MINUTE);
    const retired = await up(w.ctx(), { promote: true, retire: true });
    expect(retired).toEqual([{ step: "retire", generation: a, detail: `final snapshot taken; deleted ${a}-copy, ${a}-source` }]);
    expect(snapshots(w, `${a}-source`)).toEqual([]);
    expect(snapshots(w, `${a}-copy`)).toEqual([]);
    expect(w.sandbox.faults.count("rds.DeleteDBSnapshot")).toBe(2);
  });

  it("latest snapshot of another region: copied across regions (longer), by ARN with its source region", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", copy: { kmsKeyId: ECHO_KEY, region: "eu-central-1" } })));
    const start = w.sandbox.world.now;
    const { generation } = await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const settings = await w.ports.engine.settings(generation);
    expect(settings?.sourceSnapshot).toBe("arn:aws:rds:eu-central-1:123456789012:snapshot:rds:production-db-2026-11-25-03-10");
    expect(w.sandbox.world.now - start).toBeGreaterThanOrEqual(DEFAULT_TIMINGS.crossRegionCopyMs! + DEFAULT_TIMINGS.restoreMs);
    expect(w.sandbox.world.rds.instances[generation]).toMatchObject({ status: "available", kmsKeyId: ECHO_KEY });
  });
});

describe("crash between the stack and the copy", () => {
  it("a run killed before its copy started makes the copy on the next run, from the pinned source", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", snapshotTypes: ["shared"], copy: { kmsKeyId: ECHO_KEY } })));
    w.sandbox.faults.failOnce("rds.CopyDBSnapshot", "connection reset");
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toThrow(/connection reset/);
    expect(w.sandbox.faults.calls.filter((c) => c === "rds.CopyDBSnapshot")).toHaveLength(1);
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports[0]?.step).toBe("resume");
    expect(w.sandbox.faults.count("rds.CopyDBSnapshot")).toBe(2);
    expect(w.sandbox.world.rds.snapshots.filter((s) => s.tags?.["echo:made"] === "copy")).toHaveLength(1);
  });
});

describe("a shared snapshot in another region, named by its ARN", () => {
  it("is found where it lives, copied across regions under this account's key, and restored", async () => {
    const arn = `arn:aws:rds:us-east-1:${SHARING_ACCOUNT}:snapshot:nightly-export`;
    const w = sandboxWorld(testDefinition((d) => (d.source = { instance: "production-db", snapshot: arn, copy: { kmsKeyId: ECHO_KEY, region: "us-east-1" } })));
    const { generation } = await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    expect(await w.ports.engine.settings(generation)).toMatchObject({ snapshot: `${generation}-copy`, sourceSnapshot: arn, kmsKeyId: ECHO_KEY });
    expect(w.output.lines).toContain(`${generation}-copy is available after ${DEFAULT_TIMINGS.crossRegionCopyMs! / MINUTE} min`);
    expect(w.sandbox.world.rds.instances[generation]).toMatchObject({ status: "available", kmsKeyId: ECHO_KEY });
  });
});
