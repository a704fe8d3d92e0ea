import {
  DBSnapshotNotFoundFault,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  InvalidDBSnapshotStateFault,
  RDSClient,
  type DescribeDBSnapshotsCommandInput,
} from "@aws-sdk/client-rds";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsRds } from "../../../src/adapters/aws/rds.js";

const rdsMock = mockClient(RDSClient);
const rds = new AwsRds(new RDSClient({ region: "eu-west-1" }));
beforeEach(() => rdsMock.reset());

describe("AwsRds.manualSnapshots", () => {
  it("lists manual snapshots over every page with their tags, creation time and status", async () => {
    const sent: DescribeDBSnapshotsCommandInput[] = [];
    rdsMock.on(DescribeDBSnapshotsCommand).callsFake((input: DescribeDBSnapshotsCommandInput) => {
      sent.push({ ...input });
      return input.Marker === undefined
        ? {
            Marker: "p2",
            DBSnapshots: [
              {
                DBSnapshotIdentifier: "development-20261120-0300-final",
                DBSnapshotArn: "arn:aws:rds:eu-west-1:111111111111:snapshot:development-20261120-0300-final",
                DBInstanceIdentifier: "development-20261120-0300",
                SnapshotType: "manual",
                Status: "available",
                SnapshotCreateTime: new Date("2026-11-22T10:00:00Z"),
                TagList: [{ Key: "echo:managed", Value: "development" }, { Key: "echo:generation", Value: "development-20261120-0300" }],
              },
            ],
          }
        : { DBSnapshots: [{ DBSnapshotIdentifier: "someone-elses", SnapshotType: "manual", Status: "creating" }] };
    });
    const found = await rds.manualSnapshots();
    expect(sent.map((i) => [i.SnapshotType, i.Marker])).toEqual([["manual", undefined], ["manual", "p2"]]);
    expect(found).toEqual([
      {
        id: "development-20261120-0300-final",
        arn: "arn:aws:rds:eu-west-1:111111111111:snapshot:development-20261120-0300-final",
        instance: "development-20261120-0300",
        createdAt: new Date("2026-11-22T10:00:00Z"),
        status: "available",
        tags: { "echo:managed": "development", "echo:generation": "development-20261120-0300" },
      },
      { id: "someone-elses", arn: undefined, instance: undefined, createdAt: undefined, status: "creating", tags: {} },
    ]);
  });
});

describe("AwsRds.deleteSnapshot", () => {
  it("sends DeleteDBSnapshot for the id", async () => {
    rdsMock.on(DeleteDBSnapshotCommand).resolves({ DBSnapshot: { DBSnapshotIdentifier: "x", Status: "deleted" } });
    await rds.deleteSnapshot("development-20261120-0300-final");
    expect(rdsMock.commandCalls(DeleteDBSnapshotCommand).map((c) => c.args[0].input)).toEqual([{ DBSnapshotIdentifier: "development-20261120-0300-final" }]);
  });

  it("counts a snapshot already gone as deleted, and passes any other failure on", async () => {
    rdsMock.on(DeleteDBSnapshotCommand).rejects(new DBSnapshotNotFoundFault({ message: "DBSnapshot x not found.", $metadata: {} }));
    await expect(rds.deleteSnapshot("x")).resolves.toBeUndefined();
    rdsMock.reset();
    rdsMock.on(DeleteDBSnapshotCommand).rejects(new InvalidDBSnapshotStateFault({ message: "Cannot delete the snapshot because it is in use", $metadata: {} }));
    await expect(rds.deleteSnapshot("x")).rejects.toThrow("in use");
  });
});
