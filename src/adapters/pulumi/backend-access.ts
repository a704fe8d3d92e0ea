/**
 * What rds-echo itself reads and writes in a Pulumi backend, beside the CLI: its leases, its archives of retired
 * generations and Pulumi's lock files. A
 * `file://` backend is a directory, an `s3://` one a bucket reached as the URL says; other backends (Pulumi Cloud,
 * gs://, azblob://) offer rds-echo neither, and a run there holds no lease (README, Shared backends).
 */
import path from "node:path";
import { UsageError } from "../../errors.js";
import { PROJECT } from "../../program/project.js";
import { DEFAULT_LEASE_TTL_MS } from "../lease/lease.js";
import { FileLeaseStore } from "../lease/file-store.js";
import type { LeaseStore } from "../lease/store.js";
import { s3Location } from "../lease/s3-url.js";
import { fileBackendDir, FileLockStore, type LockStore } from "./locks.js";
import { FileObjects, type BackendObjects } from "./latest-config.js";
import { FileArchiveStore, type ArchiveStore } from "./archive-store.js";

export interface BackendAccess {
  readonly leases?: LeaseStore;
  readonly locks?: LockStore;
  /** The backend's own objects, for what rds-echo reads of Pulumi's state in process (latest-config.ts). */
  readonly objects?: BackendObjects;
  /** Where retired generations' histories go after retire.archiveAfter (archive-store.ts). */
  readonly archive?: ArchiveStore;
}

/** Where in a backend rds-echo keeps its leases, beside Pulumi's own `.pulumi/`. */
export const LEASES_DIR = `.rds-echo/leases/${PROJECT}`;
/** Where it keeps each echo's archive. */
export const ARCHIVE_DIR = `.rds-echo/archive/${PROJECT}`;

export async function backendAccess(backendUrl: string, env: Readonly<Record<string, string | undefined>>): Promise<BackendAccess> {
  const stateDir = fileBackendDir(backendUrl);
  if (stateDir !== undefined) {
    return {
      leases: new FileLeaseStore(path.join(stateDir, LEASES_DIR)),
      locks: new FileLockStore(stateDir),
      objects: new FileObjects(stateDir),
      archive: new FileArchiveStore(path.join(stateDir, ARCHIVE_DIR)),
    };
  }
  const location = s3Location(backendUrl);
  if (location === undefined) return {};
  const [{ s3ClientFor }, { S3LeaseStore }, { S3LockStore }, { S3Objects }, { VersionedArchiveStore }] = await Promise.all([
    import("../lease/s3-client.js"),
    import("../lease/s3-store.js"),
    import("./s3-locks.js"),
    import("./s3-objects.js"),
    import("./versioned-archive.js"),
  ]);
  const client = await s3ClientFor(location, env);
  // One client for the run; its idle sockets do not keep the process alive.
  const objects = new S3Objects(client, location);
  return {
    leases: new S3LeaseStore(client, location, `${LEASES_DIR}/`),
    locks: new S3LockStore(client, location, objects),
    objects,
    // The archive is written as leases are: one object per echo, compare-and-swap on its ETag.
    archive: new VersionedArchiveStore(new S3LeaseStore(client, location, `${ARCHIVE_DIR}/`)),
  };
}

/** The lease's time to live: RDS_ECHO_LEASE_TTL in seconds (at least 3), else the default of a few minutes. */
export function leaseTtlMs(env: Readonly<Record<string, string | undefined>>): number {
  const text = env["RDS_ECHO_LEASE_TTL"];
  if (text === undefined || text.trim() === "") return DEFAULT_LEASE_TTL_MS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 3 || seconds > 86_400) {
    throw new UsageError(`RDS_ECHO_LEASE_TTL must be a whole number of seconds from 3 to 86400 (got ${text})`);
  }
  return seconds * 1_000;
}
