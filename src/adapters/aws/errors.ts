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

const THROTTLING = new Set(["ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"]);
const INSTANCE_NOT_FOUND = new Set(["DBInstanceNotFound", "DBInstanceNotFoundFault"]);
const SNAPSHOT_NOT_FOUND = new Set(["DBSnapshotNotFound", "DBSnapshotNotFoundFault"]);

/**
 * Converts an SDK error into the typed error callers branch on, once, at the edge. Returns what to throw: a
 * ThrottledError, a SnapshotNotFoundError, an InstanceNotFoundError, or the error itself when it means nothing special.
 * `context` says what was being done, e.g. `DescribeDBInstances production-db`.
 */
export function mapAwsError(error: unknown, context: string): unknown {
  if (!isAwsError(error)) return error;
  if (THROTTLING.has(error.name) || error.$retryable?.throttling === true) {
    const attempts = error.$metadata?.attempts;
    const after = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    return new ThrottledError(`${context}: AWS throttled the request${after} (${error.name}: ${error.message})`, { cause: error });
  }
  if (INSTANCE_NOT_FOUND.has(error.name)) return new InstanceNotFoundError(`${context}: ${error.message}`, { cause: error });
  if (SNAPSHOT_NOT_FOUND.has(error.name)) return new SnapshotNotFoundError(`${context}: ${error.message}`, { cause: error });
  return error;
}
