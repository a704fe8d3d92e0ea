import {
  DBInstanceNotFoundFault,
  DBSnapshotNotFoundFault,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  RebootDBInstanceCommand,
  RDSServiceException,
  type DBInstance,
  type DBSnapshot,
  type DescribeDBSnapshotsCommandInput,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsRds } from "../../../src/adapters/aws/rds.js";
import { SnapshotNotFoundError, ThrottledError } from "../../../src/errors.js";

const rdsMock = mockClient(RDSClient);
const rds = new AwsRds(new RDSClient({ region: "eu-west-1" }));
beforeEach(() => rdsMock.reset());

const ACCOUNT_ARN = "arn:aws:rds:eu-west-1:111111111111:snapshot:";
function snap(id: string, type: string, created: string, status = "available", instance = "production-db"): DBSnapshot {
  return {
    DBSnapshotIdentifier: id,
    DBSnapshotArn: ACCOUNT_ARN + id.replace(/^rds:/, ""),
    DBInstanceIdentifier: instance,
    SnapshotType: type,
    Status: status,
    SnapshotCreateTime: new Date(created),
  };
}

/**
 * Answers DescribeDBSnapshots from pages keyed by `<SnapshotType>:<Marker>`; returns the inputs as sent (copied at call
 * time: the SDK paginator reuses one input object across pages, so the mock's recorded inputs all show the last page).
 */
function snapshotPages(pages: Record<string, { DBSnapshots: DBSnapshot[]; Marker?: string }>): object[] {
  const sent: object[] = [];
  rdsMock.on(DescribeDBSnapshotsCommand).callsFake((input: DescribeDBSnapshotsCommandInput) => {
    sent.push(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
    return pages[`${input.SnapshotType}:${input.Marker ?? ""}`] ?? { DBSnapshots: [] };
  });
  return sent;
}

describe("AwsRds.latestSnapshot", () => {
  it("picks the newest available snapshot across every page and every type, skipping one still creating", async () => {
    const inputs = snapshotPages({
      "automated:": { DBSnapshots: [snap("rds:production-db-2026-11-20", "automated", "2026-11-20T03:00:00Z")], Marker: "p2" },
      "automated:p2": { DBSnapshots: [snap("rds:production-db-2026-11-24", "automated", "2026-11-24T03:00:00Z")] },
      "manual:": {
        DBSnapshots: [
          snap("before-migration", "manual", "2026-11-22T10:00:00Z"),
          snap("in-progress", "manual", "2026-11-25T10:00:00Z", "creating"),
        ],
      },
    });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"] });
    expect(found).toMatchObject({
      id: "rds:production-db-2026-11-24",
      type: "automated",
      status: "available",
      createdAt: new Date("2026-11-24T03:00:00Z"),
    });
    expect(inputs).toEqual([
      { DBInstanceIdentifier: "production-db", SnapshotType: "automated" },
      { DBInstanceIdentifier: "production-db", SnapshotType: "automated", Marker: "p2" },
      { DBInstanceIdentifier: "production-db", SnapshotType: "manual" },
    ]);
  });

  it("only asks for the configured types: manual-only never sees a newer automated snapshot", async () => {
    const inputs = snapshotPages({
      "automated:": { DBSnapshots: [snap("rds:production-db-2026-11-24", "automated", "2026-11-24T03:00:00Z")] },
      "manual:": { DBSnapshots: [snap("before-migration", "manual", "2026-11-22T10:00:00Z")] },
    });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["manual"] });
    expect(found.id).toBe("before-migration");
    expect(inputs).toEqual([{ DBInstanceIdentifier: "production-db", SnapshotType: "manual" }]);
  });

  it("never takes a snapshot another echo made (echo:made, its echo:managed) for this echo's latest; its own may count", async () => {
    const made = (echo: string) => [
      { Key: "echo:managed", Value: echo },
      { Key: "echo:generation", Value: `${echo}-20261125-0300` },
      { Key: "echo:made", Value: "snapshot" },
    ];
    snapshotPages({
      "automated:": { DBSnapshots: [snap("rds:production-db-2026-11-24", "automated", "2026-11-24T03:00:00Z")] },
      "manual:": {
        DBSnapshots: [
          { ...snap("fresh-20261125-0300-source", "manual", "2026-11-25T03:00:00Z"), TagList: made("fresh") },
          { ...snap("a-person-made-this", "manual", "2026-11-24T09:00:00Z"), TagList: [{ Key: "team", Value: "platform" }] },
        ],
      },
    });
    expect((await rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"], echo: "development" })).id).toBe("a-person-made-this");
    expect((await rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"], echo: "fresh" })).id).toBe("fresh-20261125-0300-source");
  });

  it("restores a shared snapshot by its ARN, and ignores shared snapshots of other instances", async () => {
    const shared = { ...snap("production-db-final", "shared", "2026-11-24T05:00:00Z"), DBSnapshotArn: "arn:aws:rds:eu-west-1:222222222222:snapshot:production-db-final" };
    const inputs = snapshotPages({
      "shared:": { DBSnapshots: [snap("other-newer", "shared", "2026-11-25T00:00:00Z", "available", "billing-db"), shared] },
    });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["shared"] });
    expect(found.id).toBe("arn:aws:rds:eu-west-1:222222222222:snapshot:production-db-final");
    expect(inputs).toEqual([{ SnapshotType: "shared", IncludeShared: true }]);
  });

  it("fails with SnapshotNotFoundError naming the instance and the types searched when none is available", async () => {
    snapshotPages({ "manual:": { DBSnapshots: [snap("in-progress", "manual", "2026-11-25T10:00:00Z", "creating")] } });
    const failure = rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"] });
    await expect(failure).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(failure).rejects.toThrow("no available automated/manual snapshot of production-db");
  });

  it("honours an explicit snapshot id even when a newer one exists, with one call", async () => {
    rdsMock
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: "before-migration" })
      .resolves({ DBSnapshots: [snap("before-migration", "manual", "2026-11-22T10:00:00Z")] });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["automated"], explicit: "before-migration" });
    expect(found).toMatchObject({ id: "before-migration", type: "manual", createdAt: new Date("2026-11-22T10:00:00Z") });
    expect(rdsMock.calls()).toHaveLength(1);
  });

  it("looks up an explicit ARN including shared snapshots, and restores from the ARN", async () => {
    const arn = "arn:aws:rds:eu-west-1:222222222222:snapshot:production-db-final";
    rdsMock
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: arn, IncludeShared: true })
      .resolves({ DBSnapshots: [{ ...snap("production-db-final", "shared", "2026-11-24T05:00:00Z"), DBSnapshotArn: arn }] });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["automated"], explicit: arn });
    expect(found.id).toBe(arn);
  });

  it("refuses an explicit snapshot that is not available, saying its status", async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap("half-done", "manual", "2026-11-22T10:00:00Z", "creating")] });
    const failure = rds.latestSnapshot({ instance: "production-db", types: ["manual"], explicit: "half-done" });
    await expect(failure).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(failure).rejects.toThrow("snapshot half-done is creating, not available");
  });

  it("orders by when the data was taken: a fresh copy of an old snapshot does not win", async () => {
    snapshotPages({
      "automated:": { DBSnapshots: [snap("rds:production-db-2026-11-24", "automated", "2026-11-24T03:00:00Z")] },
      "manual:": {
        DBSnapshots: [
          // Copied yesterday evening from a snapshot of last week: SnapshotCreateTime is the copy's.
          { ...snap("copy-of-last-week", "manual", "2026-11-24T20:00:00Z"), OriginalSnapshotCreateTime: new Date("2026-11-17T03:00:00Z") },
          { ...snap("database-time", "manual", "2026-11-24T21:00:00Z"), SnapshotDatabaseTime: new Date("2026-11-18T03:00:00Z") },
        ],
      },
    });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"] });
    expect(found).toMatchObject({ id: "rds:production-db-2026-11-24", createdAt: new Date("2026-11-24T03:00:00Z") });
  });

  it("asks for an explicit automated or AWS Backup snapshot with its SnapshotType, as the API requires", async () => {
    const sent: object[] = [];
    rdsMock.on(DescribeDBSnapshotsCommand).callsFake((input: DescribeDBSnapshotsCommandInput) => {
      sent.push(input);
      return { DBSnapshots: [snap(input.DBSnapshotIdentifier!, input.SnapshotType ?? "manual", "2026-11-24T03:00:00Z")] };
    });
    await rds.latestSnapshot({ instance: "production-db", types: ["manual"], explicit: "rds:production-db-2026-11-24-03-10" });
    await rds.latestSnapshot({ instance: "production-db", types: ["manual"], explicit: "awsbackup:job-0123abcd" });
    await rds.latestSnapshot({ instance: "production-db", types: ["manual"], explicit: "before-migration" });
    expect(sent).toEqual([
      { DBSnapshotIdentifier: "rds:production-db-2026-11-24-03-10", SnapshotType: "automated" },
      { DBSnapshotIdentifier: "awsbackup:job-0123abcd", SnapshotType: "awsbackup" },
      { DBSnapshotIdentifier: "before-migration" },
    ]);
  });

  it("lists awsbackup snapshots of the instance when that type is configured", async () => {
    const inputs = snapshotPages({ "awsbackup:": { DBSnapshots: [snap("awsbackup:job-0123abcd", "awsbackup", "2026-11-24T05:00:00Z")] } });
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["awsbackup"] });
    expect(found).toMatchObject({ id: "awsbackup:job-0123abcd", type: "awsbackup" });
    expect(inputs).toEqual([{ DBInstanceIdentifier: "production-db", SnapshotType: "awsbackup" }]);
  });

  it("reports the snapshot's encryption and KMS key (to pin them), and its engine", async () => {
    const key = "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    snapshotPages({
      "automated:": { DBSnapshots: [{ ...snap("rds:production-db-2026-11-24", "automated", "2026-11-24T03:00:00Z"), Encrypted: true, KmsKeyId: key, Engine: "postgres" }] },
      "manual:": { DBSnapshots: [{ ...snap("plain", "manual", "2026-11-20T03:00:00Z"), Encrypted: false }] },
    });
    expect(await rds.latestSnapshot({ instance: "production-db", types: ["automated"] })).toMatchObject({ encrypted: true, kmsKeyId: key, engine: "postgres" });
    const plain = await rds.latestSnapshot({ instance: "production-db", types: ["manual"] });
    expect(plain.encrypted).toBe(false);
    expect(plain.kmsKeyId).toBeUndefined();
  });

  it("maps the SDK's DBSnapshotNotFoundFault for a missing explicit snapshot to SnapshotNotFoundError", async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(new DBSnapshotNotFoundFault({ message: "DBSnapshot gone not found.", $metadata: {} }));
    const failure = rds.latestSnapshot({ instance: "production-db", types: ["manual"], explicit: "gone" });
    await expect(failure).rejects.toBeInstanceOf(SnapshotNotFoundError);
    await expect(failure).rejects.toThrow("DBSnapshot gone not found.");
  });
});

function instance(id: string, extra: Partial<DBInstance> = {}): DBInstance {
  return { DBInstanceIdentifier: id, DBInstanceStatus: "available", ...extra };
}

describe("AwsRds.describeInstance(s)", () => {
  it("maps every field the lifecycle reads", async () => {
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: "development-20261125-1230" }).resolves({
      DBInstances: [
        instance("development-20261125-1230", {
          DBInstanceArn: "arn:aws:rds:eu-west-1:111111111111:db:development-20261125-1230",
          DbiResourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY2",
          DBInstanceStatus: "modifying",
          Endpoint: { Address: "development-20261125-1230.abc.eu-west-1.rds.amazonaws.com", Port: 5432 },
          TagList: [{ Key: "echo:managed", Value: "development" }, { Key: "echo:stage", Value: "new" }],
          InstanceCreateTime: new Date("2026-11-25T12:30:00Z"),
          DBParameterGroups: [{ DBParameterGroupName: "pg16", ParameterApplyStatus: "in-sync" }],
          PendingModifiedValues: {},
        }),
      ],
    });
    expect(await rds.describeInstance("development-20261125-1230")).toEqual({
      id: "development-20261125-1230",
      arn: "arn:aws:rds:eu-west-1:111111111111:db:development-20261125-1230",
      resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXY2",
      status: "modifying",
      address: "development-20261125-1230.abc.eu-west-1.rds.amazonaws.com",
      port: 5432,
      tags: { "echo:managed": "development", "echo:stage": "new" },
      pendingReboot: false,
      createdAt: new Date("2026-11-25T12:30:00Z"),
    });
  });

  it("reports a pending reboot from a parameter group pending-reboot or still applying, and from pending modified values", async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        instance("a", { DBParameterGroups: [{ ParameterApplyStatus: "in-sync" }, { ParameterApplyStatus: "pending-reboot" }] }),
        instance("b", { PendingModifiedValues: { MasterUserPassword: "****" } }),
        instance("c", { PendingModifiedValues: {}, DBParameterGroups: [{ ParameterApplyStatus: "applying" }] }),
        instance("d", { PendingModifiedValues: { DBInstanceClass: undefined } }),
      ],
    });
    const found = await rds.describeInstances(["a", "b", "c", "d"]);
    expect([...found].map(([id, i]) => [id, i.pendingReboot])).toEqual([["a", true], ["b", true], ["c", true], ["d", false]]);
  });

  it("returns undefined when RDS raises DBInstanceNotFoundFault", async () => {
    rdsMock.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: "DBInstance nope not found.", $metadata: {} }));
    expect(await rds.describeInstance("nope")).toBeUndefined();
  });

  it("describes 250 instances in exactly 3 calls of at most 100 ids each, merging the results", async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `development-${String(i).padStart(3, "0")}`);
    const missing = new Set(["development-007", "development-200"]);
    rdsMock.on(DescribeDBInstancesCommand).callsFake((input) => ({
      DBInstances: (input.Filters?.[0]?.Values ?? []).filter((id: string) => !missing.has(id)).map((id: string) => instance(id)),
    }));
    const found = await rds.describeInstances(ids);
    const calls = rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.map((i) => i.Filters?.[0]?.Values?.length)).toEqual([100, 100, 50]);
    expect(calls.every((i) => i.Filters?.[0]?.Name === "db-instance-id" && i.MaxRecords === 100)).toBe(true);
    expect(found.size).toBe(248);
    expect(found.has("development-249")).toBe(true);
    expect(found.has("development-007")).toBe(false);
  });

  it("follows Marker within a batch, and makes no call for no ids", async () => {
    rdsMock.on(DescribeDBInstancesCommand).callsFake((input) =>
      input.Marker === "m2" ? { DBInstances: [instance("b")] } : { DBInstances: [instance("a")], Marker: "m2" },
    );
    expect([...(await rds.describeInstances(["a", "b"])).keys()]).toEqual(["a", "b"]);
    expect(rdsMock.calls()).toHaveLength(2);
    rdsMock.resetHistory();
    expect((await rds.describeInstances([])).size).toBe(0);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it("turns throttling that outlived the SDK's retries into ThrottledError", async () => {
    const throttled = new RDSServiceException({ name: "Throttling", $fault: "client", message: "Rate exceeded", $metadata: { attempts: 8 } });
    rdsMock.on(DescribeDBInstancesCommand).rejects(throttled);
    const failure = rds.describeInstances(["a"]);
    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toThrow("after 8 attempts");
  });
});

describe("AwsRds.reboot", () => {
  it("issues RebootDBInstance for the instance", async () => {
    rdsMock.on(RebootDBInstanceCommand).resolves({ DBInstance: instance("a", { DBInstanceStatus: "rebooting" }) });
    await rds.reboot("development-20261125-1230");
    expect(rdsMock.commandCalls(RebootDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: "development-20261125-1230" },
    ]);
  });
});
