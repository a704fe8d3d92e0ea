import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DBClusterNotFoundFault,
  RDSClient,
  RDSServiceException,
  type DBClusterSnapshot,
  type DescribeDBClusterSnapshotsCommandInput,
  type DBInstance,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsRds } from "../../../src/adapters/aws/rds.js";
import { SnapshotNotFoundError, ThrottledError } from "../../../src/errors.js";

const rdsMock = mockClient(RDSClient);
const rds = new AwsRds(new RDSClient({ region: "eu-west-1" }));
beforeEach(() => rdsMock.reset());

const CLUSTER = "analytics-20261125-1230";
const cluster = (id = CLUSTER, members = [`${id}-1`, `${id}-2`], status = "available") => ({
  DBClusterIdentifier: id,
  DBClusterArn: `arn:aws:rds:eu-west-1:111111111111:cluster:${id}`,
  DbClusterResourceId: "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  Status: status,
  Endpoint: `${id}.cluster-abc.eu-west-1.rds.amazonaws.com`,
  ReaderEndpoint: `${id}.cluster-ro-abc.eu-west-1.rds.amazonaws.com`,
  Port: 5432,
  Engine: "aurora-postgresql",
  MasterUsername: "master",
  StorageEncrypted: true,
  KmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/k",
  TagList: [{ Key: "echo:managed", Value: "analytics" }, { Key: "echo:stage", Value: "modified" }],
  // The reader is listed first: the adapter puts the writer first.
  DBClusterMembers: members.map((m, i) => ({ DBInstanceIdentifier: m, IsClusterWriter: i === members.length - 1, DBClusterParameterGroupStatus: i === 0 ? "pending-reboot" : "in-sync" })),
});
const member = (id: string, status = "available", extra: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: id,
  DBInstanceArn: `arn:aws:rds:eu-west-1:111111111111:db:${id}`,
  DBInstanceStatus: status,
  Endpoint: { Address: `${id}.abc.eu-west-1.rds.amazonaws.com`, Port: 5432 },
  TagList: [{ Key: "echo:managed", Value: "analytics" }],
  ...extra,
});

describe("AwsRds.describeCluster", () => {
  it("reads the cluster and its members' own statuses, writer first, with each member's cluster parameter group status", async () => {
    rdsMock.on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER }).resolves({ DBClusters: [cluster()] });
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [member(`${CLUSTER}-1`), member(`${CLUSTER}-2`, "rebooting")] });
    const found = await rds.describeCluster(CLUSTER);
    expect(found).toMatchObject({
      id: CLUSTER,
      status: "available",
      address: `${CLUSTER}.cluster-abc.eu-west-1.rds.amazonaws.com`,
      readerAddress: `${CLUSTER}.cluster-ro-abc.eu-west-1.rds.amazonaws.com`,
      port: 5432,
      engine: "aurora-postgresql",
      encrypted: true,
      tags: { "echo:managed": "analytics", "echo:stage": "modified" },
      pendingReboot: true,
    });
    expect(found!.members.map((m) => [m.id, m.status, m.pendingReboot])).toEqual([
      [`${CLUSTER}-2`, "rebooting", false],
      [`${CLUSTER}-1`, "available", true],
    ]);
    // The members come from one DescribeDBInstances filtered by the cluster.
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toMatchObject({ Filters: [{ Name: "db-cluster-id", Values: [CLUSTER] }] });
  });

  it("is undefined when RDS has no such cluster, and maps throttling to ThrottledError", async () => {
    rdsMock.on(DescribeDBClustersCommand).rejectsOnce(new DBClusterNotFoundFault({ message: "DBCluster x not found.", $metadata: {} }));
    expect(await rds.describeCluster("x")).toBeUndefined();
    rdsMock.on(DescribeDBClustersCommand).rejects(new RDSServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { attempts: 3 } }));
    await expect(rds.describeCluster("x")).rejects.toBeInstanceOf(ThrottledError);
  });

  it("leaves out a member that is listed but no longer described (deleted between the two calls)", async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [member(`${CLUSTER}-2`)] });
    expect((await rds.describeCluster(CLUSTER))!.members.map((m) => m.id)).toEqual([`${CLUSTER}-2`]);
  });
});

describe("AwsRds.describeClusters", () => {
  it("reads many clusters by the db-cluster-id filter, every page, and their members in one filtered call per batch", async () => {
    const ids = ["a-20261125-1230", "b-20261125-1230", "gone-20261125-1230"];
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster(ids[0], [`${ids[0]}-1`])], Marker: "m2" })
      .resolvesOnce({ DBClusters: [cluster(ids[1], [`${ids[1]}-1`])] });
    rdsMock.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [member(`${ids[0]}-1`)], Marker: "i2" }).resolvesOnce({ DBInstances: [member(`${ids[1]}-1`, "creating")] });
    const found = await rds.describeClusters(ids);
    expect([...found.keys()]).toEqual(ids.slice(0, 2));
    expect(found.get(ids[1]!)!.members[0]!.status).toBe("creating");
    const inputs = rdsMock.commandCalls(DescribeDBClustersCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { Filters: [{ Name: "db-cluster-id", Values: ids }], MaxRecords: 100, Marker: undefined },
      { Filters: [{ Name: "db-cluster-id", Values: ids }], MaxRecords: 100, Marker: "m2" },
    ]);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, "i2"]);
  });

  it("makes no call for no ids", async () => {
    expect((await rds.describeClusters([])).size).toBe(0);
    expect(rdsMock.calls()).toHaveLength(0);
  });
});

function snap(id: string, type: string, created: string, status = "available", of = "production-aurora"): DBClusterSnapshot {
  return { DBClusterSnapshotIdentifier: id, DBClusterSnapshotArn: `arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:${id.replace(/^rds:/, "")}`, DBClusterIdentifier: of, SnapshotType: type, Status: status, SnapshotCreateTime: new Date(created), Engine: "aurora-postgresql" };
}

describe("AwsRds.latestClusterSnapshot", () => {
  it("picks the newest available cluster snapshot of the source across types and pages, skipping one still creating", async () => {
    const sent: DescribeDBClusterSnapshotsCommandInput[] = [];
    rdsMock.on(DescribeDBClusterSnapshotsCommand).callsFake((input: DescribeDBClusterSnapshotsCommandInput) => {
      sent.push({ ...input });
      if (input.SnapshotType === "automated") {
        return input.Marker ? { DBClusterSnapshots: [snap("rds:production-aurora-2026-11-25-03-10", "automated", "2026-11-25T03:10:00Z")] } : { DBClusterSnapshots: [snap("rds:production-aurora-2026-11-24-03-10", "automated", "2026-11-24T03:10:00Z")], Marker: "p2" };
      }
      return { DBClusterSnapshots: [snap("before-upgrade", "manual", "2026-11-20T10:00:00Z"), snap("in-progress", "manual", "2026-11-25T11:00:00Z", "creating")] };
    });
    const found = await rds.latestClusterSnapshot({ cluster: "production-aurora", types: ["automated", "manual"] });
    expect(found).toMatchObject({ id: "rds:production-aurora-2026-11-25-03-10", type: "automated", engine: "aurora-postgresql", encrypted: false });
    expect(sent.map((i) => [i.SnapshotType, i.DBClusterIdentifier, i.Marker])).toEqual([
      ["automated", "production-aurora", undefined],
      ["automated", "production-aurora", "p2"],
      ["manual", "production-aurora", undefined],
    ]);
  });

  it("lists shared cluster snapshots without the server-side filter and names them by ARN", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [snap("shared-one", "shared", "2026-11-25T00:00:00Z"), snap("other", "shared", "2026-11-25T01:00:00Z", "available", "someone-else")] });
    const found = await rds.latestClusterSnapshot({ cluster: "production-aurora", types: ["shared"] });
    expect(found.id).toBe("arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:shared-one");
    expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand)[0]!.args[0].input).toEqual({ SnapshotType: "shared", IncludeShared: true });
  });

  it("says so when there is none, and checks an explicit one exists and is available", async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    await expect(rds.latestClusterSnapshot({ cluster: "production-aurora", types: ["automated"] })).rejects.toThrow(SnapshotNotFoundError);
    rdsMock.on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: "rds:production-aurora-2026-11-25-03-10", SnapshotType: "automated" }).resolves({ DBClusterSnapshots: [snap("rds:production-aurora-2026-11-25-03-10", "automated", "2026-11-25T03:10:00Z")] });
    expect((await rds.latestClusterSnapshot({ cluster: "production-aurora", types: ["automated"], explicit: "rds:production-aurora-2026-11-25-03-10" })).id).toBe("rds:production-aurora-2026-11-25-03-10");
    rdsMock.on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: "in-progress" }).resolves({ DBClusterSnapshots: [snap("in-progress", "manual", "2026-11-25T11:00:00Z", "creating")] });
    await expect(rds.latestClusterSnapshot({ cluster: "production-aurora", types: ["manual"], explicit: "in-progress" })).rejects.toThrow(/is creating, not available/);
  });
});
