/**
 * What leases need of a backend: one small object per name, created only when absent and replaced only when it is
 * still the version read (compare-and-swap). S3 does it with conditional writes (s3-store.ts), a directory with an
 * exclusive create (file-store.ts). Every method names where it works in its errors.
 */
export interface Versioned {
  readonly text: string;
  /** Opaque: the S3 ETag, or the file store's sequence number. */
  readonly version: string;
}

export interface LeaseStore {
  /** Where the leases are, for people: `s3://bucket/.rds-echo/leases/rds-echo`, a directory. */
  readonly where: string;
  read(name: string): Promise<Versioned | undefined>;
  /** Writes the object only when none exists; undefined when one does (another run was first). */
  create(name: string, text: string): Promise<string | undefined>;
  /** Replaces the object only when it is still at `version`; undefined when it is not (another run wrote it). */
  replace(name: string, text: string, version: string): Promise<string | undefined>;
}
