/** The sandbox's RDS for Aurora: the cluster half of the rds port over the simulated world. */
import { SnapshotNotFoundError } from "../../errors.js";
import type { ClusterInfo, ClusterSnapshotSource, InstanceInfo, SnapshotInfo } from "../../ports.js";
import { membersOf, rdsClusters } from "./cluster-world.js";
import type { Faults } from "./faults.js";
import { settle, type SimCluster, type SimClusterSnapshot, type SimInstance, type SimWorld } from "./world.js";

/** DescribeDBClusters returns at most this many clusters per call, as in RDS. */
const PAGE_SIZE = 100;

export function latestClusterSnapshot(world: SimWorld, faults: Faults, source: ClusterSnapshotSource): SnapshotInfo {
  faults.enter("rds.DescribeDBClusterSnapshots");
  settle(world);
  const { snapshots } = rdsClusters(world);
  if (source.explicit !== undefined) {
    const found = snapshots.find((s) => s.id === source.explicit || s.arn === source.explicit);
    if (!found) throw new SnapshotNotFoundError(`cluster snapshot ${source.explicit} not found`);
    if (found.status !== "available") throw new SnapshotNotFoundError(`cluster snapshot ${source.explicit} is ${found.status}, not available`);
    return snapshotInfo(found);
  }
  const newest = snapshots
    .filter((s) => s.cluster === source.cluster && source.types.includes(s.type) && s.status === "available")
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!newest) throw new SnapshotNotFoundError(`no available ${source.types.join("/")} cluster snapshot of ${source.cluster}`);
  return snapshotInfo(newest);
}

export function describeCluster(world: SimWorld, faults: Faults, id: string): ClusterInfo | undefined {
  faults.enter("rds.DescribeDBClusters");
  settle(world);
  const cluster = rdsClusters(world).clusters[id];
  if (!cluster) return undefined;
  faults.enter("rds.DescribeDBInstances");
  return clusterInfo(world, cluster);
}

export function describeClusters(world: SimWorld, faults: Faults, ids: readonly string[]): Map<string, ClusterInfo> {
  const found = new Map<string, ClusterInfo>();
  for (let i = 0; i < ids.length; i += PAGE_SIZE) {
    faults.enter("rds.DescribeDBClusters");
    settle(world);
    const page = ids.slice(i, i + PAGE_SIZE).flatMap((id) => rdsClusters(world).clusters[id] ?? []);
    if (page.length === 0) continue;
    // The members' own statuses: one DescribeDBInstances filtered by db-cluster-id, as the AWS adapter does.
    faults.enter("rds.DescribeDBInstances");
    for (const cluster of page) found.set(cluster.id, clusterInfo(world, cluster));
  }
  return found;
}

/** A cluster or a member instance by ARN (tags go on either). */
export function clusterResourceByArn(world: SimWorld, arn: string): SimCluster | undefined {
  return Object.values(rdsClusters(world).clusters).find((c) => c.arn === arn);
}

function clusterInfo(world: SimWorld, c: SimCluster): ClusterInfo {
  const members = membersOf(world, c.id).map(memberInfo);
  return {
    id: c.id,
    arn: c.arn,
    resourceId: c.resourceId,
    status: c.status,
    address: c.address,
    readerAddress: c.readerAddress,
    port: c.port,
    tags: { ...c.tags },
    pendingReboot: members.some((m) => m.pendingReboot),
    createdAt: new Date(c.createdAt),
    engine: c.engine,
    masterUsername: "master",
    encrypted: c.encrypted === true,
    ...(c.kmsKeyId ? { kmsKeyId: c.kmsKeyId } : {}),
    members,
  };
}

function memberInfo(i: SimInstance): InstanceInfo {
  return { id: i.id, arn: i.arn, ...(i.resourceId ? { resourceId: i.resourceId } : {}), status: i.status, address: i.address, port: i.port, tags: { ...i.tags }, pendingReboot: i.pendingReboot, createdAt: new Date(i.createdAt) };
}

function snapshotInfo(s: SimClusterSnapshot): SnapshotInfo {
  return {
    id: s.type === "shared" ? s.arn : s.id,
    arn: s.arn,
    type: s.type,
    createdAt: new Date(s.createdAt),
    status: s.status,
    encrypted: s.encrypted === true,
    ...(s.encrypted && s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    engine: s.engine,
  };
}
