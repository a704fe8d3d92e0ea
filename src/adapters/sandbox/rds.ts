/** The sandbox's RDS: the lifecycle's rds port over the simulated world. */
import { SnapshotNotFoundError } from "../../errors.js";
import type { ClusterInfo, ClusterSnapshotSource, InstanceInfo, RdsPort, SnapshotInfo, SnapshotSource } from "../../ports.js";
import { clusterResourceByArn, describeCluster, describeClusters, latestClusterSnapshot } from "./cluster-rds.js";
import { refuseBadTags } from "./cloud.js";
import type { Faults } from "./faults.js";
import { REBOOT_STATUS_LAG_MS, settle, type SimInstance, type SimSnapshot, type SimWorld } from "./world.js";

/** DescribeDBInstances returns at most this many instances per call, as in RDS. */
export const DESCRIBE_PAGE_SIZE = 100;

export class SandboxRds implements RdsPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
  ) {}

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    const { snapshots } = this.world.rds;
    if (source.explicit !== undefined) {
      const found = snapshots.find((s) => s.id === source.explicit || s.arn === source.explicit);
      if (!found) throw new SnapshotNotFoundError(`snapshot ${source.explicit} not found`);
      if (found.status !== "available") throw new SnapshotNotFoundError(`snapshot ${source.explicit} is ${found.status}, not available`);
      return snapshotInfo(found);
    }
    const candidates = snapshots
      .filter((s) => s.instance === source.instance && source.types.includes(s.type) && s.status === "available")
      // By when the data was taken: a fresh copy of an old snapshot is not the latest data.
      .sort((a, b) => dataTime(b) - dataTime(a));
    const newest = candidates[0];
    if (!newest) {
      throw new SnapshotNotFoundError(`no available ${source.types.join("/")} snapshot of ${source.instance}`);
    }
    return snapshotInfo(newest);
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

  /** An instance, or a cluster (approval and scrub tags go on a cluster echo's cluster). */
  #byArn(arn: string): { tags: Record<string, string> } {
    const instance = Object.values(this.world.rds.instances).find((i) => i.arn === arn) ?? clusterResourceByArn(this.world, arn);
    if (!instance) throw new Error(`DBInstanceNotFound: ${arn}`);
    return instance;
  }
}

function dataTime(s: SimSnapshot): number {
  return s.originalCreatedAt ?? s.createdAt;
}

function snapshotInfo(s: SimSnapshot): SnapshotInfo {
  return {
    id: s.type === "shared" ? s.arn : s.id,
    arn: s.arn,
    type: s.type,
    createdAt: new Date(dataTime(s)),
    status: s.status,
    encrypted: s.encrypted === true,
    ...(s.encrypted && s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    ...(s.engine ? { engine: s.engine } : {}),
  };
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
