import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  DBSnapshotNotFoundFault,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  RDSServiceException,
} from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AccessDeniedError } from "../../../src/adapters/aws/errors.js";
import { AwsSnapshots } from "../../../src/adapters/aws/snapshots.js";
import { createSourceRdsClient } from "../../../src/adapters/aws/source-clients.js";

// Two real clients, mocked apart: the echo's account and the source's (another account or region).
const echo = new RDSClient({ region: "eu-west-1" });
const source = new RDSClient({ region: "eu-central-1" });
const echoMock = mockClient(echo);
const sourceMock = mockClient(source);
const stsMock = mockClient(STSClient);
// One poll a second: the waiter's delays are seconds of real time.
const port = new AwsSnapshots(echo, source, new STSClient({ region: "eu-west-1" }), { minDelay: 1, maxDelay: 1 });
beforeEach(() => {
  echoMock.reset();
  sourceMock.reset();
  stsMock.reset();
});

const TAGS = { "echo:managed": "development", "echo:generation": "development-20261125-1230", "echo:made": "snapshot" };
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const denied = (message: string) => new RDSServiceException({ name: "AccessDenied", $fault: "client", message, $metadata: {} });

describe("AwsSnapshots", () => {
  it("takes the snapshot on the source side, tagged, and shares it with this account", async () => {
    sourceMock.on(CreateDBSnapshotCommand).resolves({});
    sourceMock.on(ModifyDBSnapshotAttributeCommand).resolves({});
    await port.create({ instance: "production-db", snapshot: "development-20261125-1230-source", tags: TAGS });
    await port.share("development-20261125-1230-source", "123456789012");
    expect(sourceMock.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: "production-db", DBSnapshotIdentifier: "development-20261125-1230-source", Tags: tagList(TAGS) });
    expect(sourceMock.commandCalls(ModifyDBSnapshotAttributeCommand)[0]!.args[0].input).toEqual({ DBSnapshotIdentifier: "development-20261125-1230-source", AttributeName: "restore", ValuesToAdd: ["123456789012"] });
    expect(echoMock.calls()).toHaveLength(0);
  });

  it("copies into the echo's account under its key, with only rds-echo's tags, and the source region across regions", async () => {
    echoMock.on(CopyDBSnapshotCommand).resolves({});
    const from = "arn:aws:rds:eu-central-1:123456789012:snapshot:rds:production-db-2026-11-25-03-10";
    const key = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    await port.copy({ source: from, target: "development-20261125-1230-copy", kmsKeyId: key, sourceRegion: "eu-central-1", tags: { ...TAGS, "echo:made": "copy" } });
    expect(echoMock.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toEqual({
      SourceDBSnapshotIdentifier: from,
      TargetDBSnapshotIdentifier: "development-20261125-1230-copy",
      KmsKeyId: key,
      CopyTags: false,
      Tags: tagList({ ...TAGS, "echo:made": "copy" }),
      SourceRegion: "eu-central-1",
    });
    expect(sourceMock.calls()).toHaveLength(0);
  });

  it("waits with the SDK's DBSnapshotAvailable waiter, then reports the snapshot", async () => {
    const snapshot = { DBSnapshotIdentifier: "x-copy", SnapshotType: "manual", SnapshotCreateTime: new Date("2026-11-25T12:31:00Z"), Encrypted: true, KmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" };
    echoMock
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [{ ...snapshot, Status: "creating" }] })
      .resolves({ DBSnapshots: [{ ...snapshot, Status: "available" }] });
    const found = await port.waitAvailable("echo", "x-copy", { timeoutMs: 60_000 });
    expect(found).toMatchObject({ id: "x-copy", status: "available", encrypted: true, kmsKeyId: snapshot.KmsKeyId });
    expect(echoMock.commandCalls(DescribeDBSnapshotsCommand).length).toBeGreaterThanOrEqual(3);
    expect(echoMock.commandCalls(DescribeDBSnapshotsCommand)[0]!.args[0].input).toEqual({ DBSnapshotIdentifier: "x-copy" });
  });

  it("says how a long wait stands every few minutes (status and per cent), and a wait past its budget says so and stops", async () => {
    const snapshot = { DBSnapshotIdentifier: "x-copy", SnapshotType: "manual", SnapshotCreateTime: new Date("2026-11-25T12:31:00Z") };
    echoMock
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({ DBSnapshots: [{ ...snapshot, Status: "creating", PercentProgress: 10 }] })
      .resolvesOnce({ DBSnapshots: [{ ...snapshot, Status: "creating", PercentProgress: 40 }] })
      .resolvesOnce({ DBSnapshots: [{ ...snapshot, Status: "creating", PercentProgress: 40 }] })
      .resolves({ DBSnapshots: [{ ...snapshot, Status: "available", PercentProgress: 100 }] });
    const ticking = new AwsSnapshots(echo, source, new STSClient({ region: "eu-west-1" }), { minDelay: 1, maxDelay: 1, progressMs: 1_200 });
    const said: string[] = [];
    await ticking.waitAvailable("echo", "x-copy", { timeoutMs: 60_000, progress: (status) => said.push(status) });
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(said[0]).toMatch(/^creating \(\d+%\)$/);

    echoMock.reset();
    echoMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ ...snapshot, Status: "copying", PercentProgress: 55 }] });
    await expect(ticking.waitAvailable("echo", "x-copy", { timeoutMs: 2_500 })).rejects.toThrow(
      /^x-copy is not available after 0 minutes, the wait's budget \(timeouts\.create\): stopped waiting while it is copying \(55%\); rerun to wait on/,
    );
  }, 20_000);

  it("fails the wait when the snapshot fails, saying which", async () => {
    echoMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: "x-copy", Status: "failed", SnapshotCreateTime: new Date() }] });
    await expect(port.waitAvailable("echo", "x-copy", { timeoutMs: 60_000 })).rejects.toThrow(/^x-copy did not become available/);
  });

  it("finds a snapshot by id or (shared) ARN, and reports a missing one as undefined", async () => {
    sourceMock.on(DescribeDBSnapshotsCommand).rejects(new DBSnapshotNotFoundFault({ message: "not found", $metadata: {} }));
    expect(await port.find("source", "gone")).toBeUndefined();
    echoMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: "nightly", DBSnapshotArn: "arn:aws:rds:eu-west-1:210987654321:snapshot:nightly", Status: "available", SnapshotType: "shared", SnapshotCreateTime: new Date() }] });
    await port.find("echo", "arn:aws:rds:eu-west-1:210987654321:snapshot:nightly");
    expect(echoMock.commandCalls(DescribeDBSnapshotsCommand)[0]!.args[0].input).toEqual({ DBSnapshotIdentifier: "arn:aws:rds:eu-west-1:210987654321:snapshot:nightly", IncludeShared: true });
  });

  it("lists only the snapshots rds-echo made for this echo, over every page, by their tags", async () => {
    const at = new Date("2026-11-25T12:31:00Z");
    echoMock
      .on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" })
      .resolvesOnce({ DBSnapshots: [{ DBSnapshotIdentifier: "development-20261125-1230-copy", Status: "available", SnapshotCreateTime: at, TagList: tagList({ ...TAGS, "echo:made": "copy" }) }], Marker: "p2" })
      .resolves({
        DBSnapshots: [
          // A final snapshot carries the instance's echo: tags (copyTagsToSnapshot) but was not made for the source.
          { DBSnapshotIdentifier: "development-20261125-1230-final", Status: "available", SnapshotCreateTime: at, TagList: tagList({ "echo:managed": "development", "echo:generation": "development-20261125-1230" }) },
          { DBSnapshotIdentifier: "staging-20261125-1230-source", Status: "available", SnapshotCreateTime: at, TagList: tagList({ ...TAGS, "echo:managed": "staging" }) },
          { DBSnapshotIdentifier: "someone-elses", Status: "available", SnapshotCreateTime: at },
        ],
      });
    expect(await port.managed("echo", "development")).toEqual([{ id: "development-20261125-1230-copy", side: "echo", generation: "development-20261125-1230", status: "available", createdAt: at }]);
    // Both pages were read (the SDK paginator reuses one input object, so the recorded inputs all show the last marker).
    expect(echoMock.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(2);
  });

  it("deletes a made snapshot; one already gone counts as deleted", async () => {
    echoMock.on(DeleteDBSnapshotCommand).resolvesOnce({}).rejectsOnce(new DBSnapshotNotFoundFault({ message: "not found", $metadata: {} }));
    await port.delete("echo", "development-20261125-1230-source");
    await expect(port.delete("echo", "development-20261125-1230-source")).resolves.toBeUndefined();
    expect(echoMock.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input.DBSnapshotIdentifier)).toEqual([
      "development-20261125-1230-source",
      "development-20261125-1230-source",
    ]);
  });

  it("names the IAM action a refusal lacks: DeleteDBSnapshot, and sts:AssumeRole when the role could not be assumed", async () => {
    echoMock.on(DeleteDBSnapshotCommand).rejects(denied("not allowed"));
    const error = await port.delete("echo", "x-copy").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ action: "rds:DeleteDBSnapshot", message: expect.stringMatching(/^DeleteDBSnapshot x-copy: AWS denied rds:DeleteDBSnapshot/) });
    sourceMock.on(CreateDBSnapshotCommand).rejects(denied("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/rds-echo-source"));
    await expect(port.create({ instance: "production-db", snapshot: "s", tags: TAGS })).rejects.toMatchObject({ action: "sts:AssumeRole" });
  });

  it("reads the source instance's encryption, engine and latest restorable time (none with backups off)", async () => {
    const latest = new Date("2026-11-25T12:25:00Z");
    const instance = { DBInstanceIdentifier: "production-db", DBInstanceArn: "arn:aws:rds:eu-central-1:123456789012:db:production-db", DBInstanceStatus: "available", StorageEncrypted: true, KmsKeyId: "arn:aws:kms:eu-central-1:123456789012:key/p", Engine: "postgres", LatestRestorableTime: latest };
    sourceMock.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [{ ...instance, BackupRetentionPeriod: 7 }] }).resolves({ DBInstances: [{ ...instance, BackupRetentionPeriod: 0 }] });
    expect(await port.describeSource("production-db")).toEqual({ id: "production-db", arn: instance.DBInstanceArn, status: "available", encrypted: true, kmsKeyId: instance.KmsKeyId, engine: "postgres", latestRestorableTime: latest });
    expect(await port.describeSource("production-db")).not.toHaveProperty("latestRestorableTime");
  });

  it("asks STS who it is once", async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    expect(await port.accountId()).toBe("123456789012");
    expect(await port.accountId()).toBe("123456789012");
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });
});

describe("createSourceRdsClient", () => {
  it("is the echo's own client when the source lives beside the echo, one in copy.region otherwise, as the role when one is given", async () => {
    const own = new RDSClient({ region: "eu-west-1" });
    expect(createSourceRdsClient({ region: "eu-west-1", source: {} }, own)).toBe(own);
    expect(createSourceRdsClient({ region: "eu-west-1", source: { copy: { kmsKeyId: "k", region: "eu-west-1" } } }, own)).toBe(own);
    const elsewhere = createSourceRdsClient({ region: "eu-west-1", source: { copy: { kmsKeyId: "k", region: "eu-central-1" } } }, own);
    expect(await elsewhere.config.region()).toBe("eu-central-1");
    const asRole = createSourceRdsClient({ region: "eu-west-1", source: { copy: { kmsKeyId: "k" }, assumeRole: { roleArn: "arn:aws:iam::222222222222:role/r" } } }, own);
    expect(asRole).not.toBe(own);
    expect(await asRole.config.region()).toBe("eu-west-1");
  });
});
