/**
 * An archive kept in a compare-and-swap object store; for an `s3://` backend's archive: the echo's archive document as one object under the backend's prefix
 * (`.rds-echo/archive/<project>/<echo>.json`), written with S3's conditional writes exactly as leases are (the same
 * compare-and-swap store, lease/s3-store.ts: `If-None-Match: *` for the first archive, `If-Match: <etag>` after).
 * With the bucket versioned (README, Shared backends) every earlier archive stays restorable.
 */
import { ArchiveConflictError, type ArchiveObject, type ArchiveStore } from "./archive-store.js";
import type { LeaseStore } from "../lease/store.js";

export class VersionedArchiveStore implements ArchiveStore {
  /** @param objects a compare-and-swap store of one object per echo (its `where` ends in "/") */
  constructor(private readonly objects: LeaseStore) {}

  where(echo: string): string {
    return `${this.objects.where}${echo}.json`;
  }

  async read(echo: string): Promise<ArchiveObject> {
    const got = await this.objects.read(echo);
    return got === undefined ? {} : { text: got.text, version: got.version };
  }

  async write(echo: string, text: string, version: string | undefined): Promise<void> {
    const written = version === undefined ? await this.objects.create(echo, text) : await this.objects.replace(echo, text, version);
    if (written === undefined) throw new ArchiveConflictError(this.where(echo));
  }
}
