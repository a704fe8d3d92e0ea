import { SnapshotNotFoundError, ThrottledError } from "../../errors.js";

/** The shape every SDK v3 service exception has; plain errors from the HTTP layer may lack `$metadata`. */
export interface AwsError {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string; readonly attempts?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

/** True for errors thrown by an SDK v3 client (a named Error); narrows without casting. */
export function isAwsError(error: unknown): error is AwsError {
  return error instanceof Error && typeof error.name === "string";
}

/**
 * RDS has no instance by that id. Internal to the adapter: describeInstance turns it into `undefined`, so it never
 * reaches the lifecycle.
 */
export class InstanceNotFoundError extends Error {
  override readonly name = "InstanceNotFoundError";
}

/**
 * AWS refused the call for want of a permission. The message names the IAM action (AWS's own words when its message
 * says which: an AssumeRole refused under another call names sts:AssumeRole) and where the policy is.
 */
export class AccessDeniedError extends Error {
  override readonly name = "AccessDeniedError";
  constructor(
    readonly action: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "AccessDeniedFault", "UnauthorizedOperation", "AuthorizationError", "NotAuthorized"]);
/** RDS's answer when it cannot use a KMS key on the caller's behalf (the key policy or the caller's kms: permissions). */
const KMS_NOT_ACCESSIBLE = new Set(["KMSKeyNotAccessibleFault", "KMSKeyNotAccessible"]);
const THROTTLING = new Set(["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"]);
const INSTANCE_NOT_FOUND = new Set(["DBInstanceNotFound", "DBInstanceNotFoundFault"]);
const SNAPSHOT_NOT_FOUND = new Set(["DBSnapshotNotFound", "DBSnapshotNotFoundFault"]);

/**
 * Converts an SDK error into the typed error callers branch on, once, at the edge. Returns what to throw: a
 * ThrottledError, a SnapshotNotFoundError, an InstanceNotFoundError, or the error itself when it means nothing special.
 * `context` says what was being done, e.g. `DescribeDBInstances production-db`.
 */
export function mapAwsError(error: unknown, context: string, action?: string): unknown {
  if (!isAwsError(error)) return error;
  if (ACCESS_DENIED.has(error.name)) {
    const denied = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(error.message)?.[1] ?? action ?? "the call";
    return new AccessDeniedError(denied, `${context}: AWS denied ${denied} (${error.message}); allow ${denied} (README, "The driver's IAM policy")`, { cause: error });
  }
  if (KMS_NOT_ACCESSIBLE.has(error.name)) {
    return new AccessDeniedError(
      "kms:CreateGrant",
      `${context}: RDS cannot use the KMS key (${error.message}); allow kms:CreateGrant and kms:DescribeKey on it, through RDS, in this account's policy and in the key's policy (README, "The driver's IAM policy")`,
      { cause: error },
    );
  }
  if (THROTTLING.has(error.name) || error.$retryable?.throttling === true) {
    const attempts = error.$metadata?.attempts;
    const after = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    return new ThrottledError(`${context}: AWS throttled the request${after} (${error.name}: ${error.message})`, { cause: error });
  }
  if (INSTANCE_NOT_FOUND.has(error.name)) return new InstanceNotFoundError(`${context}: ${error.message}`, { cause: error });
  if (SNAPSHOT_NOT_FOUND.has(error.name)) return new SnapshotNotFoundError(`${context}: ${error.message}`, { cause: error });
  return error;
}
