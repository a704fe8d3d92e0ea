/**
 * Errors a Node provider hands back through @pulumi/pulumi/provider's server (`grpcResponseFromError`): an error
 * with `id` (and `properties`) becomes ErrorResourceInitFailed, which makes the engine keep the created resource in
 * the state with the failure, as the bridge does when a Terraform create fails after `d.SetId` (e.g. the
 * ModifyDBInstance after a restore fails: the instance exists and is not lost).
 */
import type { PropertyBag } from "./values.js";

export class ResourceInitFailed extends Error {
  readonly reasons: string[];
  constructor(
    readonly id: string,
    readonly properties: PropertyBag,
    cause: unknown,
  ) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(message);
    this.name = "ResourceInitFailed";
    this.reasons = [message];
  }
}

/** The AWS error's message, with its code, as the real provider's diagnostics show it. */
export function describeAwsError(what: string, error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`${what}: ${String(error)}`);
  return new Error(`${what}: ${error.name}: ${error.message}`, { cause: error });
}
