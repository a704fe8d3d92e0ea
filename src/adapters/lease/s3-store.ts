/**
 * Leases as S3 objects, written with S3's conditional writes: `If-None-Match: *` creates one only when the key is
 * absent, `If-Match: <etag>` replaces it only when it is still the version read. S3 answers 412 (or 409 when two
 * such writes race) to the loser, which is the run that did not get the lease.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "./s3-url.js";
import type { LeaseStore, Versioned } from "./store.js";

export class S3LeaseStore implements LeaseStore {
  readonly where: string;

  /** @param keyPrefix under the backend's prefix, ending in "/" */
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    private readonly keyPrefix: string,
  ) {
    this.where = `s3://${location.bucket}/${location.prefix}${keyPrefix}`;
  }

  async read(name: string): Promise<Versioned | undefined> {
    const key = this.#key(name);
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      const text = (await got.Body?.transformToString("utf8")) ?? "";
      if (got.ETag === undefined) throw new Error("S3 returned no ETag");
      return { text, version: got.ETag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw s3Error("GetObject", this.location, key, error);
    }
  }

  create(name: string, text: string): Promise<string | undefined> {
    return this.#put(name, text, { IfNoneMatch: "*" });
  }

  replace(name: string, text: string, version: string): Promise<string | undefined> {
    return this.#put(name, text, { IfMatch: version });
  }

  async #put(name: string, text: string, condition: { IfNoneMatch: string } | { IfMatch: string }): Promise<string | undefined> {
    const key = this.#key(name);
    try {
      const put = await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: text, ContentType: "application/json", ...condition }));
      if (put.ETag === undefined) throw new Error("S3 returned no ETag");
      return put.ETag;
    } catch (error) {
      const status = statusOf(error);
      // 412: the condition failed; 409: a concurrent conditional write to the key won (ConditionalRequestConflict).
      if (status === 412 || status === 409) return undefined;
      throw s3Error("PutObject", this.location, key, error);
    }
  }

  #key(name: string): string {
    return `${this.location.prefix}${this.keyPrefix}${name}.json`;
  }
}

/** The HTTP status of an SDK error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  const metadata: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "$metadata") : undefined;
  const status: unknown = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "httpStatusCode") : undefined;
  return typeof status === "number" ? status : undefined;
}

/** An error naming the call, the object and the endpoint it went to. */
export function s3Error(operation: string, location: S3Location, key: string, error: unknown): Error {
  const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const endpoint = location.endpoint ? ` at ${location.endpoint} (the backend URL's endpoint)` : "";
  return new Error(`S3 ${operation} of s3://${location.bucket}/${key}${endpoint} failed: ${name}`, { cause: error });
}
