/**
 * The Pulumi locks of an `s3://` backend: the DIY backend keeps them in the bucket as it does in a directory,
 * `.pulumi/locks/<organization>/<project>/<stack>/<id>.json` under the URL's prefix (pkg/backend/diy/lock.go).
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "../lease/s3-url.js";
import { s3Error, statusOf } from "../lease/s3-store.js";
import { parseLockContent, type LockStore, type StackLock } from "./locks.js";

export class S3LockStore implements LockStore {
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {}

  async held(project: string): Promise<StackLock[]> {
    const root = `${this.location.prefix}.pulumi/locks/`;
    const locks: StackLock[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: root, ...(token ? { ContinuationToken: token } : {}) }));
      } catch (error) {
        throw s3Error("ListObjectsV2", this.location, root, error);
      }
      for (const { Key: key } of page.Contents ?? []) {
        const parts = key?.slice(root.length).split("/");
        // <organization>/<project>/<stack>/<id>.json
        if (key === undefined || parts?.length !== 4 || parts[1] !== project || !parts[3]!.endsWith(".json")) continue;
        locks.push({ stack: parts[2]!, file: `s3://${this.location.bucket}/${key}`, ...(await this.#content(key)) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return locks;
  }

  async remove(lock: StackLock): Promise<void> {
    const key = this.#keyOf(lock);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    } catch (error) {
      throw s3Error("DeleteObject", this.location, key, error);
    }
  }

  async #content(key: string): Promise<Omit<StackLock, "stack" | "file">> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return parseLockContent((await got.Body?.transformToString("utf8")) ?? "");
    } catch (error) {
      // Removed between the listing and the read: the holder finished. It still counts as held (the safe mistake).
      if (statusOf(error) === 404) return {};
      throw s3Error("GetObject", this.location, key, error);
    }
  }

  #keyOf(lock: StackLock): string {
    const prefix = `s3://${this.location.bucket}/`;
    if (!lock.file.startsWith(prefix)) throw new Error(`${lock.file} is not a lock of the bucket ${this.location.bucket}`);
    return lock.file.slice(prefix.length);
  }
}
