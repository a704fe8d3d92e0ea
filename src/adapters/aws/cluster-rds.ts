/**
 * The Aurora half of the RDS port on the AWS SDK: clusters with their member instances (DescribeDBClusters, then
 * DescribeDBInstances filtered by `db-cluster-id` for the members' own statuses), and the latest cluster snapshot
 * (DescribeDBClusterSnapshots). Every SDK error leaves through mapAwsError.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  paginateDescribeDBClusterSnapshots,
  type DBCluster,
  type DBClusterSnapshot,
  type DescribeDBClusterSnapshotsCommandInput,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { SnapshotNotFoundError } from "../../errors.js";
import type { ClusterInfo, ClusterSnapshotSource, InstanceInfo, SnapshotInfo } from "../../ports.js";
import type { SnapshotType } from "../../definition/schema.js";
import { isAwsError, mapAwsError } from "./errors.js";
import { toInstanceInfo } from "./rds.js";

/** DescribeDBClusters and DescribeDBInstances return at most 100 records per page; a filter takes as many values. */
const BATCH = 100;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:/;
/** Cluster parameter group statuses that leave something for a reboot (as for an instance's DB parameter groups). */
const PENDING_APPLY_STATUSES = new Set(["pending-reboot", "applying"]);

async function call<T>(context: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw mapAwsError(error, context);
  }
}

/** One cluster with its members, or undefined when RDS has none by that id. */
export async function describeCluster(client: RDSClient, id: string): Promise<ClusterInfo | undefined> {
  let cluster: DBCluster | undefined;
  try {
    const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    cluster = out.DBClusters?.find((c) => c.DBClusterIdentifier === id) ?? out.DBClusters?.[0];
  } catch (error) {
    if (isAwsError(error) && error.name === "DBClusterNotFoundFault") return undefined;
    throw mapAwsError(error, `DescribeDBClusters ${id}`);
  }
  if (cluster?.DBClusterIdentifier === undefined) return undefined;
  const members = await membersOf(client, [cluster.DBClusterIdentifier]);
  return toClusterInfo(cluster, members);
}

/** Many clusters with their members: ceil(N/100) pages of each call. Missing ids are simply absent. */
export async function describeClusters(client: RDSClient, ids: readonly string[]): Promise<Map<string, ClusterInfo>> {
  const result = new Map<string, ClusterInfo>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += BATCH) {
    const batch = unique.slice(start, start + BATCH);
    const clusters: DBCluster[] = [];
    let marker: string | undefined;
    do {
      const input = { Filters: [{ Name: "db-cluster-id", Values: batch }], MaxRecords: BATCH, Marker: marker };
      const out = await call(`DescribeDBClusters (${batch.length} ids)`, () => client.send(new DescribeDBClustersCommand(input)));
      clusters.push(...(out.DBClusters ?? []));
      marker = out.Marker;
    } while (marker);
    if (clusters.length === 0) continue;
    const members = await membersOf(client, clusters.map((c) => c.DBClusterIdentifier!).filter(Boolean));
    for (const cluster of clusters) {
      const info = toClusterInfo(cluster, members);
      if (info) result.set(info.id, info);
    }
  }
  return result;
}

/** The member instances of some clusters (at most 100), all pages, by instance id. */
async function membersOf(client: RDSClient, clusterIds: readonly string[]): Promise<Map<string, InstanceInfo>> {
  const found = new Map<string, InstanceInfo>();
  let marker: string | undefined;
  do {
    const input = { Filters: [{ Name: "db-cluster-id", Values: [...clusterIds] }], MaxRecords: BATCH, Marker: marker };
    const out = await call(`DescribeDBInstances (members of ${clusterIds.length} clusters)`, () => client.send(new DescribeDBInstancesCommand(input)));
    for (const instance of out.DBInstances ?? []) {
      const info = toInstanceInfo(instance);
      if (info) found.set(info.id, info);
    }
    marker = out.Marker;
  } while (marker);
  return found;
}

/**
 * The port's view of a cluster. Members come in DBClusterMembers order with the writer moved first; a member's own
 * pending reboot includes its copy of the cluster parameter group (DBClusterMember.DBClusterParameterGroupStatus).
 */
export function toClusterInfo(cluster: DBCluster, instances: ReadonlyMap<string, InstanceInfo>): ClusterInfo | undefined {
  if (cluster.DBClusterIdentifier === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of cluster.TagList ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
  const listed = [...(cluster.DBClusterMembers ?? [])].sort((a, b) => Number(b.IsClusterWriter === true) - Number(a.IsClusterWriter === true));
  const members: InstanceInfo[] = [];
  for (const member of listed) {
    const instance = member.DBInstanceIdentifier === undefined ? undefined : instances.get(member.DBInstanceIdentifier);
    if (!instance) continue; // listed but not described (deleted between the two calls): not a member any more
    const clusterGroupPending = PENDING_APPLY_STATUSES.has(member.DBClusterParameterGroupStatus ?? "");
    members.push({ ...instance, pendingReboot: instance.pendingReboot || clusterGroupPending });
  }
  return {
    id: cluster.DBClusterIdentifier,
    arn: cluster.DBClusterArn,
    resourceId: cluster.DbClusterResourceId,
    status: cluster.Status ?? "unknown",
    address: cluster.Endpoint,
    readerAddress: cluster.ReaderEndpoint,
    port: cluster.Port,
    tags,
    pendingReboot: members.some((m) => m.pendingReboot),
    createdAt: cluster.ClusterCreateTime,
    engine: cluster.Engine,
    masterUsername: cluster.MasterUsername,
    dbName: cluster.DatabaseName,
    encrypted: cluster.StorageEncrypted === true,
    ...(cluster.StorageEncrypted && cluster.KmsKeyId ? { kmsKeyId: cluster.KmsKeyId } : {}),
    members,
  };
}

/** The newest available cluster snapshot of the source (every type asked for, all pages), or the explicit one. */
export async function latestClusterSnapshot(client: RDSClient, source: ClusterSnapshotSource): Promise<SnapshotInfo> {
  if (source.explicit !== undefined) return explicitClusterSnapshot(client, source.explicit);
  let newest: SnapshotInfo | undefined;
  for (const type of source.types) {
    for (const snapshot of await clusterSnapshotsOf(client, source.cluster, type)) {
      if (newest === undefined || snapshot.createdAt > newest.createdAt) newest = snapshot;
    }
  }
  if (newest === undefined) throw new SnapshotNotFoundError(`no available ${source.types.join("/")} cluster snapshot of ${source.cluster}`);
  return newest;
}

/** The explicit cluster snapshot (id or ARN), provided it exists and is available. */
async function explicitClusterSnapshot(client: RDSClient, reference: string): Promise<SnapshotInfo> {
  const input: DescribeDBClusterSnapshotsCommandInput = SNAPSHOT_ARN.test(reference)
    ? { DBClusterSnapshotIdentifier: reference, IncludeShared: true }
    : { DBClusterSnapshotIdentifier: reference, ...(reference.startsWith("rds:") ? { SnapshotType: "automated" } : {}) };
  let snapshot: DBClusterSnapshot | undefined;
  try {
    snapshot = (await client.send(new DescribeDBClusterSnapshotsCommand(input))).DBClusterSnapshots?.[0];
  } catch (error) {
    if (isAwsError(error) && error.name === "DBClusterSnapshotNotFoundFault") throw new SnapshotNotFoundError(`cluster snapshot ${reference} not found`, { cause: error });
    throw mapAwsError(error, `DescribeDBClusterSnapshots ${reference}`);
  }
  if (snapshot === undefined) throw new SnapshotNotFoundError(`cluster snapshot ${reference} not found`);
  if (snapshot.Status !== "available") throw new SnapshotNotFoundError(`cluster snapshot ${reference} is ${snapshot.Status ?? "of unknown status"}, not available`);
  const info = clusterSnapshotInfo(snapshot);
  if (info === undefined) throw new SnapshotNotFoundError(`cluster snapshot ${reference} has no creation time`);
  return { ...info, id: reference };
}

/**
 * Every available cluster snapshot of one type, all pages. A shared one's DBClusterIdentifier is the source's id in
 * the owning account, so shared ones are listed without the server-side filter, matched here, and named by ARN.
 */
async function clusterSnapshotsOf(client: RDSClient, cluster: string, type: SnapshotType): Promise<SnapshotInfo[]> {
  const input: DescribeDBClusterSnapshotsCommandInput =
    type === "shared" ? { SnapshotType: "shared", IncludeShared: true } : { SnapshotType: type, DBClusterIdentifier: cluster };
  const found: SnapshotInfo[] = [];
  try {
    for await (const page of paginateDescribeDBClusterSnapshots({ client }, input)) {
      for (const snapshot of page.DBClusterSnapshots ?? []) {
        if (snapshot.DBClusterIdentifier?.toLowerCase() !== cluster.toLowerCase()) continue;
        const info = clusterSnapshotInfo(snapshot);
        if (snapshot.Status !== "available" || info === undefined) continue;
        found.push(type === "shared" && snapshot.DBClusterSnapshotArn ? { ...info, id: snapshot.DBClusterSnapshotArn } : info);
      }
    }
  } catch (error) {
    throw mapAwsError(error, `DescribeDBClusterSnapshots ${type} of ${cluster}`);
  }
  return found;
}

function clusterSnapshotInfo(snapshot: DBClusterSnapshot): SnapshotInfo | undefined {
  if (snapshot.SnapshotCreateTime === undefined) return undefined;
  const encrypted = snapshot.StorageEncrypted === true;
  return {
    id: snapshot.DBClusterSnapshotIdentifier ?? snapshot.DBClusterSnapshotArn ?? "",
    arn: snapshot.DBClusterSnapshotArn,
    type: snapshot.SnapshotType ?? "unknown",
    createdAt: snapshot.SnapshotCreateTime,
    status: snapshot.Status ?? "unknown",
    encrypted,
    ...(encrypted && snapshot.KmsKeyId ? { kmsKeyId: snapshot.KmsKeyId } : {}),
    ...(snapshot.Engine ? { engine: snapshot.Engine } : {}),
  };
}
