/**
 * What the image tests read back from moto and from the S3 backend in it: the echo's instances, the CNAME, the
 * backend's bucket, its Pulumi locks and the echo's lease. The engine suite's harness reads the same through its
 * injected context; these take the endpoint explicitly, as the deploy suite has no global setup of its own.
 */
import { randomUUID } from "node:crypto";
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from "@aws-sdk/client-rds";
import { ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketVersioningCommand, S3Client } from "@aws-sdk/client-s3";

export interface MotoAt {
  readonly endpoint: string;
  readonly region: string;
}

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
/** Every call to moto ends: moto answers on loopback in milliseconds, so seconds mean it is gone. */
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 30_000 };

export async function echoInstances(moto: MotoAt, echo = "development"): Promise<DBInstance[]> {
  const rds = new RDSClient({ region: moto.region, endpoint: moto.endpoint, credentials, requestHandler });
  try {
    const all = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    return all.filter((i) => i.DBInstanceIdentifier?.startsWith(`${echo}-`));
  } finally {
    rds.destroy();
  }
}

export function tagsOf(instance: Pick<DBInstance, "TagList">): Record<string, string> {
  return Object.fromEntries((instance.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/** The CNAME's live target (without the trailing dot), or undefined. */
export async function cnameTarget(moto: MotoAt, zoneId: string, name: string): Promise<string | undefined> {
  const route53 = new Route53Client({ region: moto.region, endpoint: moto.endpoint, credentials, requestHandler });
  try {
    const sets = (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];
    const record = sets.find((s) => s.Type === "CNAME" && s.Name?.replace(/\.$/, "") === name);
    return record?.ResourceRecords?.[0]?.Value?.replace(/\.$/, "");
  } finally {
    route53.destroy();
  }
}

function s3(moto: MotoAt): S3Client {
  return new S3Client({ region: moto.region, endpoint: moto.endpoint, forcePathStyle: true, credentials, requestHandler });
}

/** A new versioned bucket in moto and the backend URL a team would write for it (README, Shared backends). */
export async function s3Backend(moto: MotoAt): Promise<string> {
  const bucket = `rds-echo-state-${randomUUID().slice(0, 8)}`;
  const client = s3(moto);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: moto.region as never } }));
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  } finally {
    client.destroy();
  }
  return `s3://${bucket}?endpoint=${moto.endpoint}&s3ForcePathStyle=true&region=${moto.region}`;
}

const bucketOf = (backendUrl: string) => new URL(backendUrl).hostname;

/** The Pulumi lock objects of the project's stacks in the backend. */
export async function locksIn(moto: MotoAt, backendUrl: string): Promise<string[]> {
  const client = s3(moto);
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucketOf(backendUrl), Prefix: ".pulumi/locks/" }));
    return (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith(".json"));
  } finally {
    client.destroy();
  }
}

export interface StoredLease {
  readonly holder: { readonly host: string; readonly pid: number };
  readonly expires: string;
  readonly released?: string;
}

/** The echo's lease object in the backend (src/adapters/lease), or undefined. */
export async function leaseIn(moto: MotoAt, backendUrl: string, echo: string): Promise<StoredLease | undefined> {
  const client = s3(moto);
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucketOf(backendUrl), Key: `.rds-echo/leases/rds-echo/${echo}.json` }));
    return JSON.parse((await got.Body?.transformToString("utf8")) ?? "null") ?? undefined;
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchKey") return undefined;
    throw error;
  } finally {
    client.destroy();
  }
}

/** Polls `check` until it holds, or fails after `timeoutMs`, for outcomes a container brings about. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
