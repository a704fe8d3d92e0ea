/**
 * An `s3://` backend's objects as BackendObjects (latest-config.ts): the keys under the backend URL's prefix, read
 * with the run's one S3 client (backend-access.ts), each call bounded as that client is (lease/s3-client.ts).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "../lease/s3-url.js";
import { s3Error, statusOf } from "../lease/s3-store.js";
import type { BackendObjects } from "./latest-config.js";

export class S3Objects implements BackendObjects {
  readonly where: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.where = `s3://${location.bucket}/${location.prefix}`;
  }

  async keys(prefix: string): Promise<string[]> {
    const full = `${this.location.prefix}${prefix}`;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: full, ...(token ? { ContinuationToken: token } : {}) }));
      } catch (error) {
        throw s3Error("ListObjectsV2", this.location, full, error);
      }
      for (const { Key: key } of page.Contents ?? []) if (key?.startsWith(this.location.prefix)) keys.push(key.slice(this.location.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }

  async text(key: string): Promise<string | undefined> {
    const full = `${this.location.prefix}${key}`;
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: full }));
      return (await got.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw s3Error("GetObject", this.location, full, error);
    }
  }
}
