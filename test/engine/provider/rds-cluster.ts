/**
 * `aws:rds/cluster:Cluster`: check, diff, create, read, update, delete against RDS (moto), after
 * terraform-provider-aws internal/service/rds/cluster.go (rules and requests in rds-cluster-schema.ts, waiters in
 * rds-cluster-wait.ts). The id is the cluster identifier (`d.SetId(identifier)` in `resourceClusterCreate`).
 */
import {
  AddTagsToResourceCommand,
  DeleteDBClusterCommand,
  ModifyDBClusterCommand,
  RemoveTagsFromResourceCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
} from "@aws-sdk/client-rds";
import type { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider/index.js";
import type { IgnoreTags } from "./config.js";
import { plannedChanges } from "./diff.js";
import { describeAwsError, ResourceInitFailed } from "./errors.js";
import type { ProviderContext } from "./rds-instance.js";
import { CLUSTER_INPUTS, CLUSTER_RULES, clusterCreateRequests, clusterUpdateRequest, pointInTimeOf } from "./rds-cluster-schema.js";
import { findCluster, isClusterNotFound, waitClusterAvailable, waitClusterDeleted } from "./rds-cluster-wait.js";
import { managedTags, tagChanges, tagsFromList, tagsToList } from "./tags.js";
import { containsUnknown, defined, isRecord, isSecret, plainBag, secret, stringMapOf, stringOf, type PropertyBag } from "./values.js";

export const CLUSTER_TYPE = "aws:rds/cluster:Cluster";

/** Attributes no RDS API returns: a read keeps them from the prior state. */
const PASSTHROUGH = ["snapshotIdentifier", "restoreToPointInTime", "masterPassword", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier"] as const;

/** `validRestoreType` (full-copy, copy-on-write) and the ConflictsWith of the schema. */
export function checkCluster(news: PropertyBag, olds: PropertyBag = {}): CheckResult {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!CLUSTER_INPUTS.has(key) && key !== "__defaults") failures.push({ property: key, reason: `the stand-in aws provider does not implement ${key}` });
  }
  const known = (key: string) => news[key] !== undefined && news[key] !== null && !containsUnknown(news[key]);
  if (!known("engine") && !containsUnknown(news["engine"])) failures.push({ property: "engine", reason: "Missing required argument" });
  if (!known("clusterIdentifier") && !containsUnknown(news["clusterIdentifier"])) failures.push({ property: "clusterIdentifier", reason: "the stand-in does not auto-name clusters" });
  const pit = pointInTimeOf(plainBag(news));
  if (pit && known("snapshotIdentifier")) failures.push({ property: "restoreToPointInTime", reason: '"restore_to_point_in_time": conflicts with snapshot_identifier' });
  // GUESS/limit: upstream also creates from scratch, from S3, as a replica or global member; the stand-in only restores.
  if (Object.keys(olds).length === 0 && !pit && !known("snapshotIdentifier") && !containsUnknown(news["snapshotIdentifier"])) {
    failures.push({ property: "snapshotIdentifier", reason: "the stand-in implements only the restore paths (from a snapshot, to a point in time)" });
  }
  if (pit) {
    const type = stringOf(pit, "restoreType");
    if (type !== undefined && !["full-copy", "copy-on-write"].includes(type)) failures.push({ property: "restoreToPointInTime.restoreType", reason: "expected restore_type to be one of [full-copy copy-on-write]" });
    if (pit["useLatestRestorableTime"] === true && stringOf(pit, "restoreToTime")) failures.push({ property: "restoreToPointInTime.useLatestRestorableTime", reason: "conflicts with restore_to_time" });
    if (!stringOf(pit, "sourceClusterIdentifier") && !containsUnknown(pit["sourceClusterIdentifier"])) failures.push({ property: "restoreToPointInTime.sourceClusterIdentifier", reason: "the stand-in needs source_cluster_identifier" });
  }
  const retention = plainBag(news)["backupRetentionPeriod"];
  if (typeof retention === "number" && retention > 35) failures.push({ property: "backupRetentionPeriod", reason: "expected backup_retention_period to be at most (35)" });
  return { inputs: news, failures };
}

export function diffCluster(olds: PropertyBag, news: PropertyBag): DiffResult & { readonly diffs: string[] } {
  const { changed, replaces } = plannedChanges(CLUSTER_RULES, olds, news);
  return { changes: changed.length > 0, replaces, diffs: changed };
}

/** What `resourceClusterRead` sets. */
export function clusterOutputs(cluster: DBCluster, ignore: IgnoreTags): PropertyBag {
  const tags = managedTags(tagsFromList(cluster.TagList), ignore);
  return defined({
    clusterIdentifier: cluster.DBClusterIdentifier,
    arn: cluster.DBClusterArn,
    clusterResourceId: cluster.DbClusterResourceId,
    engine: cluster.Engine,
    engineVersion: cluster.EngineVersion,
    engineVersionActual: cluster.EngineVersion,
    endpoint: cluster.Endpoint,
    readerEndpoint: cluster.ReaderEndpoint,
    hostedZoneId: cluster.HostedZoneId,
    port: cluster.Port,
    dbSubnetGroupName: cluster.DBSubnetGroup,
    dbClusterParameterGroupName: cluster.DBClusterParameterGroup,
    vpcSecurityGroupIds: (cluster.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
    backupRetentionPeriod: cluster.BackupRetentionPeriod,
    copyTagsToSnapshot: cluster.CopyTagsToSnapshot,
    iamDatabaseAuthenticationEnabled: cluster.IAMDatabaseAuthenticationEnabled,
    deletionProtection: cluster.DeletionProtection,
    storageEncrypted: cluster.StorageEncrypted,
    kmsKeyId: cluster.KmsKeyId,
    masterUsername: cluster.MasterUsername,
    databaseName: cluster.DatabaseName,
    clusterMembers: (cluster.DBClusterMembers ?? []).flatMap((m) => (m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [])),
    tags,
    tagsAll: tags,
  });
}

function passthroughFrom(prior: PropertyBag): PropertyBag {
  const kept: PropertyBag = {};
  for (const key of PASSTHROUGH) {
    const value = prior[key];
    if (value === undefined || value === null) continue;
    kept[key] = key === "masterPassword" && !isSecret(value) ? secret(value) : value;
  }
  return kept;
}

function stateAfterWrite(cluster: DBCluster, ignore: IgnoreTags, inputs: PropertyBag): PropertyBag {
  const withDefaults: PropertyBag = { ...inputs, skipFinalSnapshot: inputs["skipFinalSnapshot"] ?? false };
  return { ...clusterOutputs(cluster, ignore), ...passthroughFrom(withDefaults) };
}

export async function createCluster(ctx: ProviderContext, inputs: PropertyBag): Promise<CreateResult> {
  const { rds } = ctx.clients();
  const ignore = ctx.config().ignoreTags;
  const plain = plainBag(inputs);
  const identifier = stringOf(plain, "clusterIdentifier")!;
  const requests = clusterCreateRequests(plain, ignore);
  try {
    if (requests.toPointInTime) await rds.send(new RestoreDBClusterToPointInTimeCommand(requests.toPointInTime));
    else await rds.send(new RestoreDBClusterFromSnapshotCommand(requests.fromSnapshot!));
  } catch (error) {
    throw describeAwsError(`creating RDS Cluster (${identifier})`, error);
  }
  // The cluster exists from here on: a failure keeps it in the state (ResourceInitFailed).
  try {
    await waitClusterAvailable(rds, identifier, "created");
    if (requests.modify) {
      await rds.send(new ModifyDBClusterCommand(requests.modify)).catch((error: unknown) => {
        throw describeAwsError(`updating RDS Cluster (${identifier})`, error);
      });
      await waitClusterAvailable(rds, identifier, "updated");
    }
    const cluster = await findCluster(rds, identifier);
    if (!cluster) throw new Error(`reading RDS Cluster (${identifier}): not found after create`);
    return { id: identifier, outs: stateAfterWrite(cluster, ignore, inputs) };
  } catch (error) {
    throw new ResourceInitFailed(identifier, { ...passthroughFrom(inputs), clusterIdentifier: identifier }, error);
  }
}

/** Refresh: a cluster RDS no longer has is gone (empty id). Import is not implemented (rds-echo never imports one). */
export async function readCluster(ctx: ProviderContext, id: string, props: PropertyBag | undefined): Promise<ReadResult> {
  const prior = isRecord(props) ? props : {};
  if (Object.keys(prior).length === 0) throw new Error(`the stand-in does not implement importing ${CLUSTER_TYPE} (${id})`);
  const cluster = await findCluster(ctx.clients().rds, id);
  if (!cluster) return { id: "", props: {} };
  return { id, props: { ...clusterOutputs(cluster, ctx.config().ignoreTags), ...passthroughFrom(prior) } };
}

export async function updateCluster(ctx: ProviderContext, id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult> {
  const { rds } = ctx.clients();
  const ignore = ctx.config().ignoreTags;
  const plainOlds = plainBag(olds);
  const plainNews = plainBag(news);
  const { changed } = plannedChanges(CLUSTER_RULES, olds, news);
  if (changed.includes("tags")) {
    const arn = stringOf(plainOlds, "arn");
    const { remove, upsert } = tagChanges(stringMapOf(plainOlds, "tagsAll"), managedTags(stringMapOf(plainNews, "tags"), ignore), ignore);
    try {
      if (remove.length > 0) await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: remove }));
      if (Object.keys(upsert).length > 0) await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagsToList(upsert) }));
    } catch (error) {
      throw describeAwsError(`updating tags of RDS Cluster (${id})`, error);
    }
  }
  const modify = clusterUpdateRequest(id, plainOlds, plainNews, changed);
  if (modify) {
    await rds.send(new ModifyDBClusterCommand(modify)).catch((error: unknown) => {
      throw describeAwsError(`updating RDS Cluster (${id})`, error);
    });
    await waitClusterAvailable(rds, id, "updated");
  }
  const cluster = await findCluster(rds, id);
  if (!cluster) throw new Error(`reading RDS Cluster (${id}): not found after update`);
  return { outs: stateAfterWrite(cluster, ignore, news) };
}

/**
 * `resourceClusterDelete`, from the STATE: a final snapshot unless skipFinalSnapshot, and none of the two is an
 * error before any call. Deletion protection switched on out of band is lifted only when the state says off and
 * applyImmediately is on (as for an instance).
 */
export async function deleteCluster(ctx: ProviderContext, id: string, props: PropertyBag): Promise<void> {
  const { rds } = ctx.clients();
  const state = plainBag(props);
  const skip = state["skipFinalSnapshot"] === true;
  const finalSnapshot = stringOf(state, "finalSnapshotIdentifier");
  if (!skip && !finalSnapshot) throw new Error("RDS Cluster final_snapshot_identifier is required when skip_final_snapshot is false");
  const input = { DBClusterIdentifier: id, SkipFinalSnapshot: skip, ...(skip ? {} : { FinalDBSnapshotIdentifier: finalSnapshot }) };
  try {
    try {
      await rds.send(new DeleteDBClusterCommand(input));
    } catch (error) {
      const protectedError = error instanceof Error && error.name === "InvalidParameterCombination" && /deletion protection/i.test(error.message);
      if (!protectedError || state["deletionProtection"] === true || state["applyImmediately"] !== true) throw error;
      await rds.send(new ModifyDBClusterCommand({ ApplyImmediately: true, DBClusterIdentifier: id, DeletionProtection: false }));
      await waitClusterAvailable(rds, id, "updated");
      await rds.send(new DeleteDBClusterCommand(input));
    }
  } catch (error) {
    if (isClusterNotFound(error)) return;
    throw describeAwsError(`deleting RDS Cluster (${id})`, error);
  }
  await waitClusterDeleted(rds, id);
}
