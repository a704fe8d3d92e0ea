/**
 * The generation's stack config: what the driver pins when it creates the stack, and what the program reads.
 * Keys live in the `rds-echo` namespace so `pulumi config -s <generation>` shows them plainly.
 */
export const CONFIG_NAMESPACE = "rds-echo";

export const CONFIG_KEYS = {
  echo: "echo",
  stage: "stage",
  snapshot: "snapshot",
  zoneId: "zoneId",
  /** `true` or `false`, pinned at `new` from the snapshot; absent in stacks pinned before it was recorded. */
  storageEncrypted: "storageEncrypted",
  kmsKeyId: "kmsKeyId",
  /** The pinned source of a point-in-time restore, a new snapshot or a copy (see GenerationSettings). */
  restoreTime: "restoreTime",
  sourceInstance: "sourceInstance",
  sourceSnapshot: "sourceSnapshot",
  /** Cluster echoes: the cluster a clone was made of, and the Aurora engine; both pinned at `new`. */
  cloneOf: "cloneOf",
  engine: "engine",
  /** Digests of the afterRestore hooks that succeeded, and the digest of the whole list once all did (src/hooks). */
  hooksDone: "hooksDone",
  scrubbed: "scrubbed",
  /** The identifier of an instance adopted from the original rds-echo (`migrate --adopt`). */
  adopted: "adopted",
  /** The `rolled-back` mark: the generation the CNAME was rolled back to from this one (src/lifecycle/rollback.ts). */
  rolledBack: "rolledBack",
  /** The open approval request (src/lifecycle/approval-request.ts): written by the driver only, read by nothing in the program. */
  approvalRequest: "approvalRequest",
  approvalApprovers: "approvalApprovers",
  approvalRequired: "approvalRequired",
  approvalOpened: "approvalOpened",
  approvalExpires: "approvalExpires",
} as const;

/** What a secret's config key may look like (`masterPassword`): the definition and the Pulumi adapter both check it. */
export const CONFIG_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Fully qualified key, e.g. `rds-echo:stage`, as the Automation API and `pulumi config` expect it. */
export function configKey(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}
