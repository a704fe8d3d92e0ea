/**
 * What an RDS DB instance status means to rds-echo. The list of statuses is the RDS User Guide's "Viewing Amazon RDS
 * DB instance status" table (accessing-monitoring.html#Overview.DBInstance.Status); the AWS provider's own waiter
 * (terraform-provider-aws internal/service/rds, waitDBInstanceAvailable) takes `available` and `storage-optimization`
 * as its targets, so a stage move is finished in either.
 */

/** The instance serves and accepts changes. `storage-optimization` follows a storage change and may last hours. */
export const USABLE_STATUSES: ReadonlySet<string> = new Set(["available", "storage-optimization"]);

/**
 * States an instance does not leave by itself: waiting for `available` would only burn the 48-hour create timeout.
 * `stopping` ends in `stopped`; `deleting` ends with no instance at all.
 */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  "failed",
  "restore-error",
  "incompatible-restore",
  "incompatible-parameters",
  "incompatible-option-group",
  "incompatible-network",
  "incompatible-credentials",
  "inaccessible-encryption-credentials",
  "inaccessible-encryption-credentials-recoverable",
  "insufficient-capacity",
  "storage-full",
  "stopping",
  "stopped",
  "deleting",
  "delete-precheck",
  // Aurora DB cluster statuses that do not end by themselves (Aurora User Guide, "Viewing DB cluster status",
  // accessing-monitoring.html#Aurora.Status); a cluster echo's status is its cluster's or a member's (database.ts).
  "cloning-failed",
  "migration-failed",
]);

export function isUsable(status: string | undefined): boolean {
  return status !== undefined && USABLE_STATUSES.has(status);
}

export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.has(status);
}
