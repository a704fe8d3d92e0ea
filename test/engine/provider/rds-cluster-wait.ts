/**
 * The waiters of internal/service/rds/cluster.go (`waitDBClusterCreated`, `waitDBClusterUpdated`,
 * `waitDBClusterDeleted`: StateChangeConf over `statusDBCluster`, find by identifier) and of cluster_instance.go
 * (`waitDBClusterInstanceCreated/Updated/Deleted` over `statusDBInstance`). Polling as in rds-wait.ts: the operation's
 * custom timeout or the schema's, but RDS_ECHO_STANDIN_POLL_MS between polls instead of upstream's 10–30 s (moto answers at once).
 * GUESS: ContinuousTargetOccurence 1 for clusters (upstream sets none on the cluster waiters).
 */
import { timeoutMs } from "./operation-timeouts.js";
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type DBCluster, type DBInstance, type RDSClient } from "@aws-sdk/client-rds";
import { isNotFound } from "./rds-wait.js";
import { sleep } from "./values.js";

export const CLUSTER_TIMEOUTS_MS = { create: 120 * 60_000, update: 120 * 60_000, delete: 120 * 60_000 } as const;
export const CLUSTER_INSTANCE_TIMEOUTS_MS = { create: 90 * 60_000, update: 90 * 60_000, delete: 90 * 60_000 } as const;

const CLUSTER_CREATED_PENDING = ["backing-up", "creating", "migrating", "modifying", "preparing-data-migration", "rebooting", "resetting-master-credentials"];
const CLUSTER_UPDATED_PENDING = ["backing-up", "configuring-iam-database-auth", "modifying", "renaming", "resetting-master-credentials", "scaling-compute", "upgrading"];
const CLUSTER_DELETED_PENDING = ["available", "backing-up", "deleting", "modifying"];
const INSTANCE_AVAILABLE_PENDING = [
  "backing-up", "configuring-enhanced-monitoring", "configuring-iam-database-auth", "configuring-log-exports", "creating", "maintenance",
  "modifying", "rebooting", "renaming", "resetting-master-credentials", "starting", "storage-optimization", "upgrading",
];
const INSTANCE_DELETED_PENDING = ["configuring-log-exports", "modifying", "deleting"];

const pollMs = () => {
  const raw = Number(process.env["RDS_ECHO_STANDIN_POLL_MS"] ?? "");
  return Number.isFinite(raw) && raw >= 0 && process.env["RDS_ECHO_STANDIN_POLL_MS"] !== "" ? raw : 250;
};

export function isClusterNotFound(error: unknown): boolean {
  return error instanceof Error && (error.name === "DBClusterNotFoundFault" || error.name === "DBClusterNotFound");
}

/** `findDBClusterByID`; undefined when RDS has no such cluster. */
export async function findCluster(rds: RDSClient, identifier: string): Promise<DBCluster | undefined> {
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
    return out.DBClusters?.[0];
  } catch (error) {
    if (isClusterNotFound(error)) return undefined;
    throw error;
  }
}

/** `findDBInstanceByIDSDKv1` as cluster_instance.go uses it: the id is the instance identifier. */
export async function findClusterInstance(rds: RDSClient, identifier: string): Promise<DBInstance | undefined> {
  try {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    return out.DBInstances?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function waitFor<T>(what: string, find: () => Promise<T | undefined>, statusOf: (found: T) => string, pending: readonly string[], target: string | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let notFound = 0;
  for (;;) {
    const found = await find();
    if (found === undefined) {
      if (target === undefined) return undefined;
      // StateChangeConf's default NotFoundChecks (20).
      if (++notFound > 20) throw new Error(`${what}: not found`);
    } else {
      const status = statusOf(found);
      if (status === target) return found;
      if (!pending.includes(status)) throw new Error(`${what}: unexpected state '${status}', wanted target '${target ?? ""}'`);
    }
    if (Date.now() > deadline) throw new Error(`timeout while waiting for ${what}`);
    await sleep(pollMs());
  }
}

export async function waitClusterAvailable(rds: RDSClient, identifier: string, phase: "created" | "updated"): Promise<DBCluster> {
  const pending = phase === "created" ? CLUSTER_CREATED_PENDING : CLUSTER_UPDATED_PENDING;
  // `waitDBClusterUpdated` also waits until PendingModifiedValues is empty: a cluster reads `available` while a
  // change it accepted is still to be applied. Reported as its own pending state until then.
  const statusOf = (c: DBCluster) => (phase === "updated" && c.Status === "available" && hasPendingModifications(c) ? "pending-modifications" : (c.Status ?? ""));
  const waitPending = phase === "updated" ? [...pending, "pending-modifications"] : pending;
  const found = await waitFor(`RDS Cluster (${identifier}) ${phase}`, () => findCluster(rds, identifier), statusOf, waitPending, "available", timeoutMs(phase === "created" ? "create" : "update", phase === "created" ? CLUSTER_TIMEOUTS_MS.create : CLUSTER_TIMEOUTS_MS.update));
  if (!found) throw new Error(`RDS Cluster (${identifier}) not found`);
  return found;
}

export async function waitClusterDeleted(rds: RDSClient, identifier: string): Promise<void> {
  await waitFor(`RDS Cluster (${identifier}) delete`, () => findCluster(rds, identifier), (c) => c.Status ?? "", CLUSTER_DELETED_PENDING, undefined, timeoutMs("delete", CLUSTER_TIMEOUTS_MS.delete));
}

export async function waitClusterInstanceAvailable(rds: RDSClient, identifier: string): Promise<DBInstance> {
  const found = await waitFor(`RDS Cluster Instance (${identifier})`, () => findClusterInstance(rds, identifier), (i) => i.DBInstanceStatus ?? "", INSTANCE_AVAILABLE_PENDING, "available", timeoutMs("create", CLUSTER_INSTANCE_TIMEOUTS_MS.create));
  if (!found) throw new Error(`RDS Cluster Instance (${identifier}) not found`);
  return found;
}

export async function waitClusterInstanceDeleted(rds: RDSClient, identifier: string): Promise<void> {
  await waitFor(`RDS Cluster Instance (${identifier}) delete`, () => findClusterInstance(rds, identifier), (i) => i.DBInstanceStatus ?? "", INSTANCE_DELETED_PENDING, undefined, timeoutMs("delete", CLUSTER_INSTANCE_TIMEOUTS_MS.delete));
}

/** Whether RDS still lists changes to apply (any field of PendingModifiedValues set). */
export function hasPendingModifications(cluster: DBCluster): boolean {
  return Object.values(cluster.PendingModifiedValues ?? {}).some((v) => v !== undefined && v !== null);
}
