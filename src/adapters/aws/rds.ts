import {
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
import type { InstanceInfo, RdsPort, SnapshotInfo, SnapshotSource } from "../../ports.js";
import type { SnapshotType } from "../../definition/schema.js";
import { InstanceNotFoundError, mapAwsError } from "./errors.js";

/** DescribeDBInstances returns at most 100 records per page, and its `db-instance-id` filter takes as many values. */
const BATCH = 100;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:/;

/** RdsPort on the AWS SDK: every SDK error leaves through mapAwsError. */
export class AwsRds implements RdsPort {
  constructor(private readonly client: RDSClient) {}

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    if (source.explicit !== undefined) return this.explicitSnapshot(source.explicit);
    let newest: SnapshotInfo | undefined;
    for (const type of source.types) {
      for (const snapshot of await this.snapshotsOf(source.instance, type)) {
        if (newest === undefined || snapshot.createdAt > newest.createdAt) newest = snapshot;
      }
    }
    if (newest === undefined) {
      throw new SnapshotNotFoundError(`no available ${source.types.join("/")} snapshot of ${source.instance}`);
    }
    return newest;
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

  /** The explicit snapshot, as given (an id or an ARN), provided it exists and is available. */
  private async explicitSnapshot(reference: string): Promise<SnapshotInfo> {
    const input: DescribeDBSnapshotsCommandInput = SNAPSHOT_ARN.test(reference)
      ? { DBSnapshotIdentifier: reference, IncludeShared: true }
      : { DBSnapshotIdentifier: reference };
    const out = await this.call(`DescribeDBSnapshots ${reference}`, () => this.client.send(new DescribeDBSnapshotsCommand(input)));
    const snapshot = out.DBSnapshots?.[0];
    if (snapshot === undefined) throw new SnapshotNotFoundError(`snapshot ${reference} not found`);
    if (snapshot.Status !== "available") {
      throw new SnapshotNotFoundError(`snapshot ${reference} is ${snapshot.Status ?? "of unknown status"}, not available`);
    }
    if (snapshot.SnapshotCreateTime === undefined) throw new SnapshotNotFoundError(`snapshot ${reference} has no creation time`);
    return { ...snapshotInfo(snapshot, snapshot.SnapshotCreateTime), id: reference };
  }

  /**
   * Every available snapshot of one type, all pages. A shared snapshot's DBInstanceIdentifier is the source instance's
   * id in the owning account, so shared ones are listed without the server-side filter and matched here.
   */
  private async snapshotsOf(instance: string, type: SnapshotType): Promise<SnapshotInfo[]> {
    const input: DescribeDBSnapshotsCommandInput =
      type === "shared"
        ? { SnapshotType: "shared", IncludeShared: true }
        : { SnapshotType: type, DBInstanceIdentifier: instance };
    const found: SnapshotInfo[] = [];
    try {
      for await (const page of paginateDescribeDBSnapshots({ client: this.client }, input)) {
        for (const snapshot of page.DBSnapshots ?? []) {
          if (snapshot.DBInstanceIdentifier?.toLowerCase() !== instance.toLowerCase()) continue;
          if (snapshot.Status !== "available" || snapshot.SnapshotCreateTime === undefined) continue;
          const info = snapshotInfo(snapshot, snapshot.SnapshotCreateTime);
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

function snapshotInfo(snapshot: DBSnapshot, createdAt: Date): SnapshotInfo {
  return {
    id: snapshot.DBSnapshotIdentifier ?? snapshot.DBSnapshotArn ?? "",
    arn: snapshot.DBSnapshotArn,
    type: snapshot.SnapshotType ?? "unknown",
    createdAt,
    status: snapshot.Status ?? "unknown",
  };
}

/** The port's view of an instance; undefined for a record without an identifier (never seen in practice). */
export function toInstanceInfo(instance: DBInstance): InstanceInfo | undefined {
  if (instance.DBInstanceIdentifier === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of instance.TagList ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? "";
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

/** A parameter group waiting for a reboot, or any pending modification (an empty PendingModifiedValues is none). */
function pendingReboot(instance: DBInstance): boolean {
  if (instance.DBParameterGroups?.some((g) => g.ParameterApplyStatus === "pending-reboot")) return true;
  return Object.values(instance.PendingModifiedValues ?? {}).some((v) => v !== undefined && v !== null);
}
