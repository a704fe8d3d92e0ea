/**
 * The `aws:rds/cluster:Cluster` properties the stand-in implements, with the rules the real provider applies, and the
 * RDS requests built from them as pure functions.
 *
 * Sources (read, not copied): terraform-provider-aws internal/service/rds/cluster.go, `resourceCluster()` schema
 * (Optional/Computed/ForceNew/Default), `resourceClusterCreate` (the `snapshot_identifier` and
 * `restore_to_point_in_time` branches: what goes into the restore input and what sets `requiresModifyDbCluster` for
 * the ModifyDBCluster that follows), `resourceClusterUpdate` (one ModifyDBCluster of the changed attributes,
 * ApplyImmediately from `apply_immediately`, addressed by `d.Id()`); @pulumi/aws 7.48.0 rds/cluster.d.ts for names.
 */
import type { ModifyDBClusterCommandInput, RestoreDBClusterFromSnapshotCommandInput, RestoreDBClusterToPointInTimeCommandInput } from "@aws-sdk/client-rds";
import type { IgnoreTags } from "./config.js";
import type { DiffRule } from "./diff.js";
import { truthy } from "./rds-instance-requests.js";
import { managedTags, tagsToList } from "./tags.js";
import { booleanOf, isRecord, numberOf, stringListOf, stringMapOf, stringOf, type PropertyBag } from "./values.js";

export const CLUSTER_RULES: Readonly<Record<string, DiffRule>> = {
  // Optional+Computed+ForceNew (ConflictsWith cluster_identifier_prefix); the id.
  clusterIdentifier: { kind: "string", computed: true, forceNew: true },
  engine: { kind: "string", forceNew: true }, // Required, ForceNew
  engineVersion: { kind: "string", computed: true },
  // Optional+ForceNew; never read back (resourceClusterRead does not set it).
  snapshotIdentifier: { kind: "string", forceNew: true },
  // TypeList MaxItems 1, Optional, ForceNew, ConflictsWith snapshot_identifier; never read back.
  restoreToPointInTime: { kind: "block", forceNew: true },
  dbSubnetGroupName: { kind: "string", computed: true, forceNew: true },
  port: { kind: "number", computed: true },
  copyTagsToSnapshot: { kind: "boolean", default: false },
  // Optional+Computed on a cluster (unlike an instance, where it has Default false).
  applyImmediately: { kind: "boolean", computed: true },
  skipFinalSnapshot: { kind: "boolean", default: false },
  finalSnapshotIdentifier: { kind: "string" },
  dbClusterParameterGroupName: { kind: "string", computed: true },
  vpcSecurityGroupIds: { kind: "set", computed: true },
  backupRetentionPeriod: { kind: "number", computed: true },
  // Optional, Sensitive, not Computed: never read back.
  masterPassword: { kind: "string" },
  iamDatabaseAuthenticationEnabled: { kind: "boolean" }, // Optional, no default
  deletionProtection: { kind: "boolean" }, // Optional, no default
  tags: { kind: "map" },
  // Computed, not declared by rds-echo: kept so that declaring them would replace, as upstream.
  storageEncrypted: { kind: "boolean", computed: true, forceNew: true },
  kmsKeyId: { kind: "string", computed: true, forceNew: true },
  masterUsername: { kind: "string", computed: true, forceNew: true },
  databaseName: { kind: "string", computed: true, forceNew: true },
};

export const CLUSTER_INPUTS: ReadonlySet<string> = new Set(Object.keys(CLUSTER_RULES));

/** The inputs no ModifyDBCluster carries (`HasChangesExcept(…)` in resourceClusterUpdate); tags go by ARN. */
export const NO_MODIFY_INPUTS: ReadonlySet<string> = new Set(["finalSnapshotIdentifier", "skipFinalSnapshot", "tags", "applyImmediately"]);

export interface ClusterCreateRequests {
  readonly fromSnapshot?: RestoreDBClusterFromSnapshotCommandInput;
  readonly toPointInTime?: RestoreDBClusterToPointInTimeCommandInput;
  /** Undefined when nothing sets `requiresModifyDbCluster`. */
  readonly modify?: ModifyDBClusterCommandInput;
}

export function pointInTimeOf(inputs: PropertyBag): PropertyBag | undefined {
  const block = inputs["restoreToPointInTime"];
  const first = Array.isArray(block) ? block[0] : block;
  return isRecord(first) ? first : undefined;
}

/** `inputs` must be plain (secrets revealed). */
export function clusterCreateRequests(inputs: PropertyBag, ignore: IgnoreTags): ClusterCreateRequests {
  const identifier = stringOf(inputs, "clusterIdentifier")!;
  const common = {
    CopyTagsToSnapshot: booleanOf(inputs, "copyTagsToSnapshot") ?? false,
    DBClusterIdentifier: identifier,
    DeletionProtection: booleanOf(inputs, "deletionProtection") ?? false,
    Tags: tagsToList(managedTags(stringMapOf(inputs, "tags"), ignore)),
  };
  const optional: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (truthy(value)) optional[key] = value;
  };
  set("DBClusterParameterGroupName", stringOf(inputs, "dbClusterParameterGroupName"));
  set("DBSubnetGroupName", stringOf(inputs, "dbSubnetGroupName"));
  set("KmsKeyId", stringOf(inputs, "kmsKeyId"));
  set("Port", numberOf(inputs, "port"));
  const securityGroups = stringListOf(inputs, "vpcSecurityGroupIds") ?? [];
  if (securityGroups.length > 0) optional["VpcSecurityGroupIds"] = securityGroups;

  // Both branches put backup_retention_period and master_password into the ModifyDBCluster after the restore.
  const modify: ModifyDBClusterCommandInput = { DBClusterIdentifier: identifier, ApplyImmediately: true };
  let requiresModify = false;
  const retention = numberOf(inputs, "backupRetentionPeriod");
  if (truthy(retention)) {
    modify.BackupRetentionPeriod = retention;
    requiresModify = true;
  }
  const password = stringOf(inputs, "masterPassword");
  if (truthy(password)) {
    modify.MasterUserPassword = password;
    requiresModify = true;
  }
  const pit = pointInTimeOf(inputs);
  const iamAuth = booleanOf(inputs, "iamDatabaseAuthenticationEnabled");
  if (stringOf(inputs, "snapshotIdentifier") === undefined && pit) {
    const withModify = requiresModify ? { modify } : {};
    const toPointInTime: RestoreDBClusterToPointInTimeCommandInput = {
      ...common,
      ...optional,
      // GUESS: the point-in-time branch takes IAM auth in its request (the snapshot branch does not, below).
      ...(truthy(iamAuth) ? { EnableIAMDatabaseAuthentication: iamAuth } : {}),
      SourceDBClusterIdentifier: stringOf(pit, "sourceClusterIdentifier"),
    };
    const restoreType = stringOf(pit, "restoreType");
    if (truthy(restoreType)) toPointInTime.RestoreType = restoreType;
    if (booleanOf(pit, "useLatestRestorableTime") === true) toPointInTime.UseLatestRestorableTime = true;
    const time = stringOf(pit, "restoreToTime");
    if (truthy(time)) toPointInTime.RestoreToTime = new Date(time);
    return { toPointInTime, ...withModify };
  }
  // RestoreDBClusterFromSnapshot takes no IAM auth in upstream's request: the ModifyDBCluster after the restore sets it.
  if (truthy(iamAuth)) {
    modify.EnableIAMDatabaseAuthentication = iamAuth;
    requiresModify = true;
  }
  const withModify = requiresModify ? { modify } : {};
  const fromSnapshot: RestoreDBClusterFromSnapshotCommandInput = {
    ...common,
    ...optional,
    Engine: stringOf(inputs, "engine"),
    SnapshotIdentifier: stringOf(inputs, "snapshotIdentifier"),
  };
  const engineVersion = stringOf(inputs, "engineVersion");
  if (truthy(engineVersion)) fromSnapshot.EngineVersion = engineVersion;
  const databaseName = stringOf(inputs, "databaseName");
  if (truthy(databaseName)) fromSnapshot.DatabaseName = databaseName;
  return { fromSnapshot, ...withModify };
}

/** `resourceClusterUpdate`: undefined when only tags or delete-time attributes changed. */
export function clusterUpdateRequest(id: string, olds: PropertyBag, news: PropertyBag, changed: readonly string[]): ModifyDBClusterCommandInput | undefined {
  if (!changed.some((key) => !NO_MODIFY_INPUTS.has(key))) return undefined;
  const planned: PropertyBag = { ...olds };
  for (const [key, rule] of Object.entries(CLUSTER_RULES)) {
    if (news[key] !== undefined && news[key] !== null) planned[key] = news[key];
    else if (!rule.computed) planned[key] = rule.default;
  }
  const has = (key: string) => changed.includes(key);
  const input: ModifyDBClusterCommandInput = { ApplyImmediately: booleanOf(planned, "applyImmediately") ?? false, DBClusterIdentifier: id };
  if (has("backupRetentionPeriod")) input.BackupRetentionPeriod = numberOf(planned, "backupRetentionPeriod");
  if (has("copyTagsToSnapshot")) input.CopyTagsToSnapshot = booleanOf(planned, "copyTagsToSnapshot") ?? false;
  if (has("dbClusterParameterGroupName")) input.DBClusterParameterGroupName = stringOf(planned, "dbClusterParameterGroupName");
  if (has("deletionProtection")) input.DeletionProtection = booleanOf(planned, "deletionProtection") ?? false;
  if (has("engineVersion")) input.EngineVersion = stringOf(planned, "engineVersion");
  if (has("iamDatabaseAuthenticationEnabled")) input.EnableIAMDatabaseAuthentication = booleanOf(planned, "iamDatabaseAuthenticationEnabled") ?? false;
  if (has("masterPassword") && stringOf(planned, "masterPassword")) input.MasterUserPassword = stringOf(planned, "masterPassword");
  if (has("port")) input.Port = numberOf(planned, "port");
  const securityGroups = stringListOf(planned, "vpcSecurityGroupIds") ?? [];
  if (has("vpcSecurityGroupIds") && securityGroups.length > 0) input.VpcSecurityGroupIds = securityGroups;
  return input;
}
