/**
 * Seeding the sandbox for a cluster echo: the source Aurora cluster it names (two instances, not managed by rds-echo,
 * encrypted with production's key), a week of its automated cluster snapshots, a manual one and one still being
 * created (never picked). Idempotent.
 */
import type { ClusterEchoDefinition } from "../../definition/cluster-schema.js";
import { automatedClusterSnapshot, CLUSTER_SNAPSHOTS_KEPT, clusterEndpoints, rdsClusters } from "./cluster-world.js";
import { productionKey } from "./seed.js";
import type { SimCluster, SimWorld } from "./world.js";

const DAY_MS = 86_400_000;
/** The simulated source runs Aurora PostgreSQL. */
export const SANDBOX_CLUSTER_ENGINE = "aurora-postgresql";

export function seedCluster(world: SimWorld, definition: ClusterEchoDefinition): void {
  const { clusters, snapshots } = rdsClusters(world);
  const id = definition.source.cluster;
  if (clusters[id]) return;
  const { region, account } = world;
  const createdAt = world.now - 400 * DAY_MS;
  const cluster: SimCluster = {
    id,
    arn: `arn:aws:rds:${region}:${account}:cluster:${id}`,
    resourceId: "cluster-PRODUCTIONSOURCE0000000000",
    status: "available",
    ...clusterEndpoints(world, id),
    port: definition.cluster.port ?? 5432,
    createdAt,
    engine: SANDBOX_CLUSTER_ENGINE,
    settings: {},
    tags: { environment: "production" },
    encrypted: true,
    kmsKeyId: productionKey(region, account),
  };
  clusters[id] = cluster;
  for (const n of [1, 2]) {
    const member = `${id}-${n}`;
    world.rds.instances[member] = {
      id: member,
      arn: `arn:aws:rds:${region}:${account}:db:${member}`,
      status: "available",
      address: `${member}.${cluster.address.split(".").slice(1).join(".").replace(/^cluster-/, "")}`,
      port: cluster.port,
      region,
      createdAt: createdAt + n,
      cluster: id,
      settings: {},
      tags: { environment: "production" },
      pendingReboot: false,
    };
  }
  const today = Math.floor(world.now / DAY_MS) * DAY_MS;
  for (let daysAgo = CLUSTER_SNAPSHOTS_KEPT - 1; daysAgo >= 0; daysAgo--) {
    const at = today - daysAgo * DAY_MS + (3 * 60 + 10) * 60_000;
    if (at <= world.now) snapshots.push(automatedClusterSnapshot(world, cluster, at));
  }
  const snapshot = (name: string, status: string, at: number) => ({ id: name, arn: `arn:aws:rds:${region}:${account}:cluster-snapshot:${name}`, cluster: id, type: "manual" as const, status, createdAt: at, port: cluster.port, engine: cluster.engine });
  snapshots.push(snapshot(`${id}-before-upgrade`, "available", today - 10 * DAY_MS), snapshot(`${id}-in-progress`, "creating", world.now - 60_000));
}
