/**
 * A cluster echo's generation, seen as one database: the cluster with its member instances folded into the one view
 * the lifecycle reads for every generation (InstanceInfo). Pure.
 *
 * The view is usable only when the cluster and every one of the expected instances are: a cluster is `available`
 * minutes before its instances are, and a promotion to a cluster with no writer yet would point the CNAME at an
 * endpoint that answers nobody.
 */
import type { ClusterInfo, InstanceInfo } from "../ports.js";
import { isUsable } from "./rds-status.js";

/** What a cluster whose instances are not all there yet reads as: a create still under way. */
export const MISSING_INSTANCES_STATUS = "creating";

/** The status of a cluster with its instances: the cluster's own while it is busy, else the first busy member's. */
export function clusterStatus(cluster: ClusterInfo, expectedInstances: number): string {
  if (!isUsable(cluster.status)) return cluster.status;
  const busy = cluster.members.find((m) => !isUsable(m.status));
  if (busy) return busy.status;
  return cluster.members.length < expectedInstances ? MISSING_INSTANCES_STATUS : cluster.status;
}

/** The cluster as the lifecycle's one database of a generation: writer endpoint, cluster tags, folded status. */
export function clusterView(cluster: ClusterInfo, expectedInstances: number): InstanceInfo {
  return {
    id: cluster.id,
    ...(cluster.arn ? { arn: cluster.arn } : {}),
    ...(cluster.resourceId ? { resourceId: cluster.resourceId } : {}),
    status: clusterStatus(cluster, expectedInstances),
    ...(cluster.address ? { address: cluster.address } : {}),
    ...(cluster.readerAddress ? { readerAddress: cluster.readerAddress } : {}),
    ...(cluster.port !== undefined ? { port: cluster.port } : {}),
    tags: cluster.tags,
    pendingReboot: cluster.pendingReboot || cluster.members.some((m) => m.pendingReboot),
    ...(cluster.createdAt ? { createdAt: cluster.createdAt } : {}),
    ...(cluster.engine ? { engine: cluster.engine } : {}),
    ...(cluster.masterUsername ? { masterUsername: cluster.masterUsername } : {}),
    ...(cluster.dbName ? { dbName: cluster.dbName } : {}),
  };
}

/**
 * The members that wait for a reboot (each member's own pending changes and its copy of the cluster parameter group
 * are folded into its `pendingReboot` by the adapters); all of them when forced.
 */
export function membersToReboot(cluster: ClusterInfo, force: boolean): InstanceInfo[] {
  return cluster.members.filter((m) => force || m.pendingReboot);
}
