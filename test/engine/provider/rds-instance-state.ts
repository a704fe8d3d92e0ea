/**
 * The state (outputs) of an `aws:rds/instance:Instance`, from a DescribeDBInstances answer, the way
 * `resourceInstanceRead` (internal/service/rds/instance.go) sets it, plus the attributes RDS never reports, which a
 * Terraform read leaves as the prior state had them ("implicit state passthrough"): snapshotIdentifier,
 * restoreToPointInTime, password, applyImmediately, skipFinalSnapshot, finalSnapshotIdentifier, deleteAutomatedBackups.
 */
import type { DBInstance } from "@aws-sdk/client-rds";
import type { IgnoreTags } from "./config.js";
import { managedTags, tagsFromList } from "./tags.js";
import type { DiffRule } from "./diff.js";
import { defined, isRecord, isSecret, reveal, secret, type PropertyBag } from "./values.js";

/** Attributes no RDS API returns: a read keeps them from the prior state (or the import defaults). */
export const PASSTHROUGH = ["snapshotIdentifier", "restoreToPointInTime", "password", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier", "deleteAutomatedBackups"] as const;

/** What `resourceInstanceRead` reads. `port` comes from Endpoint.Port when there is an endpoint (as upstream). */
export function readOutputs(instance: DBInstance, ignore: IgnoreTags): PropertyBag {
  const tags = managedTags(tagsFromList(instance.TagList), ignore);
  const address = instance.Endpoint?.Address;
  const endpointPort = instance.Endpoint?.Port;
  return defined({
    identifier: instance.DBInstanceIdentifier,
    resourceId: instance.DbiResourceId,
    arn: instance.DBInstanceArn,
    status: instance.DBInstanceStatus,
    instanceClass: instance.DBInstanceClass,
    availabilityZone: instance.AvailabilityZone,
    multiAz: instance.MultiAZ,
    storageType: instance.StorageType,
    iops: instance.Iops ?? 0,
    allocatedStorage: instance.AllocatedStorage,
    port: endpointPort ?? instance.DbInstancePort,
    address,
    endpoint: address !== undefined && endpointPort !== undefined ? `${address}:${endpointPort}` : undefined,
    hostedZoneId: instance.Endpoint?.HostedZoneId,
    dbSubnetGroupName: instance.DBSubnetGroup?.DBSubnetGroupName,
    optionGroupName: instance.OptionGroupMemberships?.[0]?.OptionGroupName,
    parameterGroupName: instance.DBParameterGroups?.[0]?.DBParameterGroupName,
    vpcSecurityGroupIds: (instance.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
    autoMinorVersionUpgrade: instance.AutoMinorVersionUpgrade,
    publiclyAccessible: instance.PubliclyAccessible,
    licenseModel: instance.LicenseModel,
    copyTagsToSnapshot: instance.CopyTagsToSnapshot,
    backupRetentionPeriod: instance.BackupRetentionPeriod,
    backupWindow: instance.PreferredBackupWindow,
    maintenanceWindow: instance.PreferredMaintenanceWindow?.toLowerCase(),
    caCertIdentifier: instance.CACertificateIdentifier,
    iamDatabaseAuthenticationEnabled: instance.IAMDatabaseAuthenticationEnabled,
    monitoringInterval: instance.MonitoringInterval ?? 0,
    monitoringRoleArn: instance.MonitoringRoleArn,
    deletionProtection: instance.DeletionProtection,
    storageEncrypted: instance.StorageEncrypted,
    kmsKeyId: instance.KmsKeyId,
    // MOTO: 5.2.5 reports the source of a point-in-time restore here (its restore keeps SourceDBInstanceIdentifier
    // on the copy), where real RDS reports only a read replica's source; the real Read stores whatever RDS reports.
    replicateSourceDb: instance.ReadReplicaSourceDBInstanceIdentifier,
    engine: instance.Engine?.toLowerCase(),
    engineVersion: instance.EngineVersion,
    engineVersionActual: instance.EngineVersion,
    dbName: instance.DBName,
    username: instance.MasterUsername,
    networkType: instance.NetworkType,
    latestRestorableTime: instance.LatestRestorableTime?.toISOString(),
    // `setTagsOut` then the tagging interceptor: tags_all is every managed tag, tags is tags_all minus the
    // provider's default_tags (rds-echo configures none, so the two are equal).
    tags,
    tagsAll: tags,
  });
}

/** The passthrough attributes from a prior state, with `password` kept secret (its schema marks it `secret`). */
export function passthroughFrom(prior: PropertyBag): PropertyBag {
  const kept: PropertyBag = {};
  for (const key of PASSTHROUGH) {
    const value = prior[key];
    if (value === undefined || value === null) continue;
    kept[key] = key === "password" && !isSecret(value) ? secret(value) : value;
  }
  return kept;
}

/**
 * `resourceInstanceImport`: "Neither skip_final_snapshot nor final_snapshot_identifier can be fetched from any API
 * call", so an import sets skip_final_snapshot = true and delete_automated_backups = true. snapshot_identifier stays
 * unknown to the state: RDS does not report what an instance was restored from.
 */
export const IMPORT_DEFAULTS: PropertyBag = { skipFinalSnapshot: true, deleteAutomatedBackups: true };

/**
 * The inputs an import reports: pulumi-terraform-bridge pkg/tfbridge/schema.go `ExtractInputsFromOutputs` with
 * isRefresh false, i.e. `extractSchemaInputsObject` over the imported state: attributes that are no input (Computed
 * only) go, and so does every input that is not Required and holds its Default or, with none, its zero value
 * (`isDefaultOrZeroValue`: null, false, 0, "", an empty list or map); `__defaults: []` is added. So an import's inputs
 * carry skipFinalSnapshot (true, not its Default) but not deleteAutomatedBackups (true, its Default), nor any false
 * or 0. GUESS/omission: the bridge also puts `__defaults: []` inside each map input (tags); the stand-in leaves
 * that out (its Check would read it as a tag), which changes only what a display of the old inputs shows.
 */
export function importInputs(outputs: PropertyBag, rules: Readonly<Record<string, DiffRule>>, required: ReadonlySet<string>): PropertyBag {
  const inputs: PropertyBag = {};
  for (const [key, value] of Object.entries(outputs)) {
    const rule = rules[key];
    if (rule === undefined) continue;
    if (!required.has(key) && isDefaultOrZero(rule, value)) continue;
    inputs[key] = value;
  }
  return { ...inputs, __defaults: [] };
}

function isDefaultOrZero(rule: DiffRule, value: unknown): boolean {
  const plain = reveal(value);
  if (rule.default !== undefined) return plain === rule.default;
  if (plain === undefined || plain === null || plain === false || plain === 0 || plain === "") return true;
  if (Array.isArray(plain)) return plain.length === 0;
  return isRecord(plain) && Object.keys(plain).length === 0;
}
