import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { S3LeaseStore } from "../../../src/adapters/lease/s3-store.js";
import { s3Location } from "../../../src/adapters/lease/s3-url.js";
import { S3LockStore } from "../../../src/adapters/pulumi/s3-locks.js";

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

function failure(status: number, name: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: name });
}
const body = (text: string) => ({ transformToString: async () => text }) as never;

describe("s3:// backend URLs", () => {
  it("honours the bucket, the prefix and the query parameters the Pulumi CLI reads", () => {
    expect(s3Location("s3://echo-state/teams/db?region=eu-west-1&endpoint=http://127.0.0.1:5000&s3ForcePathStyle=true")).toEqual({
      bucket: "echo-state",
      prefix: "teams/db/",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:5000",
      forcePathStyle: true,
    });
    expect(s3Location("s3://echo-state")).toEqual({ bucket: "echo-state", prefix: "", forcePathStyle: false });
    expect(s3Location("s3://b?endpoint=minio.local:9000&disableSSL=true&use_path_style=true&profile=ops")).toMatchObject({ endpoint: "http://minio.local:9000", forcePathStyle: true, profile: "ops" });
    expect(s3Location("s3://b?endpoint=s3.example.com")?.endpoint).toBe("https://s3.example.com");
    expect(s3Location("file:///state")).toBeUndefined();
    expect(() => s3Location("s3://")).toThrow(/names no bucket/);
  });
});

describe("leases as S3 objects", () => {
  const location = s3Location("s3://echo-state/teams?endpoint=http://127.0.0.1:5000&s3ForcePathStyle=true")!;
  const store = () => new S3LeaseStore(new S3Client({ region: "eu-west-1" }), location, ".rds-echo/leases/rds-echo/");

  it("creates with If-None-Match: * and replaces with If-Match: <etag>, under the URL's prefix", async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"v2"' });
    expect(await store().create("development", "{}")).toBe('"v2"');
    expect(await store().replace("development", "{}", '"v1"')).toBe('"v2"');
    const [create, replace] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(create).toMatchObject({ Bucket: "echo-state", Key: "teams/.rds-echo/leases/rds-echo/development.json", IfNoneMatch: "*" });
    expect(replace).toMatchObject({ IfMatch: '"v1"' });
    expect(replace).not.toHaveProperty("IfNoneMatch");
  });

  it("a failed condition (412) or a concurrent conditional write (409) is a lost race; anything else names the call and the endpoint", async () => {
    s3.on(PutObjectCommand).rejectsOnce(failure(412, "PreconditionFailed")).rejectsOnce(failure(409, "ConditionalRequestConflict")).rejectsOnce(failure(403, "AccessDenied"));
    expect(await store().create("development", "{}")).toBeUndefined();
    expect(await store().replace("development", "{}", '"v1"')).toBeUndefined();
    await expect(store().replace("development", "{}", '"v1"')).rejects.toThrow(
      "S3 PutObject of s3://echo-state/teams/.rds-echo/leases/rds-echo/development.json at http://127.0.0.1:5000 (the backend URL's endpoint) failed: AccessDenied",
    );
  });

  it("reads the text with its ETag; a missing object is no lease", async () => {
    s3.on(GetObjectCommand).resolvesOnce({ Body: body("{}"), ETag: '"v3"' }).rejectsOnce(failure(404, "NoSuchKey"));
    expect(await store().read("development")).toEqual({ text: "{}", version: '"v3"' });
    expect(await store().read("development")).toBeUndefined();
  });
});

describe("Pulumi's locks in a bucket", () => {
  const location = s3Location("s3://echo-state/teams")!;

  it("lists the project's lock objects with their holders, across pages, and removes only the one asked", async () => {
    const root = "teams/.pulumi/locks/organization";
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: `${root}/rds-echo/development-20261204-1000/a1.json` }, { Key: `${root}/billing/other-stack/b.json` }], IsTruncated: true, NextContinuationToken: "t" })
      .resolvesOnce({ Contents: [{ Key: `${root}/rds-echo/development-20261204-1000/notes.txt` }], IsTruncated: false });
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify({ pid: 7, hostname: "host-a", timestamp: "2026-12-04T10:00:00Z" })) });
    s3.on(DeleteObjectCommand).resolves({});
    const locks = new S3LockStore(new S3Client({ region: "eu-west-1" }), location);
    const held = await locks.held("rds-echo");
    expect(held).toEqual([
      { stack: "development-20261204-1000", file: `s3://echo-state/${root}/rds-echo/development-20261204-1000/a1.json`, pid: 7, hostname: "host-a", timestamp: "2026-12-04T10:00:00Z" },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command)[1]!.args[0].input).toMatchObject({ Prefix: "teams/.pulumi/locks/", ContinuationToken: "t" });
    await locks.remove(held[0]!);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: "echo-state", Key: `${root}/rds-echo/development-20261204-1000/a1.json` }]);
    await expect(locks.remove({ stack: "x", file: "s3://other/k" })).rejects.toThrow(/not a lock of the bucket echo-state/);
  });
});
