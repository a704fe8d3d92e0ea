/**
 * The Pulumi locks of an `s3://` backend: the DIY backend keeps them in the bucket as it does in a directory,
 * `.pulumi/locks/<organization>/<project>/<stack>/<id>.json` under the URL's prefix (pkg/backend/diy/lock.go).
 */
import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Location } from "../lease/s3-url.js";
import { s3Error } from "../lease/s3-store.js";
import { parseLockContent, type LockStore, type StackLock } from "./locks.js";
import { S3Objects } from "./s3-objects.js";

const LOCKS = ".pulumi/locks/";

export class S3LockStore implements LockStore {
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    // The listing and reads are the backend's objects', paged and bounded once there.
    private readonly objects = new S3Objects(client, location),
  ) {}

  async held(project: string): Promise<StackLock[]> {
    const locks: StackLock[] = [];
    for (const key of await this.objects.keys(LOCKS)) {
      // <organization>/<project>/<stack>/<id>.json
      const parts = key.slice(LOCKS.length).split("/");
      if (parts.length !== 4 || parts[1] !== project || !parts[3]!.endsWith(".json")) continue;
      // Removed between the listing and the read (the holder finished): it still counts as held (the safe mistake).
      const text = await this.objects.text(key);
      locks.push({ stack: parts[2]!, file: `s3://${this.location.bucket}/${this.location.prefix}${key}`, ...(text === undefined ? {} : parseLockContent(text)) });
    }
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

  #keyOf(lock: StackLock): string {
    const prefix = `s3://${this.location.bucket}/`;
    if (!lock.file.startsWith(prefix)) throw new Error(`${lock.file} is not a lock of the bucket ${this.location.bucket}`);
    return lock.file.slice(prefix.length);
  }
}
