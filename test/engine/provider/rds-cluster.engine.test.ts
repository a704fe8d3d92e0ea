/**
 * The stand-in's `aws:rds/cluster:Cluster` and `aws:rds/clusterInstance:ClusterInstance` rules, called directly
 * against a real moto: what the restores and the modify after them land in RDS, what a diff plans, what an update
 * and a delete do.
 */
import { DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand, DescribeDBInstancesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterInstanceUrn, clusterUrn, seedClusterSnapshot, startFixture, type Fixture } from "./fixture.js";
import { reveal, type PropertyBag } from "./values.js";

let fx: Fixture;
let seeded: { source: string; snapshot: string };
beforeAll(async () => {
  fx = await startFixture();
  seeded = await seedClusterSnapshot(fx.rds, "prod");
}, 180_000);
afterAll(async () => {
  await fx?.stop();
});

/** The cluster inputs src/program/cluster.ts declares at stage `new` (clusterRestoreArgs + tags). */
function clusterInputs(generation: string, source: PropertyBag, extra: PropertyBag = {}): PropertyBag {
  return {
    clusterIdentifier: generation,
    engine: "aurora-postgresql",
    ...source,
    port: 5433,
    copyTagsToSnapshot: true,
    applyImmediately: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${generation}-final`,
    tags: { "echo:managed": "dev", "echo:generation": generation, "echo:stage": "new" },
    ...extra,
  };
}

function instanceInputs(generation: string, extra: PropertyBag = {}): PropertyBag {
  return {
    identifier: `${generation}-1`,
    clusterIdentifier: generation,
    engine: "aurora-postgresql",
    instanceClass: "db.r6g.large",
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    copyTagsToSnapshot: true,
    applyImmediately: true,
    tags: { "echo:managed": "dev", "echo:generation": generation },
    ...extra,
  };
}

async function describeCluster(identifier: string) {
  return (await fx.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }))).DBClusters![0]!;
}

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await fx.rds.send(new ListTagsForResourceCommand({ ResourceName: arn }));
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key!, t.Value!]));
}

async function create(urn: string, inputs: PropertyBag) {
  const checked = await fx.provider.check!(urn, {}, inputs);
  expect(checked.failures).toEqual([]);
  return fx.provider.create!(urn, checked.inputs);
}

describe("check", () => {
  it("refuses a cluster with neither restore path, both paths, or an unknown restore type", async () => {
    const none = await fx.provider.check!(clusterUrn(), {}, clusterInputs("g0", {}));
    expect(none.failures?.map((f) => f.property)).toEqual(["snapshotIdentifier"]);
    const both = await fx.provider.check!(clusterUrn(), {}, clusterInputs("g0", { snapshotIdentifier: "s", restoreToPointInTime: { sourceClusterIdentifier: "x" } }));
    expect(both.failures?.map((f) => f.property)).toEqual(["restoreToPointInTime"]);
    const badType = await fx.provider.check!(clusterUrn(), {}, clusterInputs("g0", { restoreToPointInTime: { sourceClusterIdentifier: "x", restoreType: "shallow" } }));
    expect(badType.failures?.map((f) => f.property)).toEqual(["restoreToPointInTime.restoreType"]);
  });
});

describe("a cluster restored from a snapshot", () => {
  it("restores, applies in a ModifyDBCluster what the restore cannot take, and is addressed by its identifier", async () => {
    const inputs = clusterInputs("snap-a", { snapshotIdentifier: seeded.snapshot }, { backupRetentionPeriod: 7 });
    const { id, outs } = await create(clusterUrn(), inputs);
    expect(id).toBe("snap-a");
    const live = await describeCluster("snap-a");
    expect(live.Status).toBe("available");
    expect(live.Port).toBe(5433);
    expect(live.BackupRetentionPeriod).toBe(7); // from the modify after the restore
    expect(live.CopyTagsToSnapshot).toBe(true);
    expect(await tagsOf(live.DBClusterArn!)).toEqual({ "echo:managed": "dev", "echo:generation": "snap-a", "echo:stage": "new" });
    expect(outs).toMatchObject({ clusterIdentifier: "snap-a", endpoint: live.Endpoint, readerEndpoint: live.ReaderEndpoint, snapshotIdentifier: seeded.snapshot, skipFinalSnapshot: false });

    // Settled: the same program plans no change; a new snapshot replaces; a tag or retention change updates.
    expect(await fx.provider.diff!(id, clusterUrn(), outs, inputs)).toMatchObject({ changes: false, replaces: [] });
    expect((await fx.provider.diff!(id, clusterUrn(), outs, { ...inputs, snapshotIdentifier: "other" })).replaces).toEqual(["snapshotIdentifier"]);
    const modified = { ...inputs, deletionProtection: true, iamDatabaseAuthenticationEnabled: true, tags: { "echo:managed": "dev", "echo:generation": "snap-a", "echo:stage": "modified" } };
    const diff = await fx.provider.diff!(id, clusterUrn(), outs, modified);
    expect(diff).toMatchObject({ changes: true, replaces: [] });

    // Read keeps what RDS never reports.
    const refreshed = await fx.provider.read!(id, clusterUrn(), outs);
    expect(refreshed.props).toMatchObject({ snapshotIdentifier: seeded.snapshot, finalSnapshotIdentifier: "snap-a-final", port: 5433 });
  });
});

describe("a cloned cluster, its instance, update and delete", () => {
  it("clones copy-on-write, creates its instance in it, updates both, and deletes with a final snapshot", async () => {
    const clone = { restoreToPointInTime: { sourceClusterIdentifier: seeded.source, restoreType: "copy-on-write", useLatestRestorableTime: true } };
    const inputs = clusterInputs("clone-a", clone);
    const { id, outs } = await create(clusterUrn(), inputs);
    expect(id).toBe("clone-a");
    expect((await describeCluster("clone-a")).Engine).toBe("aurora-postgresql");
    expect(outs["restoreToPointInTime"]).toEqual(clone.restoreToPointInTime);

    const member = await create(clusterInstanceUrn(), instanceInputs("clone-a"));
    expect(member.id).toBe("clone-a-1");
    expect(member.outs).toMatchObject({ clusterIdentifier: "clone-a", instanceClass: "db.r6g.large", engine: "aurora-postgresql" });
    expect((await describeCluster("clone-a")).DBClusterMembers?.map((m) => m.DBInstanceIdentifier)).toEqual(["clone-a-1"]);
    expect(await fx.provider.diff!(member.id, clusterInstanceUrn(), member.outs, instanceInputs("clone-a"))).toMatchObject({ changes: false });
    expect((await fx.provider.diff!(member.id, clusterInstanceUrn(), member.outs, instanceInputs("clone-b"))).replaces?.sort()).toEqual(["clusterIdentifier", "identifier"]);

    // Stage `modified`: cluster-wide settings by ModifyDBCluster, per-instance ones by ModifyDBInstance, tags by ARN.
    const modified = { ...inputs, backupRetentionPeriod: 3, deletionProtection: true, masterPassword: "new-password", tags: { ...(inputs["tags"] as object), "echo:stage": "modified" } };
    const updated = await fx.provider.update!(id, clusterUrn(), outs, modified);
    const live = await describeCluster("clone-a");
    expect(live.BackupRetentionPeriod).toBe(3);
    expect(live.DeletionProtection).toBe(true);
    expect((await tagsOf(live.DBClusterArn!))["echo:stage"]).toBe("modified");
    expect(reveal(updated.outs!["masterPassword"])).toBe("new-password");
    expect(await fx.provider.diff!(id, clusterUrn(), updated.outs!, modified)).toMatchObject({ changes: false });

    const memberUpdated = await fx.provider.update!(member.id, clusterInstanceUrn(), member.outs!, instanceInputs("clone-a", { caCertIdentifier: "rds-ca-rsa2048-g1" }));
    expect(memberUpdated.outs).toMatchObject({ caCertIdentifier: "rds-ca-rsa2048-g1" });

    // Forgotten: protection lifted; then the instance goes first (dependsOn), the cluster leaves a final snapshot.
    const forgotten = { ...modified, deletionProtection: false };
    const lifted = await fx.provider.update!(id, clusterUrn(), updated.outs!, forgotten);
    await expect(fx.provider.delete!(id, clusterUrn(), lifted.outs!)).rejects.toThrow(/InvalidDBClusterStateFault/);
    await fx.provider.delete!(member.id, clusterInstanceUrn(), memberUpdated.outs!);
    await expect(fx.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "clone-a-1" }))).rejects.toThrow(/not found/);
    await fx.provider.delete!(id, clusterUrn(), lifted.outs!);
    await expect(fx.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: "clone-a" }))).rejects.toThrow(/not found/i);
    const finals = await fx.rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: "clone-a-final" }));
    expect(finals.DBClusterSnapshots?.[0]?.DBClusterIdentifier).toBe("clone-a");
    // Gone already: a second delete is no error, and a refresh drops it.
    await fx.provider.delete!(id, clusterUrn(), lifted.outs!);
    expect((await fx.provider.read!(id, clusterUrn(), lifted.outs!)).id).toBe("");
  });

  it("refuses to delete without a final snapshot name unless skipFinalSnapshot, before any call", async () => {
    await expect(fx.provider.delete!("nope", clusterUrn(), { clusterIdentifier: "nope", skipFinalSnapshot: false })).rejects.toThrow(/final_snapshot_identifier is required/);
  });
});

describe("the cluster's create requests and update wait, as upstream", () => {
  it("a restore from a snapshot takes IAM auth in the ModifyDBCluster after it, not in its own request", async () => {
    const { clusterCreateRequests } = await import("./rds-cluster-schema.js");
    const ignore = { keys: [], keyPrefixes: [] };
    const fromSnapshot = clusterCreateRequests({ clusterIdentifier: "c", engine: "aurora-postgresql", snapshotIdentifier: "s", iamDatabaseAuthenticationEnabled: true }, ignore);
    expect(fromSnapshot.fromSnapshot).not.toHaveProperty("EnableIAMDatabaseAuthentication");
    expect(fromSnapshot.modify).toMatchObject({ DBClusterIdentifier: "c", ApplyImmediately: true, EnableIAMDatabaseAuthentication: true });
    const withoutIam = clusterCreateRequests({ clusterIdentifier: "c", engine: "aurora-postgresql", snapshotIdentifier: "s" }, ignore);
    expect(withoutIam.modify).toBeUndefined();
  });

  it("an update is finished only once RDS lists no pending modifications (waitDBClusterUpdated)", async () => {
    const { hasPendingModifications } = await import("./rds-cluster-wait.js");
    expect(hasPendingModifications({ Status: "available" })).toBe(false);
    expect(hasPendingModifications({ Status: "available", PendingModifiedValues: {} })).toBe(false);
    expect(hasPendingModifications({ Status: "available", PendingModifiedValues: { MasterUserPassword: "****" } })).toBe(true);
  });
});
