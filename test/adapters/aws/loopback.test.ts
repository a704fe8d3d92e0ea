/**
 * The adapter against real-shaped RDS Query API responses, deserialised by the real SDK stack (signing, retries, XML
 * parsing) from a loopback HTTP server. Only 127.0.0.1 is ever contacted.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RDSClient } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AwsRds } from "../../../src/adapters/aws/rds.js";
import { ThrottledError } from "../../../src/errors.js";

const NS = "http://rds.amazonaws.com/doc/2014-10-31/";

function response(action: string, result: string): string {
  return `<${action}Response xmlns="${NS}">
  <${action}Result>${result}</${action}Result>
  <ResponseMetadata><RequestId>5e6b1a0e-0c3f-4a53-9e39-1c1b1f0f2a10</RequestId></ResponseMetadata>
</${action}Response>`;
}

function errorResponse(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>0b5d4a8e-7a55-4b8e-9d5c-3a0f6d2c1e77</RequestId>
</ErrorResponse>`;
}

function snapshotXml(id: string, type: string, created: string, status: string): string {
  return `<DBSnapshot>
  <DBSnapshotIdentifier>${id}</DBSnapshotIdentifier>
  <DBInstanceIdentifier>production-db</DBInstanceIdentifier>
  <SnapshotCreateTime>${created}</SnapshotCreateTime>
  <Engine>postgres</Engine>
  <AllocatedStorage>100</AllocatedStorage>
  <Status>${status}</Status>
  <Port>5432</Port>
  <AvailabilityZone>eu-west-1a</AvailabilityZone>
  <VpcId>vpc-0a1b2c3d</VpcId>
  <InstanceCreateTime>2024-02-01T09:00:00.000Z</InstanceCreateTime>
  <MasterUsername>postgres</MasterUsername>
  <EngineVersion>16.4</EngineVersion>
  <LicenseModel>postgresql-license</LicenseModel>
  <SnapshotType>${type}</SnapshotType>
  <OptionGroupName>default:postgres-16</OptionGroupName>
  <PercentProgress>${status === "available" ? 100 : 42}</PercentProgress>
  <StorageType>gp3</StorageType>
  <Encrypted>true</Encrypted>
  <KmsKeyId>arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b</KmsKeyId>
  <DBSnapshotArn>arn:aws:rds:eu-west-1:111111111111:snapshot:${id}</DBSnapshotArn>
  <IAMDatabaseAuthenticationEnabled>false</IAMDatabaseAuthenticationEnabled>
  <ProcessorFeatures/>
  <DbiResourceId>db-ABCDEFGHIJKLMNOPQRSTUVWXYZ</DbiResourceId>
  <TagList/>
  <SnapshotTarget>region</SnapshotTarget>
</DBSnapshot>`;
}

function instanceXml(id: string, applyStatus: string, pending: string): string {
  return `<DBInstance>
  <DBInstanceIdentifier>${id}</DBInstanceIdentifier>
  <DBInstanceClass>db.t3.medium</DBInstanceClass>
  <Engine>postgres</Engine>
  <DBInstanceStatus>available</DBInstanceStatus>
  <MasterUsername>postgres</MasterUsername>
  <Endpoint>
    <Address>${id}.c9akciq32.eu-west-1.rds.amazonaws.com</Address>
    <Port>5432</Port>
    <HostedZoneId>Z29XKXDKYMONMX</HostedZoneId>
  </Endpoint>
  <AllocatedStorage>100</AllocatedStorage>
  <InstanceCreateTime>2026-11-25T12:31:07.456Z</InstanceCreateTime>
  <DBParameterGroups>
    <DBParameterGroup>
      <DBParameterGroupName>echo-pg16</DBParameterGroupName>
      <ParameterApplyStatus>${applyStatus}</ParameterApplyStatus>
    </DBParameterGroup>
  </DBParameterGroups>
  <PendingModifiedValues>${pending}</PendingModifiedValues>
  <MultiAZ>false</MultiAZ>
  <EngineVersion>16.4</EngineVersion>
  <DBInstanceArn>arn:aws:rds:eu-west-1:111111111111:db:${id}</DBInstanceArn>
  <TagList>
    <Tag><Key>echo:managed</Key><Value>development</Value></Tag>
    <Tag><Key>echo:generation</Key><Value>${id}</Value></Tag>
    <Tag><Key>echo:stage</Key><Value>new</Value></Tag>
  </TagList>
</DBInstance>`;
}

/** What the server answers for one decoded Query API request; `throttle` counts down throttled answers. */
let throttle = 0;
const requests: URLSearchParams[] = [];

function answer(params: URLSearchParams): { status: number; body: string } {
  if (throttle > 0) {
    throttle -= 1;
    return { status: 400, body: errorResponse("Throttling", "Rate exceeded") };
  }
  switch (params.get("Action")) {
    case "DescribeDBSnapshots": {
      const type = params.get("SnapshotType");
      if (type === "automated" && !params.get("Marker")) {
        const snaps = snapshotXml("rds:production-db-2026-11-23-03-10", "automated", "2026-11-23T03:10:00.000Z", "available");
        return { status: 200, body: response("DescribeDBSnapshots", `<DBSnapshots>${snaps}</DBSnapshots><Marker>page-2</Marker>`) };
      }
      if (type === "automated") {
        const snaps =
          snapshotXml("rds:production-db-2026-11-24-03-10", "automated", "2026-11-24T03:10:00.123Z", "available") +
          snapshotXml("rds:production-db-2026-11-25-03-10", "automated", "2026-11-25T03:10:00.000Z", "creating");
        return { status: 200, body: response("DescribeDBSnapshots", `<DBSnapshots>${snaps}</DBSnapshots>`) };
      }
      return { status: 200, body: response("DescribeDBSnapshots", "<DBSnapshots/>") };
    }
    case "DescribeDBInstances": {
      if (params.get("DBInstanceIdentifier") === "missing-db") {
        return { status: 404, body: errorResponse("DBInstanceNotFound", "DBInstance missing-db not found.") };
      }
      const instances =
        instanceXml("development-20261125-1230", "pending-reboot", "") +
        instanceXml("development-20261126-1230", "in-sync", "<DBInstanceClass>db.t3.large</DBInstanceClass>") +
        instanceXml("development-20261127-1230", "in-sync", "");
      return { status: 200, body: response("DescribeDBInstances", `<DBInstances>${instances}</DBInstances>`) };
    }
    default:
      return { status: 400, body: errorResponse("InvalidAction", `unexpected ${params.get("Action")}`) };
  }
}

let server: Server;
let rds: AwsRds;

/**
 * The adapter on a client pointed at the loopback server. One client for the whole file: the adaptive strategy's rate
 * limiter starts slow (about 2 s for the first retry) on a fresh client after a throttle.
 */
function loopbackRds(): AwsRds {
  const { port } = server.address() as AddressInfo;
  return new AwsRds(
    new RDSClient({
      region: "eu-west-1",
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" },
      retryMode: "adaptive",
      maxAttempts: 2,
    }),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      requests.push(params);
      const { status, body } = answer(params);
      res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": "5e6b1a0e" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  rds = loopbackRds();
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

beforeEach(() => {
  requests.length = 0;
  throttle = 0;
});

describe("AwsRds through the SDK's real deserialiser", () => {
  it("parses DescribeDBSnapshots XML across pages: id, millisecond timestamp, status, type, encryption, engine", async () => {
    const found = await rds.latestSnapshot({ instance: "production-db", types: ["automated", "manual"] });
    expect(found).toEqual({
      id: "rds:production-db-2026-11-24-03-10",
      arn: "arn:aws:rds:eu-west-1:111111111111:snapshot:rds:production-db-2026-11-24-03-10",
      type: "automated",
      status: "available",
      createdAt: new Date("2026-11-24T03:10:00.123Z"),
      encrypted: true,
      kmsKeyId: "arn:aws:kms:eu-west-1:111111111111:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      engine: "postgres",
    });
    expect(requests.map((p) => [p.get("SnapshotType"), p.get("Marker"), p.get("DBInstanceIdentifier")])).toEqual([
      ["automated", null, "production-db"],
      ["automated", "page-2", "production-db"],
      ["manual", null, "production-db"],
    ]);
  });

  it("parses DescribeDBInstances XML: endpoint, tags, create time, pending reboot (an empty PendingModifiedValues is none)", async () => {
    const found = await rds.describeInstances(["development-20261125-1230", "development-20261126-1230", "development-20261127-1230"]);
    expect(found.get("development-20261125-1230")).toEqual({
      id: "development-20261125-1230",
      arn: "arn:aws:rds:eu-west-1:111111111111:db:development-20261125-1230",
      status: "available",
      address: "development-20261125-1230.c9akciq32.eu-west-1.rds.amazonaws.com",
      port: 5432,
      tags: { "echo:managed": "development", "echo:generation": "development-20261125-1230", "echo:stage": "new" },
      pendingReboot: true,
      createdAt: new Date("2026-11-25T12:31:07.456Z"),
      // What hooks connect with, from the real response body.
      engine: "postgres",
      masterUsername: "postgres",
    });
    expect(found.get("development-20261126-1230")?.pendingReboot).toBe(true);
    expect(found.get("development-20261127-1230")?.pendingReboot).toBe(false);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.get("Filters.Filter.1.Name")).toBe("db-instance-id");
    expect(requests[0]?.get("Filters.Filter.1.Values.Value.3")).toBe("development-20261127-1230");
    expect(requests[0]?.get("MaxRecords")).toBe("100");
  });

  it("turns the wire error DBInstanceNotFound (HTTP 404) into undefined", async () => {
    expect(await rds.describeInstance("missing-db")).toBeUndefined();
  });

  it("retries a throttled call with the adaptive strategy and succeeds", async () => {
    throttle = 1;
    expect((await rds.describeInstance("development-20261125-1230"))?.id).toBe("development-20261125-1230");
    expect(requests).toHaveLength(2);
  });

  it("raises ThrottledError once every attempt was throttled", async () => {
    throttle = 2;
    const failure = rds.describeInstance("development-20261125-1230");
    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toThrow(/after 2 attempts \(Throttling: Rate exceeded\)/);
    expect(requests).toHaveLength(2);
  });
});
