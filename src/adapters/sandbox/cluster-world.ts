/**
 * The sandbox's Aurora clusters over time: transitional statuses settle with the simulated clock (as instances do in
 * world.ts), and a source cluster takes its automated cluster snapshot every simulated day at 03:10 UTC, keeping 7.
 */
import { createHash } from "node:crypto";
import type { SimCluster, SimClusterSnapshot, SimWorld } from "./world.js";

const DAY_MS = 86_400_000;
/** Automated cluster snapshots a source keeps in the sandbox (its backup retention, in days). */
export const CLUSTER_SNAPSHOTS_KEPT = 7;

/** The world's clusters and cluster snapshots, created empty in a world saved before clusters existed. */
export function rdsClusters(world: SimWorld): { clusters: Record<string, SimCluster>; snapshots: SimClusterSnapshot[] } {
  world.rds.clusters ??= {};
  world.rds.clusterSnapshots ??= [];
  return { clusters: world.rds.clusters, snapshots: world.rds.clusterSnapshots };
}

/** Brings clusters up to date with the simulated clock (creating -> available, deleting -> gone). */
export function settleClusters(world: SimWorld): void {
  if (!world.rds.clusters) return;
  takeDailyClusterSnapshots(world);
  for (const cluster of Object.values(world.rds.clusters)) {
    if (cluster.readyAt === undefined || cluster.readyAt > world.now) continue;
    if (cluster.deleting) {
      delete world.rds.clusters[cluster.id];
      continue;
    }
    cluster.status = "available";
    delete cluster.readyAt;
  }
}

function takeDailyClusterSnapshots(world: SimWorld): void {
  const { clusters, snapshots } = rdsClusters(world);
  const automated = snapshots.filter((s) => s.type === "automated");
  for (const source of new Set(automated.map((s) => s.cluster))) {
    const cluster = clusters[source];
    if (!cluster || cluster.tags["echo:managed"] !== undefined) continue;
    let next = Math.max(...automated.filter((s) => s.cluster === source).map((s) => s.createdAt)) + DAY_MS;
    for (; next <= world.now; next += DAY_MS) snapshots.push(automatedClusterSnapshot(world, cluster, next));
    const kept = new Set(snapshots.filter((s) => s.type === "automated" && s.cluster === source).sort((a, b) => b.createdAt - a.createdAt).slice(0, CLUSTER_SNAPSHOTS_KEPT));
    world.rds.clusterSnapshots = snapshots.filter((s) => s.type !== "automated" || s.cluster !== source || kept.has(s));
  }
}

/** The automated cluster snapshot RDS takes of a cluster at `at`: `rds:<cluster>-<yyyy-mm-dd>-03-10`. */
export function automatedClusterSnapshot(world: SimWorld, cluster: SimCluster, at: number): SimClusterSnapshot {
  const id = `rds:${cluster.id}-${new Date(at).toISOString().slice(0, 10)}-03-10`;
  return {
    id,
    arn: `arn:aws:rds:${world.region}:${world.account}:cluster-snapshot:${id}`,
    cluster: cluster.id,
    type: "automated",
    status: "available",
    createdAt: at,
    port: cluster.port,
    engine: cluster.engine,
    ...(cluster.encrypted ? { encrypted: true, ...(cluster.kmsKeyId ? { kmsKeyId: cluster.kmsKeyId } : {}) } : {}),
  };
}

/** Deterministic endpoints, shaped like RDS's: `<id>.cluster-<hash>.<region>.rds.amazonaws.com` and `cluster-ro-`. */
export function clusterEndpoints(world: SimWorld, id: string): { address: string; readerAddress: string } {
  const hash = createHash("sha256").update(`${world.account}:${world.region}`).digest("hex").slice(0, 12);
  return {
    address: `${id}.cluster-${hash}.${world.region}.rds.amazonaws.com`,
    readerAddress: `${id}.cluster-ro-${hash}.${world.region}.rds.amazonaws.com`,
  };
}

/** The member instances of a cluster, in creation order (the first is the writer). */
export function membersOf(world: SimWorld, cluster: string) {
  return Object.values(world.rds.instances)
    .filter((i) => i.cluster === cluster)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}
