/**
 * What the sandbox's mock provider does for `aws.rds.Cluster` and `aws.rds.ClusterInstance`, after
 * terraform-provider-aws's cluster.go and cluster_instance.go: restore a cluster from a cluster snapshot
 * (RestoreDBClusterFromSnapshot) or clone it (RestoreDBClusterToPointInTime, copy-on-write), create its instances
 * (CreateDBInstance with DBClusterIdentifier), modify, and delete instances before the cluster (RDS refuses to delete
 * a cluster that still has instances), the final snapshot a cluster snapshot. Like the provider, each call waits until
 * RDS reports the resource settled.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../ports.js";
import { CLUSTER_INSTANCE_TYPE, CLUSTER_TYPE } from "../../program/resource-types.js";
import { OUT_OF_BAND_TAG_PREFIXES } from "../../program/tags.js";
import { isUsable } from "../../lifecycle/rds-status.js";
import { refuseBadTags } from "./cloud.js";
import { clusterEndpoints, membersOf, rdsClusters } from "./cluster-world.js";
import type { Faults } from "./faults.js";
import { clusterTiming, settle, type SimCluster, type SimInstance, type SimWorld, type StoredResource } from "./world.js";

/** The force-new inputs of both types that the program declares (see src/program/cluster.ts). */
export const CLUSTER_REPLACE_KEYS: Record<string, readonly string[]> = {
  [CLUSTER_TYPE]: ["clusterIdentifier", "engine", "snapshotIdentifier", "restoreToPointInTime", "dbSubnetGroupName", "storageEncrypted", "kmsKeyId", "masterUsername", "databaseName", "engineMode", "availabilityZones", "storageType"],
  [CLUSTER_INSTANCE_TYPE]: ["identifier", "clusterIdentifier", "engine", "dbSubnetGroupName", "availabilityZone"],
};

const PROVIDER_POLL_MS = 30_000;
const DEFAULT_PORT = 5432;
/** Static parameters of a new (cluster) parameter group wait for each instance's reboot. */
const REBOOT_KEYS = new Set(["dbClusterParameterGroupName", "dbParameterGroupName"]);
const INSTANT_KEYS = new Set(["tags", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier", "deletionProtection"]);

type Inputs = Record<string, unknown>;

export function isClusterType(type: string): boolean {
  return type === CLUSTER_TYPE || type === CLUSTER_INSTANCE_TYPE;
}

export class SandboxClusterCloud {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
    private readonly clock: Clock,
  ) {}

  read(type: string, inputs: Inputs, id?: string): Inputs | undefined {
    settle(this.world);
    if (type === CLUSTER_TYPE) {
      const cluster = rdsClusters(this.world).clusters[String(inputs["clusterIdentifier"] ?? id)];
      return cluster && clusterOutputs(cluster);
    }
    const instance = this.world.rds.instances[String(inputs["identifier"] ?? id)];
    return instance && memberOutputs(instance);
  }

  predict(type: string, inputs: Inputs): Inputs {
    if (type === CLUSTER_TYPE) {
      const id = String(inputs["clusterIdentifier"]);
      const endpoints = clusterEndpoints(this.world, id);
      return { id, clusterIdentifier: id, endpoint: endpoints.address, readerEndpoint: endpoints.readerAddress, port: inputs["port"] ?? DEFAULT_PORT };
    }
    return { id: String(inputs["identifier"]) };
  }

  async create(resource: StoredResource, persist: () => Promise<void>): Promise<{ id: string; outputs: Inputs }> {
    return resource.type === CLUSTER_TYPE ? this.#restoreCluster(resource.inputs, persist) : this.#createInstance(resource.inputs, persist);
  }

  async update(stored: StoredResource, inputs: Inputs, keys: readonly string[]): Promise<Inputs> {
    const isCluster = stored.type === CLUSTER_TYPE;
    this.faults.enter(isCluster ? "rds.ModifyDBCluster" : "rds.ModifyDBInstance");
    settle(this.world);
    const target = isCluster ? rdsClusters(this.world).clusters[String(stored.inputs["clusterIdentifier"])] : this.world.rds.instances[String(stored.inputs["identifier"])];
    if (!target) throw new Error(`${isCluster ? "DBClusterNotFoundFault" : "DBInstanceNotFound"}: ${stored.id}`);
    if (!isUsable(target.status)) throw new Error(`${isCluster ? "InvalidDBClusterStateFault" : "InvalidDBInstanceState"}: ${target.id} is ${target.status}`);
    const { tags, ...settings } = inputs;
    refuseBadTags(tags);
    const kept = Object.entries(target.tags).filter(([k]) => OUT_OF_BAND_TAG_PREFIXES.some((p) => k.startsWith(p)));
    target.tags = { ...Object.fromEntries(kept), ...(tags as Record<string, string> | undefined) };
    target.settings = settings;
    if (keys.some((k) => REBOOT_KEYS.has(k))) {
      // A cluster parameter group applies to every member, at each member's reboot.
      for (const member of isCluster ? membersOf(this.world, target.id) : [target as SimInstance]) member.pendingReboot = true;
    }
    if (keys.some((k) => !INSTANT_KEYS.has(k))) {
      target.status = "modifying";
      target.readyAt = this.world.now + this.world.timings.modifyMs;
      await this.#waitSettled(isCluster, target.id);
    }
    return isCluster ? clusterOutputs(target as SimCluster) : memberOutputs(target as SimInstance);
  }

  async delete(stored: StoredResource): Promise<void> {
    settle(this.world);
    if (stored.type === CLUSTER_INSTANCE_TYPE) {
      this.faults.enter("rds.DeleteDBInstance");
      const instance = this.world.rds.instances[String(stored.inputs["identifier"])];
      if (!instance) return;
      instance.status = "deleting";
      instance.deleting = true;
      instance.readyAt = this.world.now + this.world.timings.deleteMs;
      return this.#waitSettled(false, instance.id);
    }
    this.faults.enter("rds.DeleteDBCluster");
    const { clusters, snapshots } = rdsClusters(this.world);
    const cluster = clusters[String(stored.inputs["clusterIdentifier"])];
    if (!cluster) return;
    if (cluster.settings["deletionProtection"] === true) throw new Error(`InvalidParameterCombination: ${cluster.id} has deletion protection enabled`);
    if (membersOf(this.world, cluster.id).length > 0) throw new Error(`InvalidDBClusterStateFault: ${cluster.id} still has instances; delete them first`);
    if (stored.inputs["skipFinalSnapshot"] !== true) {
      const name = String(stored.inputs["finalSnapshotIdentifier"]);
      snapshots.push({ id: name, arn: `arn:aws:rds:${this.world.region}:${this.world.account}:cluster-snapshot:${name}`, cluster: cluster.id, type: "manual", status: "available", createdAt: this.world.now, port: cluster.port, engine: cluster.engine });
    }
    cluster.status = "deleting";
    cluster.deleting = true;
    cluster.readyAt = this.world.now + this.world.timings.deleteMs;
    await this.#waitSettled(true, cluster.id);
  }

  async #restoreCluster(inputs: Inputs, persist: () => Promise<void>): Promise<{ id: string; outputs: Inputs }> {
    const clone = inputs["restoreToPointInTime"] as { sourceClusterIdentifier?: string; restoreType?: string } | undefined;
    this.faults.enter(clone ? "rds.RestoreDBClusterToPointInTime" : "rds.RestoreDBClusterFromSnapshot");
    settle(this.world);
    const { clusters, snapshots } = rdsClusters(this.world);
    const id = String(inputs["clusterIdentifier"]);
    if (clusters[id]) throw new Error(`DBClusterAlreadyExistsFault: ${id}`);
    let from: { engine: string; port: number; encrypted?: boolean; kmsKeyId?: string };
    let durationMs: number;
    if (clone) {
      const source = clusters[String(clone.sourceClusterIdentifier)];
      if (!source) throw new Error(`DBClusterNotFoundFault: ${String(clone.sourceClusterIdentifier)}`);
      if (source.status !== "available") throw new Error(`InvalidDBClusterStateFault: ${source.id} is ${source.status}`);
      from = source;
      // Only copy-on-write is quick: a full-copy point-in-time restore copies the storage like a snapshot restore.
      durationMs = clone.restoreType === "copy-on-write" ? clusterTiming(this.world, "cloneMs") : clusterTiming(this.world, "clusterRestoreMs");
    } else {
      const ref = String(inputs["snapshotIdentifier"]);
      const snapshot = snapshots.find((s) => s.id === ref || s.arn === ref);
      if (!snapshot) throw new Error(`DBClusterSnapshotNotFoundFault: ${ref}`);
      if (snapshot.status !== "available") throw new Error(`InvalidDBClusterSnapshotStateFault: ${ref} is ${snapshot.status}`);
      if (snapshot.engine !== inputs["engine"]) throw new Error(`InvalidParameterCombination: the snapshot's engine is ${snapshot.engine}, not ${String(inputs["engine"])}`);
      from = snapshot;
      durationMs = clusterTiming(this.world, "clusterRestoreMs");
    }
    const { tags, ...settings } = inputs;
    refuseBadTags(tags);
    const cluster: SimCluster = {
      id,
      arn: `arn:aws:rds:${this.world.region}:${this.world.account}:cluster:${id}`,
      resourceId: `cluster-${createHash("sha256").update(`${this.world.account}:${id}:${this.world.now}`).digest("hex").slice(0, 26).toUpperCase()}`,
      status: "creating",
      readyAt: this.world.now + durationMs,
      ...clusterEndpoints(this.world, id),
      port: Number(inputs["port"] ?? from.port),
      createdAt: this.world.now,
      engine: from.engine,
      ...(clone ? { cloneOf: String(clone.sourceClusterIdentifier) } : { snapshot: String(inputs["snapshotIdentifier"]) }),
      settings,
      tags: { ...(tags as Record<string, string> | undefined) },
      ...(from.encrypted ? { encrypted: true, ...(from.kmsKeyId ? { kmsKeyId: from.kmsKeyId } : {}) } : {}),
    };
    clusters[id] = cluster;
    await persist();
    this.faults.checkpoint("engine:after-create-call");
    await this.#waitSettled(true, id);
    return { id, outputs: clusterOutputs(cluster) };
  }

  async #createInstance(inputs: Inputs, persist: () => Promise<void>): Promise<{ id: string; outputs: Inputs }> {
    this.faults.enter("rds.CreateDBInstance");
    settle(this.world);
    const id = String(inputs["identifier"]);
    const clusterId = String(inputs["clusterIdentifier"]);
    const cluster = rdsClusters(this.world).clusters[clusterId];
    if (!cluster) throw new Error(`DBClusterNotFoundFault: ${clusterId}`);
    if (cluster.status !== "available") throw new Error(`InvalidDBClusterStateFault: ${clusterId} is ${cluster.status}`);
    if (this.world.rds.instances[id]) throw new Error(`DBInstanceAlreadyExists: ${id}`);
    if (inputs["engine"] !== cluster.engine) throw new Error(`InvalidParameterCombination: the cluster's engine is ${cluster.engine}, not ${String(inputs["engine"])}`);
    const { tags, ...settings } = inputs;
    refuseBadTags(tags);
    const instance: SimInstance = {
      id,
      arn: `arn:aws:rds:${this.world.region}:${this.world.account}:db:${id}`,
      resourceId: `db-${createHash("sha256").update(`${this.world.account}:${id}:${this.world.now}`).digest("hex").slice(0, 26).toUpperCase()}`,
      status: "creating",
      readyAt: this.world.now + clusterTiming(this.world, "clusterInstanceMs"),
      address: `${id}.${cluster.address.split(".").slice(1).join(".").replace(/^cluster-/, "")}`,
      port: cluster.port,
      region: this.world.region,
      createdAt: this.world.now,
      cluster: clusterId,
      settings,
      tags: { ...(tags as Record<string, string> | undefined) },
      pendingReboot: false,
    };
    this.world.rds.instances[id] = instance;
    await persist();
    await this.#waitSettled(false, id);
    return { id, outputs: memberOutputs(instance) };
  }

  async #waitSettled(cluster: boolean, id: string): Promise<void> {
    for (;;) {
      settle(this.world);
      const target = cluster ? rdsClusters(this.world).clusters[id] : this.world.rds.instances[id];
      if (!target || target.readyAt === undefined) return;
      await this.clock.sleep(PROVIDER_POLL_MS);
    }
  }
}

function clusterOutputs(c: SimCluster): Inputs {
  return { id: c.id, clusterIdentifier: c.id, arn: c.arn, clusterResourceId: c.resourceId, endpoint: c.address, readerEndpoint: c.readerAddress, port: c.port, engine: c.engine, storageEncrypted: c.encrypted === true, ...(c.kmsKeyId ? { kmsKeyId: c.kmsKeyId } : {}) };
}

function memberOutputs(i: SimInstance): Inputs {
  return { id: i.id, identifier: i.id, arn: i.arn, endpoint: i.address, port: i.port, clusterIdentifier: i.cluster };
}
