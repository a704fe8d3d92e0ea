/**
 * The `restore_to_point_in_time` path of `aws:rds/instance:Instance`, after terraform-provider-aws
 * internal/service/rds/instance.go (v5 line: schema version 2, "NOTE ON ID, IDENTIFIER", `getTagsIn`):
 * - the block's schema: TypeList MaxItems 1, Optional, ForceNew, ConflictsWith `snapshot_identifier` (also s3_import,
 *   replicate_source_db); `restore_time` validated by verify.ValidUTCTimestamp and ConflictsWith
 *   `use_latest_restorable_time`;
 * - `resourceInstanceCreate`, `else if v, ok := d.GetOk("restore_to_point_in_time")` branch: which inputs go into
 *   RestoreDBInstanceToPointInTimeInput, and which into the ModifyDBInstance after it (`requiresModifyDbInstance`).
 *   It differs from the snapshot branch: storage_type and iops are restore fields here; backup_retention_period,
 *   password, engine_version and ca_cert_identifier are not sent at all (only a later update sends them).
 * GUESS: pulumi-aws 7.x is bridged from the v6 line, which may route more inputs on this path; rds-echo's program
 * declares none of them at `new` (its password and backup retention come with stage `modified`, an update).
 */
import type { ModifyDBInstanceCommandInput, RestoreDBInstanceToPointInTimeCommandInput } from "@aws-sdk/client-rds";
import type { CheckFailure } from "@pulumi/pulumi/provider/index.js";
import type { IgnoreTags } from "./config.js";
import { truthy } from "./rds-instance-requests.js";
import { managedTags, tagsToList } from "./tags.js";
import { booleanOf, containsUnknown, isRecord, numberOf, stringListOf, stringMapOf, stringOf, type PropertyBag } from "./values.js";

const BLOCK = "restoreToPointInTime";

/** verify.ValidUTCTimestamp: `time.Parse(time.RFC3339, v)` must succeed (it checks the form, not the zone). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The block as the program declared it, or undefined when it declares none. */
export function pointInTimeBlock(inputs: PropertyBag): PropertyBag | undefined {
  const block = inputs[BLOCK];
  return isRecord(block) ? block : undefined;
}

/** The block's schema rules, and what the stand-in does not implement (refused rather than ignored). */
export function checkPointInTime(news: PropertyBag): CheckFailure[] {
  const block = pointInTimeBlock(news);
  if (!block || containsUnknown(block)) return [];
  const failures: CheckFailure[] = [];
  const fail = (field: string, reason: string) => failures.push({ property: `${BLOCK}.${field}`, reason });
  const time = stringOf(block, "restoreTime");
  if (time !== undefined && (!RFC3339.test(time) || Number.isNaN(Date.parse(time)))) fail("restoreTime", `"${time}" must be in RFC3339 time format`);
  if (time !== undefined && booleanOf(block, "useLatestRestorableTime") === true) fail("restoreTime", "conflicts with use_latest_restorable_time");
  // MOTO: 5.2.5's restore_db_instance_to_point_in_time finds the source only by SourceDBInstanceIdentifier.
  for (const field of ["sourceDbiResourceId", "sourceDbInstanceAutomatedBackupsArn"]) {
    if (stringOf(block, field) !== undefined) fail(field, `the stand-in aws provider does not implement ${field} (moto restores only by source identifier)`);
  }
  if (stringOf(block, "sourceDbInstanceIdentifier") === undefined) fail("sourceDbInstanceIdentifier", "the stand-in needs the source instance's identifier");
  return failures;
}

export interface PointInTimeRequests {
  readonly restore: RestoreDBInstanceToPointInTimeCommandInput;
  readonly modify?: ModifyDBInstanceCommandInput;
}

/** `inputs` must be plain (secrets revealed) and carry the block. */
export function pointInTimeRequests(inputs: PropertyBag, ignore: IgnoreTags): PointInTimeRequests {
  const block = pointInTimeBlock(inputs) ?? {};
  const identifier = stringOf(inputs, "identifier")!;
  // Always sent (`d.Get`), defaults applied.
  const restore: RestoreDBInstanceToPointInTimeCommandInput = {
    AutoMinorVersionUpgrade: booleanOf(inputs, "autoMinorVersionUpgrade") ?? true,
    CopyTagsToSnapshot: booleanOf(inputs, "copyTagsToSnapshot") ?? false,
    DBInstanceClass: stringOf(inputs, "instanceClass"),
    DeletionProtection: booleanOf(inputs, "deletionProtection") ?? false,
    PubliclyAccessible: booleanOf(inputs, "publiclyAccessible") ?? false,
    Tags: tagsToList(managedTags(stringMapOf(inputs, "tags"), ignore)),
    TargetDBInstanceIdentifier: identifier,
  };
  const time = stringOf(block, "restoreTime");
  if (time !== undefined) restore.RestoreTime = new Date(time);
  const source = stringOf(block, "sourceDbInstanceIdentifier");
  if (source !== undefined) restore.SourceDBInstanceIdentifier = source;
  if (booleanOf(block, "useLatestRestorableTime") === true) restore.UseLatestRestorableTime = true;
  // `d.GetOk`: a zero value is not sent.
  const set = <K extends keyof RestoreDBInstanceToPointInTimeCommandInput>(key: K, value: RestoreDBInstanceToPointInTimeCommandInput[K] | undefined) => {
    if (truthy(value)) restore[key] = value;
  };
  set("AvailabilityZone", stringOf(inputs, "availabilityZone"));
  set("DBSubnetGroupName", stringOf(inputs, "dbSubnetGroupName"));
  set("Engine", stringOf(inputs, "engine"));
  set("EnableIAMDatabaseAuthentication", booleanOf(inputs, "iamDatabaseAuthenticationEnabled"));
  set("Iops", numberOf(inputs, "iops"));
  set("LicenseModel", stringOf(inputs, "licenseModel"));
  set("MultiAZ", booleanOf(inputs, "multiAz"));
  set("OptionGroupName", stringOf(inputs, "optionGroupName"));
  set("DBParameterGroupName", stringOf(inputs, "parameterGroupName"));
  set("Port", numberOf(inputs, "port"));
  set("StorageType", stringOf(inputs, "storageType"));
  const securityGroups = stringListOf(inputs, "vpcSecurityGroupIds") ?? [];
  if (securityGroups.length > 0) restore.VpcSecurityGroupIds = securityGroups;

  // What this branch sends in the ModifyDBInstance after the restore (`GetOk`, so only non-zero values).
  const modify: ModifyDBInstanceCommandInput = { DBInstanceIdentifier: identifier, ApplyImmediately: true };
  let requiresModify = false;
  for (const [key, value] of [
    ["MonitoringInterval", numberOf(inputs, "monitoringInterval")],
    ["MonitoringRoleArn", stringOf(inputs, "monitoringRoleArn")],
  ] as const) {
    if (!truthy(value)) continue;
    Object.assign(modify, { [key]: value });
    requiresModify = true;
  }
  return requiresModify ? { restore, modify } : { restore };
}
