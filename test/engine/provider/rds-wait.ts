/**
 * The waiters of internal/service/rds/instance.go: `waitDBInstanceAvailableSDKv1/SDKv2` and `waitDBInstanceDeleted`,
 * each a `retry.StateChangeConf` over `statusDBInstance…` (find by DbiResourceId, `DBInstanceStatus`).
 * Pending and target statuses are the upstream lists; any other status fails the wait, as StateChangeConf does
 * ("unexpected state"). `ContinuousTargetOccurence: 3` is kept: a target status must be seen three polls in a row.
 *
 * Deviation, on purpose: upstream waits 1 min before the first poll (`Delay`) and polls every 10 s; the stand-in
 * waits RDS_ECHO_STANDIN_FIRST_POLL_MS (default 0) and polls every RDS_ECHO_STANDIN_POLL_MS (default 250 ms), so a
 * suite against moto takes seconds. A case that must catch the provider mid-operation (a kill during a create or an
 * update) sets the first delay: moto makes an instance available at once, where real RDS takes minutes. The timeouts are
 * the resource's custom ones for the operation in flight (operation-timeouts.ts: the engine sends them in the request),
 * else the schema's defaults (create 40 min, update 80 min, delete 60 min).
 */
import { DescribeDBInstancesCommand, type DBInstance, type RDSClient } from "@aws-sdk/client-rds";
import { sleep } from "./values.js";

export const AVAILABLE_PENDING = [
  "backing-up", "configuring-enhanced-monitoring", "configuring-iam-database-auth", "configuring-log-exports", "creating",
  "maintenance", "modifying", "moving-to-vpc", "rebooting", "renaming", "resetting-master-credentials", "starting",
  "stopping", "storage-full", "upgrading",
] as const;
export const AVAILABLE_TARGET = ["available", "storage-optimization"] as const;
export const DELETED_PENDING = [
  "available", "backing-up", "configuring-enhanced-monitoring", "configuring-log-exports", "creating", "delete-precheck",
  "deleting", "incompatible-parameters", "incompatible-restore", "modifying", "starting", "stopping", "storage-full",
  "storage-optimization",
] as const;

export const TIMEOUTS_MS = { create: 40 * 60_000, update: 80 * 60_000, delete: 60 * 60_000 } as const;
const CONTINUOUS_TARGET_OCCURRENCE = 3;
/** StateChangeConf's default `NotFoundChecks`: how many "not found" polls a wait for a target state tolerates. */
const NOT_FOUND_CHECKS = 20;

function msFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const fromEnv = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : fallback;
}

const pollMs = () => msFromEnv("RDS_ECHO_STANDIN_POLL_MS", 250);
/** Upstream's `Delay` before a waiter's first poll. */
const firstPollMs = () => msFromEnv("RDS_ECHO_STANDIN_FIRST_POLL_MS", 0);

/**
 * A window that exists upstream too (the interceptor's AddTagsToResource, then the update's ModifyDBInstance: two
 * calls, each a round trip to AWS), widened for a case that must kill the provider inside it:
 * RDS_ECHO_STANDIN_PAUSE_AFTER_TAGS=`<identifier>=<ms>` pauses an update of that instance after its tags are written.
 */
export async function pauseAfterTags(identifier: string): Promise<void> {
  const [name, ms] = (process.env["RDS_ECHO_STANDIN_PAUSE_AFTER_TAGS"] ?? "").split("=");
  if (name === identifier && Number(ms) > 0) await sleep(Number(ms));
}

/**
 * A create wait that fails as a real one can (credentials that expired during a long restore, a timeout shorter than
 * the restore: moto makes an instance available at once, so neither happens by itself):
 * RDS_ECHO_STANDIN_FAIL_CREATE_WAIT=`<identifier prefix>` fails the first wait of a create of such an instance with
 * StateChangeConf's timeout message.
 */
export async function failWaitForTest(identifier: string): Promise<void> {
  const prefix = process.env["RDS_ECHO_STANDIN_FAIL_CREATE_WAIT"];
  if (prefix && identifier.startsWith(prefix)) {
    throw new Error(`timeout while waiting for state to become 'available, storage-optimization' (last state: 'creating', timeout: 40m0s)`);
  }
}

const DBI_RESOURCE_ID = /^db-[0-9A-Za-z]{2,255}$/;

/**
 * MOTO: moto 5.2.5 gives EVERY DB instance the same DbiResourceId (moto/rds/models.py, `DBInstance.__init__`:
 * `self.dbi_resource_id = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U"`), so a `dbi-resource-id` lookup returns all of them,
 * where real RDS returns exactly one. For that one id, and only for it, the stand-in narrows the answer to the
 * instance with the identifier the caller knows (the state's, or the inputs'); real AWS never needs this.
 */
export const MOTO_SHARED_DBI_RESOURCE_ID = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U";

/**
 * `findDBInstanceByIDSDKv2`: an id that looks like a DbiResourceId is looked up with the `dbi-resource-id` filter,
 * falling back to an identifier lookup (an identifier may itself start with `db-`); anything else is an identifier.
 * Undefined when RDS has no such instance. `identifier` serves only the moto quirk above.
 */
export async function findInstance(rds: RDSClient, id: string, identifier?: string): Promise<DBInstance | undefined> {
  const byIdentifier = async () => {
    try {
      const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      return out.DBInstances?.[0];
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  if (!DBI_RESOURCE_ID.test(id)) return byIdentifier();
  const out = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "dbi-resource-id", Values: [id] }] }));
  let found = out.DBInstances ?? [];
  if (id === MOTO_SHARED_DBI_RESOURCE_ID) {
    if (identifier === undefined && found.length > 1) {
      throw new Error(`moto gives every DB instance the resource id ${id}; the stand-in needs the instance's identifier (from the state or inputs) to tell them apart`);
    }
    if (identifier !== undefined) found = found.filter((instance) => instance.DBInstanceIdentifier === identifier.toLowerCase());
    return found[0];
  }
  // `AssertSingleValueResult`.
  if (found.length > 1) throw new Error(`RDS returned ${found.length} DB instances for resource id ${id}`);
  return found[0] ?? (await byIdentifier());
}

export function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === "DBInstanceNotFoundFault" || error.name === "DBInstanceNotFound");
}

export async function waitAvailable(rds: RDSClient, id: string, timeoutMs: number, identifier?: string): Promise<DBInstance> {
  const deadline = Date.now() + timeoutMs;
  await sleep(firstPollMs());
  let seen = 0;
  let notFound = 0;
  for (;;) {
    const instance = await findInstance(rds, id, identifier);
    const status = instance?.DBInstanceStatus ?? "";
    if (!instance) {
      if (++notFound > NOT_FOUND_CHECKS) throw new Error(`RDS DB Instance (${id}) not found while waiting for it to be available`);
      seen = 0;
    } else if ((AVAILABLE_TARGET as readonly string[]).includes(status)) {
      if (++seen >= CONTINUOUS_TARGET_OCCURRENCE) return instance;
    } else if ((AVAILABLE_PENDING as readonly string[]).includes(status)) {
      seen = 0;
    } else {
      throw new Error(`unexpected state '${status}', wanted target '${AVAILABLE_TARGET.join(", ")}'`);
    }
    if (Date.now() > deadline) throw new Error(`timeout while waiting for RDS DB Instance (${id}) to become available (last state: '${status}')`);
    await sleep(pollMs());
  }
}

export async function waitDeleted(rds: RDSClient, id: string, timeoutMs: number, identifier?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await sleep(firstPollMs());
  for (;;) {
    const instance = await findInstance(rds, id, identifier);
    if (!instance) return;
    const status = instance.DBInstanceStatus ?? "";
    if (!(DELETED_PENDING as readonly string[]).includes(status)) throw new Error(`unexpected state '${status}', wanted target ''`);
    if (Date.now() > deadline) throw new Error(`timeout while waiting for RDS DB Instance (${id}) to be deleted (last state: '${status}')`);
    await sleep(pollMs());
  }
}
