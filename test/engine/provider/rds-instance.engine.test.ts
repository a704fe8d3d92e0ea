/**
 * The stand-in's `aws:rds/instance:Instance` rules, called directly against a real moto: what lands in RDS, what a
 * diff plans, what a delete leaves, what an import reads.
 */
import { AddTagsToResourceCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instanceUrn, seedSnapshot, startFixture, type Fixture } from "./fixture.js";
import { rememberReadInputs } from "./read-inputs.js";
import { diffInstance } from "./rds-instance.js";
import { isSecret, reveal, type PropertyBag } from "./values.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
}, 180_000);
afterAll(async () => {
  await fx?.stop();
});

/** The inputs rds-echo's program declares at stage `new` (restoreArgs + tags), for a generation. */
function programInputs(generation: string, snapshot: string, extra: PropertyBag = {}): PropertyBag {
  return {
    identifier: generation,
    snapshotIdentifier: snapshot,
    instanceClass: "db.t3.micro",
    copyTagsToSnapshot: true,
    applyImmediately: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${generation}-final`,
    tags: { "echo:managed": "dev", "echo:generation": generation, "echo:stage": "new" },
    ...extra,
  };
}

async function describe1(identifier: string) {
  const out = await fx.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  return out.DBInstances![0]!;
}

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await fx.rds.send(new ListTagsForResourceCommand({ ResourceName: arn }));
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key!, t.Value!]));
}

async function create(generation: string, inputs: PropertyBag) {
  const checked = await fx.provider.check!(instanceUrn(), {}, inputs);
  expect(checked.failures).toEqual([]);
  return fx.provider.create!(instanceUrn(), checked.inputs);
}

describe("create from a snapshot", () => {
  it("restores, then applies in a ModifyDBInstance what the restore cannot take, and reports the DbiResourceId as id", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-a");
    const inputs = programInputs("dev-a", snapshot, { backupRetentionPeriod: 3, password: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cret-pw" } });
    const { id, outs } = await create("dev-a", inputs);

    const live = await describe1("dev-a");
    expect(id).toBe(live.DbiResourceId);
    expect(id).toMatch(/^db-/);
    expect(live.DBInstanceStatus).toBe("available");
    expect(live.DBInstanceClass).toBe("db.t3.micro");
    expect(live.CopyTagsToSnapshot).toBe(true);
    expect(live.BackupRetentionPeriod).toBe(3); // through the modify after the restore
    expect(await tagsOf(live.DBInstanceArn!)).toMatchObject({ "echo:managed": "dev", "echo:generation": "dev-a", "echo:stage": "new" });
    expect(outs).toMatchObject({
      identifier: "dev-a",
      resourceId: id,
      arn: live.DBInstanceArn,
      address: live.Endpoint!.Address,
      port: live.Endpoint!.Port,
      endpoint: `${live.Endpoint!.Address}:${live.Endpoint!.Port}`,
      snapshotIdentifier: snapshot, // kept from the inputs: RDS never reports it
      skipFinalSnapshot: false,
      deleteAutomatedBackups: true, // the schema default
    });
    expect(isSecret(outs.password)).toBe(true);
    expect(reveal(outs.password)).toBe("s3cret-pw");
  });
});

describe("diff", () => {
  let state: PropertyBag;
  let inputs: PropertyBag;
  beforeAll(async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-b");
    inputs = programInputs("dev-b", snapshot);
    state = (await create("dev-b", inputs)).outs as PropertyBag;
  });
  const diff = (news: PropertyBag) => fx.provider.diff!("id", instanceUrn(), state, news);

  it("plans nothing for the inputs it was created with, computed fields absent from the inputs included", async () => {
    expect(await diff(inputs)).toMatchObject({ changes: false, replaces: [] });
    for (const computed of ["parameterGroupName", "vpcSecurityGroupIds", "backupRetentionPeriod", "caCertIdentifier", "port", "availabilityZone", "storageType", "iops", "multiAz", "licenseModel"]) {
      expect(state[computed], computed).not.toBeUndefined();
      expect(inputs[computed], computed).toBeUndefined();
    }
  });

  it("replaces for a ForceNew input (snapshotIdentifier, availabilityZone, storageEncrypted) and updates for the rest", async () => {
    expect(await diff({ ...inputs, snapshotIdentifier: "other-snap" })).toMatchObject({ changes: true, replaces: ["snapshotIdentifier"] });
    expect(await diff({ ...inputs, availabilityZone: "eu-west-1c" })).toMatchObject({ changes: true, replaces: ["availabilityZone"] });
    expect(await diff({ ...inputs, storageEncrypted: true })).toMatchObject({ changes: true, replaces: ["storageEncrypted"] });
    expect(await diff({ ...inputs, instanceClass: "db.t3.small" })).toMatchObject({ changes: true, replaces: [], diffs: ["instanceClass"] });
    // A tag change is named with tagsAll, the provider's computed copy of the tags, as the bridge names it.
    expect(await diff({ ...inputs, tags: { ...(inputs["tags"] as object), team: "other" } })).toMatchObject({ changes: true, diffs: ["tags", "tagsAll"] });
    // identifier is no longer ForceNew (provider v5+): a rename is a ModifyDBInstance.
    expect(await diff({ ...inputs, identifier: "dev-b2" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ ...inputs, tags: { ...(inputs.tags as object), "echo:stage": "modified" } })).toMatchObject({ changes: true, replaces: [] });
  });

  it("diffs a non-computed input removed from the program against its default, and a password only on input change", async () => {
    expect(await diff({ ...inputs, copyTagsToSnapshot: undefined })).toMatchObject({ changes: true }); // Default false vs true
    const withPassword = { ...state, password: "a" };
    expect(await fx.provider.diff!("id", instanceUrn(), withPassword, { ...inputs, password: "a" })).toMatchObject({ changes: false, replaces: [] });
    expect(await fx.provider.diff!("id", instanceUrn(), withPassword, { ...inputs, password: "b" })).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("an encrypted snapshot", () => {
  it("plans a replacement when the program does not declare storageEncrypted (Optional, ForceNew, not Computed)", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-enc", { encrypted: true });
    const inputs = programInputs("dev-enc", snapshot);
    const { outs } = await create("dev-enc", inputs);
    expect((outs as PropertyBag).storageEncrypted).toBe(true);
    expect(await fx.provider.diff!("id", instanceUrn(), outs, inputs)).toMatchObject({ changes: true, replaces: ["storageEncrypted"] });
    expect(await fx.provider.diff!("id", instanceUrn(), outs, { ...inputs, storageEncrypted: true })).toMatchObject({ changes: false, replaces: [] });
  });
});

describe("update", () => {
  it("modifies with applyImmediately, and keeps out-of-band tags under ignored prefixes while removing other strays", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-c");
    const inputs = programInputs("dev-c", snapshot);
    const { id, outs } = await create("dev-c", inputs);
    const arn = (outs as PropertyBag).arn as string;
    await fx.rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: "echo:approval:alice", Value: "yes" }, { Key: "stray", Value: "x" }] }));
    const refreshed = await fx.provider.read!(id, instanceUrn(), outs);
    expect((refreshed.props as PropertyBag).tags).not.toHaveProperty("echo:approval:alice");
    expect((refreshed.props as PropertyBag).tags).toHaveProperty("stray", "x");

    const news = { ...inputs, deletionProtection: true, backupRetentionPeriod: 7, tags: { ...(inputs.tags as object), "echo:stage": "modified" } };
    const diff = await fx.provider.diff!(id, instanceUrn(), refreshed.props, news);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const { outs: updated } = await fx.provider.update!(id, instanceUrn(), refreshed.props, news);

    const live = await describe1("dev-c");
    expect(live.DeletionProtection).toBe(true);
    expect(live.BackupRetentionPeriod).toBe(7);
    expect(await tagsOf(arn)).toEqual({ "echo:managed": "dev", "echo:generation": "dev-c", "echo:stage": "modified", "echo:approval:alice": "yes" });
    expect(await fx.provider.diff!(id, instanceUrn(), updated, news)).toMatchObject({ changes: false, replaces: [] });
  });
});

describe("an update that changes nothing in RDS", () => {
  it("is refused as RDS refuses it (only applyImmediately differs: upstream still sends a ModifyDBInstance)", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-n");
    const inputs = programInputs("dev-n", snapshot);
    const { id, outs } = await create("dev-n", inputs);
    const news = { ...inputs, applyImmediately: false };
    await expect(fx.provider.update!(id, instanceUrn(), outs, news)).rejects.toThrow(/No modifications were requested/);
    // A real change alongside it goes through.
    const { outs: updated } = await fx.provider.update!(id, instanceUrn(), outs, { ...news, backupRetentionPeriod: 2 });
    expect((await describe1("dev-n")).BackupRetentionPeriod).toBe(2);
    expect((updated as PropertyBag).applyImmediately).toBe(false);
  });
});

describe("delete", () => {
  it("takes the final snapshot named in the state, and waits until the instance is gone", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-d");
    const { id, outs } = await create("dev-d", programInputs("dev-d", snapshot));
    await fx.provider.delete!(id, instanceUrn(), outs);
    await expect(describe1("dev-d")).rejects.toThrow(/not found/i);
    const snaps = await fx.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: "dev-d-final" }));
    expect(snaps.DBSnapshots?.[0]?.DBInstanceIdentifier).toBe("dev-d");
  });

  it("skips the final snapshot when the state says so, and refuses a delete with neither a skip nor a name", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-e");
    const { id, outs } = await create("dev-e", programInputs("dev-e", snapshot, { skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }));
    await expect(fx.provider.delete!(id, instanceUrn(), { ...(outs as PropertyBag), skipFinalSnapshot: false })).rejects.toThrow(/final_snapshot_identifier is required/);
    await fx.provider.delete!(id, instanceUrn(), outs);
    await expect(describe1("dev-e")).rejects.toThrow(/not found/i);
    const snaps = await fx.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: "dev-e" }));
    expect(snaps.DBSnapshots ?? []).toEqual([]);
  });
});

describe("read", () => {
  it("imports with empty state: no snapshotIdentifier (RDS does not report it), skipFinalSnapshot true, so the program's inputs plan a replacement", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-f");
    const inputs = programInputs("dev-f", snapshot);
    const { id } = await create("dev-f", inputs);
    // MOTO: every moto instance has the same DbiResourceId; with no state the stand-in needs the inputs the engine
    // sends with Read (an adopted pending create has them) to tell which one.
    await expect(fx.provider.read!(id, instanceUrn(), {})).rejects.toThrow(/moto gives every DB instance/);
    rememberReadInputs(instanceUrn(), id, { identifier: "dev-f" });
    const imported = await fx.provider.read!(id, instanceUrn(), {});
    expect(imported.id).toBe(id);
    expect(imported.props).toMatchObject({ identifier: "dev-f", resourceId: id, skipFinalSnapshot: true, deleteAutomatedBackups: true });
    expect(imported.props).not.toHaveProperty("snapshotIdentifier");
    expect(imported.inputs).toMatchObject({ identifier: "dev-f", instanceClass: "db.t3.micro", skipFinalSnapshot: true });
    expect(await fx.provider.diff!(id, instanceUrn(), imported.props, inputs)).toMatchObject({ changes: true, replaces: ["snapshotIdentifier"] });
    // A refresh with a prior state keeps what RDS never reports.
    const refreshed = await fx.provider.read!(id, instanceUrn(), { identifier: "dev-f", snapshotIdentifier: snapshot, skipFinalSnapshot: false });
    expect(refreshed.props).toMatchObject({ snapshotIdentifier: snapshot, skipFinalSnapshot: false });
    expect(refreshed.inputs).toBeUndefined();
  });

  it("reads an instance by its identifier too, and reports a vanished instance as gone", async () => {
    expect((await fx.provider.read!("dev-f", instanceUrn(), {})).props).toMatchObject({ identifier: "dev-f" });
    expect(await fx.provider.read!("db-NOSUCHINSTANCE", instanceUrn(), { identifier: "x" })).toEqual({ id: "", props: {} });
  });
});

describe("an import, as the real provider reads it and the bridge reports it", () => {
  it("leaves the state-only inputs unset (bar the importer's two), drops defaults and zeros from the inputs, and the adoption's plan names them", async () => {
    const snapshot = await seedSnapshot(fx.rds, "prod-g");
    const created = programInputs("dev-g", snapshot);
    const { id } = await create("dev-g", created);
    rememberReadInputs(instanceUrn(), id, { identifier: "dev-g" });
    const imported = await fx.provider.read!(id, instanceUrn(), {});
    const state = imported.props as PropertyBag;
    // resourceInstanceImport sets these two; resourceInstanceRead sets none of the state-only attributes.
    expect(state).toMatchObject({ skipFinalSnapshot: true, deleteAutomatedBackups: true });
    for (const key of ["applyImmediately", "finalSnapshotIdentifier", "password", "snapshotIdentifier"]) expect(state, key).not.toHaveProperty(key);
    // ExtractInputsFromOutputs: no Computed-only output, no input at its Default (deleteAutomatedBackups: true) or zero.
    const inputs = imported.inputs as PropertyBag;
    expect(inputs).toMatchObject({ identifier: "dev-g", instanceClass: "db.t3.micro", skipFinalSnapshot: true, __defaults: [] });
    for (const key of ["deleteAutomatedBackups", "publiclyAccessible", "monitoringInterval", "iops", "arn", "address", "tagsAll"]) expect(inputs, key).not.toHaveProperty(key);

    // The adopted program's inputs after the engine's ignoreChanges (every setting but the final snapshot and the
    // tags takes the import's value; applyImmediately is ignored and absent from the import's inputs).
    const adopted: PropertyBag = { ...inputs, skipFinalSnapshot: false, finalSnapshotIdentifier: "dev-g-final", tags: { ...(created["tags"] as object), "echo:stage": "promoted" } };
    const named = ["applyImmediately", "finalSnapshotIdentifier", "skipFinalSnapshot", "tags", "tagsAll"];
    const plan = diffInstance(state, adopted, ["applyImmediately"]);
    expect([...plan.diffs].sort()).toEqual(named);
    expect(plan.replaces).toEqual([]);
    // What the real provider's post-import preview named when the program still declared applyImmediately: true.
    expect([...diffInstance(state, { ...adopted, applyImmediately: true }).diffs].sort()).toEqual(named);

    // Applied: the tags and the state, no ModifyDBInstance (its d.HasChange reads the unset applyImmediately as false;
    // a ModifyDBInstance here would be refused, see above).
    const { outs } = await fx.provider.update!(id, instanceUrn(), state, adopted);
    expect(outs).toMatchObject({ applyImmediately: false, skipFinalSnapshot: false, finalSnapshotIdentifier: "dev-g-final" });
    expect(await tagsOf(String(state["arn"]))).toMatchObject({ "echo:stage": "promoted" });
    expect(diffInstance(outs as PropertyBag, adopted, ["applyImmediately"])).toMatchObject({ changes: false });
    // Turned on, applyImmediately alone is a ModifyDBInstance with nothing to modify: refused as RDS refuses it.
    await expect(fx.provider.update!(id, instanceUrn(), outs, { ...adopted, applyImmediately: true })).rejects.toThrow(/No modifications were requested/);
  });
});
