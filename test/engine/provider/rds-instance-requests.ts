/**
 * The RDS requests of `aws:rds/instance:Instance`, as pure functions of the inputs and state, following
 * internal/service/rds/instance.go:
 * - `restoreRequests`: `resourceInstanceCreate`, `snapshot_identifier` branch: the RestoreDBInstanceFromDBSnapshot
 *   input, and the ModifyDBInstance (ApplyImmediately: true) it needs afterwards when `requiresModifyDbInstance`;
 * - `updateRequest`: `resourceInstanceUpdate` + `dbInstancePopulateModify`: one ModifyDBInstance of the changed
 *   attributes, `ApplyImmediately` from the input (default false), addressed by the OLD identifier.
 * Terraform's `d.GetOk` treats a zero value as unset, so `false`/`0`/`""` inputs are not sent where upstream uses it.
 */
import type { ModifyDBInstanceCommandInput, RestoreDBInstanceFromDBSnapshotCommandInput } from "@aws-sdk/client-rds";
import type { IgnoreTags } from "./config.js";
import { INSTANCE_RULES, NO_MODIFY_INPUTS } from "./rds-instance-schema.js";
import { managedTags, tagsToList } from "./tags.js";
import { booleanOf, numberOf, stringListOf, stringMapOf, stringOf, type PropertyBag } from "./values.js";

export interface CreateRequests {
  readonly restore: RestoreDBInstanceFromDBSnapshotCommandInput;
  /** Undefined when nothing requires a ModifyDBInstance after the restore. */
  readonly modify?: ModifyDBInstanceCommandInput;
}

/** Terraform's `d.GetOk`: a zero value counts as unset. */
export const truthy = <T>(value: T | undefined): value is T => value !== undefined && value !== 0 && value !== false && value !== "";

/** `inputs` must be plain (secrets revealed). */
export function restoreRequests(inputs: PropertyBag, ignore: IgnoreTags): CreateRequests {
  const identifier = stringOf(inputs, "identifier")!;
  const restore: RestoreDBInstanceFromDBSnapshotCommandInput = {
    AutoMinorVersionUpgrade: booleanOf(inputs, "autoMinorVersionUpgrade") ?? true,
    CopyTagsToSnapshot: booleanOf(inputs, "copyTagsToSnapshot") ?? false,
    DBInstanceClass: stringOf(inputs, "instanceClass"),
    DBInstanceIdentifier: identifier,
    DBSnapshotIdentifier: stringOf(inputs, "snapshotIdentifier"),
    DeletionProtection: booleanOf(inputs, "deletionProtection") ?? false,
    PubliclyAccessible: booleanOf(inputs, "publiclyAccessible") ?? false,
    Tags: tagsToList(managedTags(stringMapOf(inputs, "tags"), ignore)),
  };
  const set = <K extends keyof RestoreDBInstanceFromDBSnapshotCommandInput>(key: K, value: RestoreDBInstanceFromDBSnapshotCommandInput[K] | undefined) => {
    if (truthy(value)) restore[key] = value;
  };
  set("AvailabilityZone", stringOf(inputs, "availabilityZone"));
  set("DBSubnetGroupName", stringOf(inputs, "dbSubnetGroupName"));
  set("Engine", stringOf(inputs, "engine")?.toLowerCase());
  set("EnableIAMDatabaseAuthentication", booleanOf(inputs, "iamDatabaseAuthenticationEnabled"));
  set("LicenseModel", stringOf(inputs, "licenseModel"));
  // Upstream moves MultiAZ to the modify for sqlserver engines only; rds-echo declares no engine, so it is restored.
  set("MultiAZ", booleanOf(inputs, "multiAz"));
  set("OptionGroupName", stringOf(inputs, "optionGroupName"));
  set("DBParameterGroupName", stringOf(inputs, "parameterGroupName"));
  set("Port", numberOf(inputs, "port"));
  const securityGroups = stringListOf(inputs, "vpcSecurityGroupIds") ?? [];
  if (securityGroups.length > 0) restore.VpcSecurityGroupIds = securityGroups;

  const modify: ModifyDBInstanceCommandInput = { DBInstanceIdentifier: identifier, ApplyImmediately: true };
  let requiresModify = false;
  const later = <K extends keyof ModifyDBInstanceCommandInput>(key: K, value: ModifyDBInstanceCommandInput[K] | undefined, sendZero = false) => {
    if (value === undefined || (!sendZero && !truthy(value))) return;
    modify[key] = value;
    requiresModify = true;
  };
  // `GetOkExists("backup_retention_period")`: a configured 0 (disable backups) is sent too.
  later("BackupRetentionPeriod", numberOf(inputs, "backupRetentionPeriod"), true);
  later("EngineVersion", stringOf(inputs, "engineVersion"));
  later("Iops", numberOf(inputs, "iops"));
  later("MonitoringInterval", numberOf(inputs, "monitoringInterval"));
  later("MonitoringRoleArn", stringOf(inputs, "monitoringRoleArn"));
  later("MasterUserPassword", stringOf(inputs, "password"));
  later("StorageType", stringOf(inputs, "storageType"));
  return requiresModify ? { restore, modify } : { restore };
}

/**
 * The planned value of every attribute: the input when given, else the state for a Computed attribute, else the
 * Default (Terraform's `d.Get` during an update).
 */
export function plannedValues(olds: PropertyBag, news: PropertyBag): PropertyBag {
  const planned: PropertyBag = { ...olds };
  for (const [key, rule] of Object.entries(INSTANCE_RULES)) {
    if (news[key] !== undefined && news[key] !== null) planned[key] = news[key];
    else if (!rule.computed) planned[key] = rule.default;
  }
  return planned;
}

/** Undefined when the changes need no ModifyDBInstance (`HasChangesExcept(…)` in resourceInstanceUpdate). */
export function updateRequest(olds: PropertyBag, news: PropertyBag, changed: readonly string[]): ModifyDBInstanceCommandInput | undefined {
  if (!changed.some((key) => !NO_MODIFY_INPUTS.has(key))) return undefined;
  const planned = plannedValues(olds, news);
  const has = (key: string) => changed.includes(key);
  const input: ModifyDBInstanceCommandInput = {
    ApplyImmediately: booleanOf(planned, "applyImmediately") ?? false,
    DBInstanceIdentifier: stringOf(olds, "identifier"),
    // "Always set this" (dbInstancePopulateModify).
    DeletionProtection: booleanOf(planned, "deletionProtection") ?? false,
  };
  if (has("iops")) {
    input.AllocatedStorage = numberOf(planned, "allocatedStorage");
    input.Iops = numberOf(planned, "iops");
  }
  if (has("autoMinorVersionUpgrade")) input.AutoMinorVersionUpgrade = booleanOf(planned, "autoMinorVersionUpgrade");
  if (has("backupRetentionPeriod")) input.BackupRetentionPeriod = numberOf(planned, "backupRetentionPeriod");
  if (has("copyTagsToSnapshot")) input.CopyTagsToSnapshot = booleanOf(planned, "copyTagsToSnapshot");
  if (has("caCertIdentifier")) input.CACertificateIdentifier = stringOf(planned, "caCertIdentifier");
  if (has("dbSubnetGroupName")) input.DBSubnetGroupName = stringOf(planned, "dbSubnetGroupName");
  if (has("iamDatabaseAuthenticationEnabled")) input.EnableIAMDatabaseAuthentication = booleanOf(planned, "iamDatabaseAuthenticationEnabled") ?? false;
  if (has("identifier")) input.NewDBInstanceIdentifier = stringOf(planned, "identifier");
  if (has("instanceClass")) input.DBInstanceClass = stringOf(planned, "instanceClass");
  if (has("licenseModel")) input.LicenseModel = stringOf(planned, "licenseModel");
  if (has("monitoringInterval")) input.MonitoringInterval = numberOf(planned, "monitoringInterval") ?? 0;
  if (has("monitoringRoleArn")) input.MonitoringRoleArn = stringOf(planned, "monitoringRoleArn");
  if (has("multiAz")) input.MultiAZ = booleanOf(planned, "multiAz");
  if (has("optionGroupName")) input.OptionGroupName = stringOf(planned, "optionGroupName");
  // "With ManageMasterUserPassword set to true, the password is no longer needed": sent only when non-empty.
  if (has("password") && stringOf(planned, "password")) input.MasterUserPassword = stringOf(planned, "password");
  if (has("port")) input.DBPortNumber = numberOf(planned, "port");
  if (has("publiclyAccessible")) input.PubliclyAccessible = booleanOf(planned, "publiclyAccessible");
  if (has("storageType")) {
    input.StorageType = stringOf(planned, "storageType");
    if (input.StorageType === "io1") input.Iops = numberOf(planned, "iops");
  }
  const securityGroups = stringListOf(planned, "vpcSecurityGroupIds") ?? [];
  if (has("vpcSecurityGroupIds") && securityGroups.length > 0) input.VpcSecurityGroupIds = securityGroups;
  if (has("engineVersion")) input.EngineVersion = stringOf(planned, "engineVersion");
  if (has("parameterGroupName")) input.DBParameterGroupName = stringOf(planned, "parameterGroupName");
  return input;
}
