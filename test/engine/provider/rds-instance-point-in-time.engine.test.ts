/**
 * The stand-in's `restoreToPointInTime` path of `aws:rds/instance:Instance` against a real moto: what the create
 * sends where, what lands in RDS, what a diff plans (the block is ForceNew), what check refuses.
 * MOTO: 5.2.5 restores the source instance as it is now (it ignores RestoreTime); what differs from a snapshot
 * restore here is the route of each input, not the data.
 */
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IGNORED_PREFIXES, instanceUrn, seedSnapshot, startFixture, type Fixture } from "./fixture.js";
import { pointInTimeRequests } from "./rds-instance-point-in-time.js";
import { diffInstance } from "./rds-instance.js";
import type { PropertyBag } from "./values.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
}, 180_000);
afterAll(async () => {
  await fx?.stop();
});

const RESTORE_TIME = "2026-11-25T12:25:00Z";

/** What rds-echo's program declares at stage `new` for a point-in-time generation (restoreArgs + tags). */
function programInputs(generation: string, source: string, extra: PropertyBag = {}): PropertyBag {
  return {
    identifier: generation,
    restoreToPointInTime: { sourceDbInstanceIdentifier: source, restoreTime: RESTORE_TIME },
    storageEncrypted: false,
    instanceClass: "db.t3.micro",
    storageType: "gp3",
    copyTagsToSnapshot: true,
    applyImmediately: true,
    skipFinalSnapshot: true,
    tags: { "echo:managed": "dev", "echo:generation": generation, "echo:stage": "new" },
    ...extra,
  };
}

async function describe1(identifier: string) {
  return (await fx.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }))).DBInstances![0]!;
}

describe("the requests (resourceInstanceCreate, restore_to_point_in_time branch)", () => {
  const ignore = { keys: [], keyPrefixes: IGNORED_PREFIXES };

  it("sends the block, storage type and iops in the restore; monitoring in the modify; never the password nor backup retention", () => {
    const { restore, modify } = pointInTimeRequests(
      programInputs("g", "prod", { iops: 3000, monitoringInterval: 60, password: "pw", backupRetentionPeriod: 3, engineVersion: "16.4" }),
      ignore,
    );
    expect(restore).toMatchObject({
      TargetDBInstanceIdentifier: "g",
      SourceDBInstanceIdentifier: "prod",
      RestoreTime: new Date(RESTORE_TIME),
      StorageType: "gp3",
      Iops: 3000,
      DBInstanceClass: "db.t3.micro",
      CopyTagsToSnapshot: true,
      AutoMinorVersionUpgrade: true, // Default true
      DeletionProtection: false,
      PubliclyAccessible: false,
    });
    expect(restore).not.toHaveProperty("UseLatestRestorableTime");
    expect(modify).toEqual({ DBInstanceIdentifier: "g", ApplyImmediately: true, MonitoringInterval: 60 });
    expect(JSON.stringify({ restore, modify })).not.toMatch(/pw|BackupRetentionPeriod|EngineVersion/);
  });

  it("needs no modify when nothing the branch sends later is set", () => {
    expect(pointInTimeRequests(programInputs("g", "prod"), ignore).modify).toBeUndefined();
  });
});

describe("check", () => {
  const check = (inputs: PropertyBag) => fx.provider.check!(instanceUrn(), {}, inputs);

  it("accepts the program's block, and refuses it beside a snapshot, a malformed or conflicting time, and sources moto cannot find", async () => {
    expect((await check(programInputs("g", "prod"))).failures).toEqual([]);
    const reasons = async (inputs: PropertyBag) => ((await check(inputs)).failures ?? []).map((f) => `${f.property}: ${f.reason}`).join("; ");
    expect(await reasons(programInputs("g", "prod", { snapshotIdentifier: "snap" }))).toMatch(/restoreToPointInTime: .*conflicts with snapshot_identifier/);
    expect(await reasons(programInputs("g", "prod", { restoreToPointInTime: { sourceDbInstanceIdentifier: "prod", restoreTime: "2026-11-25 12:25" } }))).toMatch(/restoreTime: .*RFC3339/);
    expect(await reasons(programInputs("g", "prod", { restoreToPointInTime: { sourceDbInstanceIdentifier: "prod", restoreTime: RESTORE_TIME, useLatestRestorableTime: true } }))).toMatch(
      /conflicts with use_latest_restorable_time/,
    );
    expect(await reasons(programInputs("g", "prod", { restoreToPointInTime: { sourceDbiResourceId: "db-ABC" } }))).toMatch(/does not implement sourceDbiResourceId/);
  });
});

describe("create, diff and refresh", () => {
  let id: string;
  let outs: PropertyBag;
  let inputs: PropertyBag;
  beforeAll(async () => {
    await seedSnapshot(fx.rds, "prod-pitr");
    // The source as it is now (grown after its snapshot): what moto's point-in-time restore copies.
    await fx.rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "prod-pitr-source", AllocatedStorage: 40, ApplyImmediately: true }));
    inputs = programInputs("dev-pitr", "prod-pitr-source");
    const checked = await fx.provider.check!(instanceUrn(), {}, inputs);
    expect(checked.failures).toEqual([]);
    ({ id, outs } = (await fx.provider.create!(instanceUrn(), checked.inputs)) as { id: string; outs: PropertyBag });
  });

  it("restores the source instance (not a snapshot) under the DbiResourceId, with the program's tags, and keeps the block in the state", async () => {
    const live = await describe1("dev-pitr");
    expect(id).toBe(live.DbiResourceId);
    expect(live.DBInstanceStatus).toBe("available");
    expect(live.AllocatedStorage).toBe(40);
    expect(live.StorageType).toBe("gp3");
    expect(live.DBInstanceClass).toBe("db.t3.micro");
    expect(Object.fromEntries((live.TagList ?? []).map((t) => [t.Key, t.Value]))).toEqual({ "echo:managed": "dev", "echo:generation": "dev-pitr", "echo:stage": "new" });
    expect(outs).toMatchObject({ identifier: "dev-pitr", restoreToPointInTime: inputs["restoreToPointInTime"], storageEncrypted: false });
    expect(outs).not.toHaveProperty("snapshotIdentifier");
  });

  it("reads back moto's source as replicateSourceDb (as the real Read would): an update unless ignored, as the program does", async () => {
    // MOTO: its point-in-time copy reports ReadReplicaSourceDBInstanceIdentifier; resourceInstanceRead stores it in
    // replicate_source_db (Optional, not Computed), so a program without it plans "" (an update, PromoteReadReplica).
    expect(outs).toMatchObject({ replicateSourceDb: "prod-pitr-source" });
    expect(diffInstance(outs, inputs)).toMatchObject({ changes: true, replaces: [], diffs: ["replicateSourceDb"] });
    expect(diffInstance(outs, inputs, ["replicateSourceDb"])).toMatchObject({ changes: false, replaces: [] });
    // Applied without the ignore, it would promote a replica: the stand-in does not implement that.
    await expect(fx.provider.update!(id, instanceUrn(), outs, inputs)).rejects.toThrow(/does not implement PromoteReadReplica/);
  });

  it("plans nothing for the same block, and a replacement when any field of it changes or it goes", async () => {
    const diff = async (news: PropertyBag) => diffInstance(outs, news, ["replicateSourceDb"]);
    expect(await diff(inputs)).toMatchObject({ changes: false, replaces: [] });
    // A field at its zero value is no field (Terraform reads an unset bool as false).
    expect(await diff({ ...inputs, restoreToPointInTime: { ...(inputs["restoreToPointInTime"] as object), useLatestRestorableTime: false } })).toMatchObject({ changes: false });
    expect(await diff({ ...inputs, restoreToPointInTime: { sourceDbInstanceIdentifier: "prod-pitr-source", restoreTime: "2026-11-25T12:30:00Z" } })).toMatchObject({
      changes: true,
      replaces: ["restoreToPointInTime"],
    });
    expect(await diff({ ...inputs, restoreToPointInTime: undefined })).toMatchObject({ changes: true, replaces: ["restoreToPointInTime"] });
    expect(await diff({ ...inputs, tags: { ...(inputs["tags"] as object), "echo:stage": "modified" } })).toMatchObject({ changes: true, replaces: [] });
  });

  it("keeps the block through a refresh (RDS never reports it), so a refreshed state still plans nothing", async () => {
    const refreshed = await fx.provider.read!(id, instanceUrn(), outs);
    expect(refreshed.props).toMatchObject({ restoreToPointInTime: inputs["restoreToPointInTime"] });
    expect(diffInstance(refreshed.props as PropertyBag, inputs, ["replicateSourceDb"])).toMatchObject({ changes: false, replaces: [] });
  });
});
