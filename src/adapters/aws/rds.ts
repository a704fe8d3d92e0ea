import {
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  AddTagsToResourceCommand,
  RebootDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  paginateDescribeDBSnapshots,
  type DBInstance,
  type DBSnapshot,
  type DescribeDBSnapshotsCommandInput,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { SnapshotNotFoundError } from "../../errors.js";
import { madeForAnotherEcho } from "../../program/tags.js";
import type { ClusterInfo, ClusterSnapshotSource, InstanceInfo, ManualSnapshot, RdsPort, SnapshotInfo, SnapshotSource } from "../../ports.js";
import { describeCluster, describeClusters, latestClusterSnapshot } from "./cluster-rds.js";
import type { SnapshotType } from "../../definition/schema.js";
import { InstanceNotFoundError, mapAwsError } from "./errors.js";

/** DescribeDBInstances returns at most 100 records per page, and its `db-instance-id` filter takes as many values. */
const BATCH = 100;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:/;
/** Snapshot id prefixes that say the snapshot's type, which DescribeDBSnapshots needs to find it by id. */
const EXPLICIT_TYPE_PREFIXES: readonly (readonly [string, SnapshotType])[] = [
  ["rds:", "automated"],
  ["awsbackup:", "awsbackup"],
];

/** RdsPort on the AWS SDK: every SDK error leaves through mapAwsError. */
export class AwsRds implements RdsPort {
  constructor(private readonly client: RDSClient) {}

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    if (source.explicit !== undefined) return this.explicitSnapshot(source.explicit);
    let newest: SnapshotInfo | undefined;
    // Ordered by when the data was taken (see SnapshotInfo.createdAt), not when the snapshot object was made.
    for (const type of source.types) {
      for (const snapshot of await this.snapshotsOf(source.instance, type, source.echo)) {
        if (newest === undefined || snapshot.createdAt > newest.createdAt) newest = snapshot;
      }
    }
    if (newest === undefined) {
      throw new SnapshotNotFoundError(`no available ${source.types.join("/")} snapshot of ${source.instance}`);
    }
    return newest;
  }

  latestClusterSnapshot(source: ClusterSnapshotSource): Promise<SnapshotInfo> {
    return latestClusterSnapshot(this.client, source);
  }

  describeCluster(id: string): Promise<ClusterInfo | undefined> {
    return describeCluster(this.client, id);
  }

  describeClusters(ids: readonly string[]): Promise<Map<string, ClusterInfo>> {
    return describeClusters(this.client, ids);
  }

  async describeInstance(id: string): Promise<InstanceInfo | undefined> {
    try {
      const out = await this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
      const found = out.DBInstances?.find((i) => i.DBInstanceIdentifier === id) ?? out.DBInstances?.[0];
      return found === undefined ? undefined : toInstanceInfo(found);
    } catch (error) {
      const mapped = mapAwsError(error, `DescribeDBInstances ${id}`);
      if (mapped instanceof InstanceNotFoundError) return undefined;
      throw mapped;
    }
  }

  async describeInstances(ids: readonly string[]): Promise<Map<string, InstanceInfo>> {
    const result = new Map<string, InstanceInfo>();
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += BATCH) {
      const batch = unique.slice(start, start + BATCH);
      let marker: string | undefined;
      do {
        const input = { Filters: [{ Name: "db-instance-id", Values: batch }], MaxRecords: BATCH, Marker: marker };
        const out = await this.call(`DescribeDBInstances (${batch.length} ids)`, () =>
          this.client.send(new DescribeDBInstancesCommand(input)),
        );
        for (const instance of out.DBInstances ?? []) {
          const info = toInstanceInfo(instance);
          if (info !== undefined) result.set(info.id, info);
        }
        marker = out.Marker;
      } while (marker);
    }
    return result;
  }

  /**
   * DescribeDBInstances has no tag filter, but every instance comes with its TagList: all pages, filtered here. One
   * call per 100 instances of the account and region; only `migrate --adopt` asks.
   */
  async instancesTagged(key: string, value: string): Promise<InstanceInfo[]> {
    const found: InstanceInfo[] = [];
    let marker: string | undefined;
    do {
      const input = { MaxRecords: BATCH, Marker: marker };
      const out = await this.call(`DescribeDBInstances (tag ${key})`, () => this.client.send(new DescribeDBInstancesCommand(input)));
      for (const instance of out.DBInstances ?? []) {
        const info = toInstanceInfo(instance);
        if (info !== undefined && info.tags[key] === value) found.push(info);
      }
      marker = out.Marker;
    } while (marker);
    return found;
  }

  async reboot(id: string): Promise<void> {
    await this.call(`RebootDBInstance ${id}`, () => this.client.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: id })));
  }

  async addTags(arn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await this.call(`AddTagsToResource ${arn}`, () => this.client.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags })));
  }

  async removeTags(arn: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.call(`RemoveTagsFromResource ${arn}`, () => this.client.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [...keys] })));
  }

  /** DescribeDBSnapshots returns each snapshot's TagList, so one listing (all pages) tells which ones are an echo's. */
  async manualSnapshots(): Promise<ManualSnapshot[]> {
    const found: ManualSnapshot[] = [];
    try {
      for await (const page of paginateDescribeDBSnapshots({ client: this.client }, { SnapshotType: "manual", MaxRecords: BATCH })) {
        for (const snapshot of page.DBSnapshots ?? []) {
          if (snapshot.DBSnapshotIdentifier === undefined) continue;
          found.push({
            id: snapshot.DBSnapshotIdentifier,
            arn: snapshot.DBSnapshotArn,
            instance: snapshot.DBInstanceIdentifier,
            // When this snapshot object was made: for a final snapshot, the retire (its data time is the same moment).
            createdAt: snapshot.SnapshotCreateTime,
            status: snapshot.Status ?? "unknown",
            tags: tagMap(snapshot.TagList),
          });
        }
      }
    } catch (error) {
      throw mapAwsError(error, "DescribeDBSnapshots manual");
    }
    return found;
  }

  /** Gone already (another run deleted it) counts as deleted. */
  async deleteSnapshot(id: string): Promise<void> {
    try {
      await this.call(`DeleteDBSnapshot ${id}`, () => this.client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })));
    } catch (error) {
      if (!(error instanceof SnapshotNotFoundError)) throw error;
    }
  }

  /**
   * The explicit snapshot, as given (an id or an ARN), provided it exists and is available. DescribeDBSnapshots finds
   * an automated (or AWS Backup) snapshot by id only when SnapshotType says so (API reference, DBSnapshotIdentifier).
   */
  private async explicitSnapshot(reference: string): Promise<SnapshotInfo> {
    const typed = EXPLICIT_TYPE_PREFIXES.find(([prefix]) => reference.startsWith(prefix))?.[1];
    const input: DescribeDBSnapshotsCommandInput = SNAPSHOT_ARN.test(reference)
      ? { DBSnapshotIdentifier: reference, IncludeShared: true }
      : { DBSnapshotIdentifier: reference, ...(typed ? { SnapshotType: typed } : {}) };
    const out = await this.call(`DescribeDBSnapshots ${reference}`, () => this.client.send(new DescribeDBSnapshotsCommand(input)));
    const snapshot = out.DBSnapshots?.[0];
    if (snapshot === undefined) throw new SnapshotNotFoundError(`snapshot ${reference} not found`);
    if (snapshot.Status !== "available") {
      throw new SnapshotNotFoundError(`snapshot ${reference} is ${snapshot.Status ?? "of unknown status"}, not available`);
    }
    const info = snapshotInfo(snapshot);
    if (info === undefined) throw new SnapshotNotFoundError(`snapshot ${reference} has no creation time`);
    return { ...info, id: reference };
  }

  /**
   * Every available snapshot of one type, all pages. A shared snapshot's DBInstanceIdentifier is the source instance's
   * id in the owning account, so shared ones are listed without the server-side filter and matched here.
   */
  private async snapshotsOf(instance: string, type: SnapshotType, echo: string | undefined): Promise<SnapshotInfo[]> {
    const input: DescribeDBSnapshotsCommandInput =
      type === "shared"
        ? { SnapshotType: "shared", IncludeShared: true }
        : { SnapshotType: type, DBInstanceIdentifier: instance };
    const found: SnapshotInfo[] = [];
    try {
      for await (const page of paginateDescribeDBSnapshots({ client: this.client }, input)) {
        for (const snapshot of page.DBSnapshots ?? []) {
          if (snapshot.DBInstanceIdentifier?.toLowerCase() !== instance.toLowerCase()) continue;
          const info = snapshotInfo(snapshot);
          if (snapshot.Status !== "available" || info === undefined) continue;
          // DescribeDBSnapshots returns each snapshot's TagList: another echo's made snapshot is not this one's latest.
          if (madeForAnotherEcho(Object.fromEntries((snapshot.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])), echo)) continue;
          // Another account's snapshot can only be restored by its ARN.
          found.push(type === "shared" && snapshot.DBSnapshotArn ? { ...info, id: snapshot.DBSnapshotArn } : info);
        }
      }
    } catch (error) {
      throw mapAwsError(error, `DescribeDBSnapshots ${type} of ${instance}`);
    }
    return found;
  }

  /** Runs one SDK call, mapping its error at the edge. */
  private async call<T>(context: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapAwsError(error, context);
    }
  }
}

/** The port's view of a snapshot; undefined for one that reports no time at all (never seen in practice). */
export function snapshotInfo(snapshot: DBSnapshot): SnapshotInfo | undefined {
  const createdAt = snapshot.SnapshotDatabaseTime ?? snapshot.OriginalSnapshotCreateTime ?? snapshot.SnapshotCreateTime;
  if (createdAt === undefined) return undefined;
  const encrypted = snapshot.Encrypted === true;
  return {
    id: snapshot.DBSnapshotIdentifier ?? snapshot.DBSnapshotArn ?? "",
    arn: snapshot.DBSnapshotArn,
    type: snapshot.SnapshotType ?? "unknown",
    createdAt,
    status: snapshot.Status ?? "unknown",
    encrypted,
    ...(encrypted && snapshot.KmsKeyId ? { kmsKeyId: snapshot.KmsKeyId } : {}),
    ...(snapshot.Engine ? { engine: snapshot.Engine } : {}),
  };
}

/** The port's view of an instance; undefined for a record without an identifier (never seen in practice). */
export function toInstanceInfo(instance: DBInstance): InstanceInfo | undefined {
  if (instance.DBInstanceIdentifier === undefined) return undefined;
  const tags = tagMap(instance.TagList);
  return {
    id: instance.DBInstanceIdentifier,
    arn: instance.DBInstanceArn,
    resourceId: instance.DbiResourceId,
    status: instance.DBInstanceStatus ?? "unknown",
    address: instance.Endpoint?.Address,
    port: instance.Endpoint?.Port,
    tags,
    pendingReboot: pendingReboot(instance),
    createdAt: instance.InstanceCreateTime,
    // What hooks connect with: the client follows the engine, the user is the master user restored from the snapshot.
    engine: instance.Engine,
    masterUsername: instance.MasterUsername,
    dbName: instance.DBName,
  };
}

function tagMap(list: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
  return tags;
}

/**
 * Parameter group apply statuses that leave something to do: `pending-reboot`, and `applying` (RDS is still applying
 * the group; static parameters in it end up waiting for a reboot, so "nothing pending" cannot be concluded yet).
 */
const PENDING_APPLY_STATUSES = new Set(["pending-reboot", "applying"]);

/** A parameter group not in sync yet, or any pending modification (an empty PendingModifiedValues is none). */
function pendingReboot(instance: DBInstance): boolean {
  if (instance.DBParameterGroups?.some((g) => PENDING_APPLY_STATUSES.has(g.ParameterApplyStatus ?? ""))) return true;
  return Object.values(instance.PendingModifiedValues ?? {}).some((v) => v !== undefined && v !== null);
}
