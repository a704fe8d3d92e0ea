/**
 * The backends the engine suite runs its shared-state cases on: a `file://` directory and an `s3://` bucket in moto
 * (created per checkout, versioned as the README recommends). RDS_ECHO_ENGINE_BACKENDS=file (or s3) narrows a run.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { lockFiles, suite } from "./suite.js";

export type BackendKind = "file" | "s3";

/** The backends this run covers: both unless RDS_ECHO_ENGINE_BACKENDS names some. */
export const BACKENDS: readonly BackendKind[] = (() => {
  const asked = (process.env["RDS_ECHO_ENGINE_BACKENDS"] ?? "file,s3").split(",").map((b) => b.trim());
  const kinds = asked.filter((b): b is BackendKind => b === "file" || b === "s3");
  if (kinds.length === 0) throw new Error(`RDS_ECHO_ENGINE_BACKENDS names no backend (file, s3): ${asked.join(",")}`);
  return kinds;
})();

function s3(): S3Client {
  const { motoEnv, motoEndpoint } = suite();
  return new S3Client({ region: motoEnv["AWS_REGION"]!, endpoint: motoEndpoint, forcePathStyle: true, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

/** A fresh bucket in moto (after its reset), and the backend URL a team would write for it. */
export async function s3Backend(): Promise<string> {
  const { motoEnv, motoEndpoint } = suite();
  const region = motoEnv["AWS_REGION"]!;
  const bucket = `rds-echo-state-${randomUUID().slice(0, 8)}`;
  const client = s3();
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region as never } }));
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  } finally {
    client.destroy();
  }
  return `s3://${bucket}?endpoint=${motoEndpoint}&s3ForcePathStyle=true&region=${region}`;
}

/** The backend URL for a new checkout of this kind: undefined (the checkout's own file backend) or a new bucket. */
export async function backendFor(kind: BackendKind): Promise<string | undefined> {
  return kind === "s3" ? s3Backend() : undefined;
}

function bucketOf(backendUrl: string): string {
  return new URL(backendUrl).hostname;
}

/** The Pulumi lock files (or objects) of the project's stacks in a file or S3 backend. */
export async function locksIn(backendUrl: string): Promise<string[]> {
  if (!backendUrl.startsWith("s3://")) return lockFiles(backendUrl);
  const client = s3();
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucketOf(backendUrl), Prefix: ".pulumi/locks/" }));
    return (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith(".json"));
  } finally {
    client.destroy();
  }
}

/** The echo's lease as stored in an S3 backend (see src/adapters/lease), or undefined. */
export async function leaseIn(backendUrl: string, echo: string): Promise<{ holder: { host: string; pid: number }; expires: string; released?: string } | undefined> {
  const client = s3();
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

/** A backend object's text (a path under the state directory, or a key in the bucket), or undefined when absent. */
export async function backendObject(backendUrl: string, key: string): Promise<string | undefined> {
  if (!backendUrl.startsWith("s3://")) {
    try {
      return readFileSync(path.join(backendUrl.replace(/^file:\/\//, ""), key), "utf8");
    } catch {
      return undefined;
    }
  }
  const client = s3();
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucketOf(backendUrl), Key: key }));
    return (await got.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchKey") return undefined;
    throw error;
  } finally {
    client.destroy();
  }
}

/** Writes a backend object (file or S3), as the bench's seeding does. */
export async function putBackendObject(backendUrl: string, key: string, text: string): Promise<void> {
  if (!backendUrl.startsWith("s3://")) {
    const file = path.join(backendUrl.replace(/^file:\/\//, ""), key);
    mkdirSync(path.dirname(file), { recursive: true });
    return writeFileSync(file, text);
  }
  const client = s3();
  try {
    await client.send(new PutObjectCommand({ Bucket: bucketOf(backendUrl), Key: key, Body: text }));
  } finally {
    client.destroy();
  }
}

/**
 * Back-dates a stack's last update, as if its last operation (a retire's destroy) ran at `time`: the checkpoint's
 * manifest time, which is what the diy backend's `stack ls` reports as lastUpdate (pkg/backend/diy). The way to
 * reach `retire.archiveAfter` (at least an hour) within a test.
 */
export async function backdateStack(backendUrl: string, stack: string, time: Date): Promise<void> {
  const key = `.pulumi/stacks/rds-echo/${stack}.json`;
  const text = await backendObject(backendUrl, key);
  if (text === undefined) throw new Error(`no checkpoint ${key} in ${backendUrl}`);
  const checkpoint = JSON.parse(text) as { checkpoint: { latest: { manifest: { time: string } } } };
  checkpoint.checkpoint.latest.manifest.time = time.toISOString();
  await putBackendObject(backendUrl, key, JSON.stringify(checkpoint));
}

/** The keys under a prefix ending in "/" (files below the directory, or objects), relative to the backend's root. */
export async function backendKeys(backendUrl: string, prefix: string): Promise<string[]> {
  if (!backendUrl.startsWith("s3://")) {
    const root = backendUrl.replace(/^file:\/\//, "");
    try {
      return readdirSync(path.join(root, prefix), { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => path.relative(root, path.join(d.parentPath, d.name)));
    } catch {
      return [];
    }
  }
  const client = s3();
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucketOf(backendUrl), Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  } finally {
    client.destroy();
  }
}
