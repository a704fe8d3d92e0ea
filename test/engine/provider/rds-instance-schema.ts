/**
 * The `aws:rds/instance:Instance` properties the stand-in implements, each with the rules the real provider applies.
 *
 * Sources (read, not copied):
 * - terraform-provider-aws internal/service/rds/instance.go, `ResourceInstance()` schema (v5/v6 line: the one with the
 *   "NOTE ON ID, IDENTIFIER" header, schema version 2): Optional/Computed/ForceNew/Default of each attribute.
 * - `resourceInstanceCreate`, `snapshot_identifier` branch: which inputs go into RestoreDBInstanceFromDBSnapshotInput
 *   (`atCreate: "restore"`) and which set `requiresModifyDbInstance` and go into the ModifyDBInstance that follows
 *   (`atCreate: "modify"`).
 * - `resourceInstanceCreate`, `restore_to_point_in_time` branch: see `pointInTimeRequests` (rds-instance-requests.ts),
 *   which routes inputs differently from the snapshot path; `atCreate` below is the snapshot path's route.
 * - @pulumi/aws 7.48.0 rds/instance.d.ts: an output typed `Output<T>` (not `T | undefined`) is computed or required
 *   in the bridged schema (e.g. `iops: Output<number>`, `multiAz: Output<boolean>`, but
 *   `storageEncrypted: Output<boolean | undefined>` and `monitoringInterval: Output<number | undefined>`).
 *
 * Rule of the bridged diff (terraform-plugin-sdk v2 planning as the bridge runs it): an input absent from the program
 * is no change when the attribute is Computed (the state keeps what RDS reported); otherwise it plans the Default (or
 * the zero value) against the state.
 */

import type { DiffRule } from "./diff.js";

/** Where a create on the snapshot path sends the input. */
export type CreateRoute =
  | "restore" // RestoreDBInstanceFromDBSnapshotInput
  | "modify" // ModifyDBInstanceInput after the restore (sets requiresModifyDbInstance)
  | "not-sent" // not sent at create on this path (a later update/refresh shows it)
  | "state-only"; // no API field: kept in the state for delete/update behaviour

export interface PropertyRule extends DiffRule {
  readonly atCreate: CreateRoute;
}

const lower = (value: string) => value.toLowerCase();

export const INSTANCE_RULES: Readonly<Record<string, PropertyRule>> = {
  // Optional+Computed, NOT ForceNew since v5: a rename is ModifyDBInstance NewDBInstanceIdentifier
  // (`dbInstancePopulateModify`). validIdentifier only admits lower case, RDS stores lower case.
  identifier: { kind: "string", computed: true, atCreate: "restore", normalize: lower },
  // Optional+Computed+ForceNew. Never read back from RDS (resourceInstanceRead does not set it).
  snapshotIdentifier: { kind: "string", computed: true, forceNew: true, atCreate: "restore" },
  // TypeList MaxItems 1, Optional, ForceNew, NOT Computed (pulumi-aws: `Output<InstanceRestoreToPointInTime |
  // undefined>`), ConflictsWith snapshot_identifier. Never read back either. Its own create path (see above).
  restoreToPointInTime: { kind: "block", forceNew: true, atCreate: "restore" },
  instanceClass: { kind: "string", atCreate: "restore" }, // Required
  availabilityZone: { kind: "string", computed: true, forceNew: true, atCreate: "restore" },
  // Optional+Computed; restored with it except for sqlserver engines (then modify): we send it to the restore.
  multiAz: { kind: "boolean", computed: true, atCreate: "restore" },
  storageType: { kind: "string", computed: true, atCreate: "modify" },
  iops: { kind: "number", computed: true, atCreate: "modify" },
  port: { kind: "number", computed: true, atCreate: "restore" },
  // Optional+Computed, not ForceNew: an update sends DBSubnetGroupName.
  dbSubnetGroupName: { kind: "string", computed: true, atCreate: "restore" },
  optionGroupName: { kind: "string", computed: true, atCreate: "restore" },
  autoMinorVersionUpgrade: { kind: "boolean", default: true, atCreate: "restore" },
  publiclyAccessible: { kind: "boolean", default: false, atCreate: "restore" },
  licenseModel: { kind: "string", computed: true, atCreate: "restore" },
  copyTagsToSnapshot: { kind: "boolean", default: false, atCreate: "restore" },
  // Optional, Default false: an update without it leaves changes for the maintenance window.
  // `stateOnly` (these four and the password): resourceInstanceRead never sets them, so after an import (whose
  // resourceInstanceImport sets only skip_final_snapshot and delete_automated_backups, both true) the others are
  // null in the state, and a plan names them even when it plans their zero value (see diff.ts).
  applyImmediately: { kind: "boolean", default: false, atCreate: "state-only", stateOnly: true },
  skipFinalSnapshot: { kind: "boolean", default: false, atCreate: "state-only", stateOnly: true },
  finalSnapshotIdentifier: { kind: "string", atCreate: "state-only", stateOnly: true },
  deleteAutomatedBackups: { kind: "boolean", default: true, atCreate: "state-only", stateOnly: true },
  // Optional, not Computed, not ForceNew; resourceInstanceRead sets it from ReadReplicaSourceDBInstanceIdentifier,
  // so an instance RDS reports as a replica has it in the state, and a program without it plans "" (an update whose
  // apply is PromoteReadReplica: `d.HasChange("replicate_source_db")` with an empty value). The stand-in implements
  // no replica path, so a program may not declare it (checkInstance).
  replicateSourceDb: { kind: "string", atCreate: "not-sent" },
  // Optional+Computed; on the snapshot path it is a RestoreDBInstanceFromDBSnapshot field.
  parameterGroupName: { kind: "string", computed: true, atCreate: "restore" },
  vpcSecurityGroupIds: { kind: "set", computed: true, atCreate: "restore" },
  // Optional+Computed; `GetOkExists`, so even 0 goes into the modify after a restore.
  backupRetentionPeriod: { kind: "number", computed: true, atCreate: "modify" },
  // Optional, Sensitive, not Computed: never read back, so only a change of the input diffs.
  password: { kind: "string", atCreate: "modify", stateOnly: true },
  // Optional+Computed. The snapshot branch of resourceInstanceCreate never sends it (only the plain CreateDBInstance
  // branch does): a restore with it set leaves RDS's default until the next update.
  caCertIdentifier: { kind: "string", computed: true, atCreate: "not-sent" },
  iamDatabaseAuthenticationEnabled: { kind: "boolean", atCreate: "restore" }, // Optional, no default
  // Optional, Default 0; `GetOk`, so only a non-zero interval goes into the modify.
  monitoringInterval: { kind: "number", default: 0, atCreate: "modify" },
  monitoringRoleArn: { kind: "string", computed: true, atCreate: "modify" },
  // Optional, no default; the restore always sends it (false when absent), every update sends it.
  deletionProtection: { kind: "boolean", atCreate: "restore" },
  tags: { kind: "map", atCreate: "restore" },
  // Not declared by rds-echo's program, kept so a diff that touches them behaves like the real one.
  storageEncrypted: { kind: "boolean", forceNew: true, atCreate: "not-sent" }, // Optional+ForceNew, NOT Computed
  kmsKeyId: { kind: "string", computed: true, forceNew: true, atCreate: "not-sent" },
  engine: { kind: "string", computed: true, forceNew: true, atCreate: "restore", normalize: lower },
  engineVersion: { kind: "string", computed: true, atCreate: "modify" },
};

/** Outputs only (Computed, no input): read from RDS, never diffed. `id` is the DbiResourceId (see rds-instance.ts). */
export const INSTANCE_OUTPUTS = [
  "address", "arn", "endpoint", "hostedZoneId", "resourceId", "status", "tagsAll", "allocatedStorage", "username",
  "engineVersionActual", "backupWindow", "maintenanceWindow", "latestRestorableTime", "dbName", "networkType",
] as const;

/**
 * Inputs with no API field: `HasChangesExcept(…)` in `resourceInstanceUpdate` lists them (with the tags, handled by
 * the tagging interceptor), so a change to only these updates the state without calling ModifyDBInstance
 * (`replicate_source_db` has its own request first: PromoteReadReplica).
 * (`apply_immediately` is NOT in that list upstream: a change to it alone still sends a ModifyDBInstance.)
 */
export const NO_MODIFY_INPUTS = new Set(["deleteAutomatedBackups", "finalSnapshotIdentifier", "replicateSourceDb", "skipFinalSnapshot", "tags"]);

/** Inputs the rules cover; `check` refuses any other, so the stand-in is never silently kinder than the real one. */
export const INSTANCE_INPUTS = new Set(Object.keys(INSTANCE_RULES));
