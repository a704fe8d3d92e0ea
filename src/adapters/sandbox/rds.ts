/** The sandbox's RDS: the lifecycle's rds port over the simulated world. */
import { SnapshotNotFoundError } from "../../errors.js";
import { madeForAnotherEcho } from "../../program/tags.js";
import type { ClusterInfo, ClusterSnapshotSource, InstanceInfo, ManualSnapshot, RdsPort, SnapshotInfo, SnapshotSource } from "../../ports.js";
import { clusterResourceByArn, describeCluster, describeClusters, latestClusterSnapshot } from "./cluster-rds.js";
import { refuseBadTags } from "./cloud.js";
import type { Faults } from "./faults.js";
import type { SnapshotType } from "../../definition/schema.js";
import { dataTime, echoPlace, instancePlace, samePlace, sharedWithEcho, simSnapshotInfo, snapshotPlace, visibleToEcho } from "./places.js";
import { REBOOT_STATUS_LAG_MS, settle, type SimInstance, type SimSnapshot, type SimWorld } from "./world.js";

/** DescribeDBInstances returns at most this many instances per call, as in RDS. */
export const DESCRIBE_PAGE_SIZE = 100;

export class SandboxRds implements RdsPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
    /** The data plane, when there is one: a deleted snapshot's template database goes with it. */
    private readonly dataPlane?: { dropSnapshot(id: string): Promise<void> },
  ) {}

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    const { snapshots } = this.world.rds;
    if (source.explicit !== undefined) {
      // Own snapshots by id or ARN; another account's only by ARN, and only once shared with this one.
      const found = snapshots.find((s) => visibleToEcho(this.world, s) && (s.arn === source.explicit || (s.id === source.explicit && !sharedWithEcho(this.world, s))));
      if (!found) throw new SnapshotNotFoundError(`snapshot ${source.explicit} not found`);
      if (found.status !== "available") throw new SnapshotNotFoundError(`snapshot ${source.explicit} is ${found.status}, not available`);
      return simSnapshotInfo(this.world, found);
    }
    const candidates = snapshots
      .filter((s) => visibleToEcho(this.world, s) && s.instance === source.instance && source.types.includes(simSnapshotInfo(this.world, s).type as SnapshotType) && s.status === "available")
      .filter((s) => !madeForAnotherEcho(s.tags, source.echo))
      // By when the data was taken: a fresh copy of an old snapshot is not the latest data.
      .sort((a, b) => dataTime(b) - dataTime(a));
    const newest = candidates[0];
    if (!newest) {
      throw new SnapshotNotFoundError(`no available ${source.types.join("/")} snapshot of ${source.instance}`);
    }
    return simSnapshotInfo(this.world, newest);
  }

  async latestClusterSnapshot(source: ClusterSnapshotSource): Promise<SnapshotInfo> {
    return latestClusterSnapshot(this.world, this.faults, source);
  }

  async describeCluster(id: string): Promise<ClusterInfo | undefined> {
    return describeCluster(this.world, this.faults, id);
  }

  async describeClusters(ids: readonly string[]): Promise<Map<string, ClusterInfo>> {
    return describeClusters(this.world, this.faults, ids);
  }

  async describeInstance(id: string): Promise<InstanceInfo | undefined> {
    this.faults.enter("rds.DescribeDBInstances");
    settle(this.world);
    const instance = this.world.rds.instances[id];
    return instance && instanceInfo(instance);
  }

  async describeInstances(ids: readonly string[]): Promise<Map<string, InstanceInfo>> {
    const found = new Map<string, InstanceInfo>();
    for (let i = 0; i < ids.length; i += DESCRIBE_PAGE_SIZE) {
      this.faults.enter("rds.DescribeDBInstances");
      settle(this.world);
      for (const id of ids.slice(i, i + DESCRIBE_PAGE_SIZE)) {
        const instance = this.world.rds.instances[id];
        if (instance) found.set(id, instanceInfo(instance));
      }
    }
    return found;
  }

  async instancesTagged(key: string, value: string): Promise<InstanceInfo[]> {
    const all = Object.values(this.world.rds.instances);
    for (let i = 0; i === 0 || i < all.length; i += DESCRIBE_PAGE_SIZE) this.faults.enter("rds.DescribeDBInstances");
    settle(this.world);
    // DescribeDBInstances sees this account's instances in this region only (the world also holds a source's elsewhere).
    return Object.values(this.world.rds.instances)
      .filter((instance) => samePlace(instancePlace(this.world, instance), echoPlace(this.world)) && instance.tags[key] === value)
      .map(instanceInfo);
  }

  async reboot(id: string): Promise<void> {
    this.faults.enter("rds.RebootDBInstance");
    settle(this.world);
    const instance = this.world.rds.instances[id];
    if (!instance) throw new Error(`DBInstanceNotFound: ${id}`);
    if (instance.status !== "available") throw new Error(`InvalidDBInstanceState: ${id} is ${instance.status}`);
    // RDS accepts the reboot and only a moment later reports `rebooting`: a poll in between still reads `available`.
    instance.next = { status: "rebooting", at: this.world.now + REBOOT_STATUS_LAG_MS };
    instance.readyAt = this.world.now + REBOOT_STATUS_LAG_MS + this.world.timings.rebootMs;
    instance.pendingReboot = false;
  }

  async addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.faults.enter("rds.AddTagsToResource");
    const instance = this.#byArn(arn);
    const merged = { ...instance.tags, ...tags };
    refuseBadTags(merged);
    instance.tags = merged;
  }

  async removeTags(arn: string, keys: readonly string[]): Promise<void> {
    this.faults.enter("rds.RemoveTagsFromResource");
    const instance = this.#byArn(arn);
    instance.tags = Object.fromEntries(Object.entries(instance.tags).filter(([k]) => !keys.includes(k)));
  }

  async manualSnapshots(): Promise<ManualSnapshot[]> {
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    // DescribeDBSnapshots (SnapshotType manual) lists this account's own in this region, never a source's elsewhere.
    return this.world.rds.snapshots
      .filter((s) => s.type === "manual" && this.#own(s))
      .map((s) => ({ id: s.id, arn: s.arn, instance: s.instance, createdAt: new Date(s.createdAt), status: s.status, tags: { ...s.tags } }));
  }

  async deleteSnapshot(id: string): Promise<void> {
    this.faults.enter("rds.DeleteDBSnapshot", id);
    // Gone already counts as deleted, as in the AWS adapter.
    this.world.rds.snapshots = this.world.rds.snapshots.filter((s) => !(s.id === id && s.type === "manual" && this.#own(s)));
    await this.dataPlane?.dropSnapshot(id);
  }

  #own(s: SimSnapshot): boolean {
    return samePlace(snapshotPlace(this.world, s), echoPlace(this.world));
  }

  /** An instance, or a cluster (approval and scrub tags go on a cluster echo's cluster). */
  #byArn(arn: string): { tags: Record<string, string> } {
    const instance = Object.values(this.world.rds.instances).find((i) => i.arn === arn) ?? clusterResourceByArn(this.world, arn);
    if (!instance) throw new Error(`DBInstanceNotFound: ${arn}`);
    return instance;
  }
}

function instanceInfo(i: SimInstance): InstanceInfo {
  return {
    id: i.id,
    arn: i.arn,
    ...(i.resourceId ? { resourceId: i.resourceId } : {}),
    status: i.status,
    address: i.address,
    port: i.port,
    tags: { ...i.tags },
    pendingReboot: i.pendingReboot,
    createdAt: new Date(i.createdAt),
    // The simulated source is PostgreSQL; its master user comes along in every snapshot.
    engine: "postgres",
    masterUsername: "master",
  };
}
