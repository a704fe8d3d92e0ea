/**
 * Reading and repairing a stack's exported deployment (`pulumi stack export`, apitype.DeploymentV3): the pending
 * operations a killed process left behind, and the surgery that adopts or clears them. Pure: the engine exports,
 * calls these, and imports the result.
 *
 * The SDK types the deployment body as `any`; these guards read only the fields rds-echo needs and pass every
 * other field through untouched, so nothing Pulumi stores is lost on the way back in.
 */
import type { Deployment } from "@pulumi/pulumi/automation/index.js";
import type { PendingOperation } from "../../ports.js";
import { nameFromUrn } from "./events.js";

/** A resource of the state: urn and type are all we read; the rest (inputs, provider, parent, …) is kept as is. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  /** True for the old half of an unfinished replacement (it is pending deletion). */
  readonly delete?: boolean;
  readonly [field: string]: unknown;
}

/** A pending operation: the resource it was about, and what the engine was doing (`creating`, `updating`, …). */
export interface StateOperation {
  readonly resource: StateResource;
  readonly type: string;
}

interface DeploymentParts {
  readonly body: Readonly<Record<string, unknown>>;
  readonly resources: readonly StateResource[];
  readonly pending: readonly StateOperation[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStateResource(value: unknown): value is StateResource {
  return isRecord(value) && typeof value["urn"] === "string" && typeof value["type"] === "string";
}

function isStateOperation(value: unknown): value is StateOperation {
  return isRecord(value) && typeof value["type"] === "string" && isStateResource(value["resource"]);
}

function listOf<T>(body: Record<string, unknown>, field: string, guard: (item: unknown) => item is T): T[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(guard)) {
    throw new Error(`the exported deployment's ${field} is not a list of ${field === "resources" ? "resources" : "operations"}`);
  }
  return value;
}

function partsOf(deployment: Deployment): DeploymentParts {
  const body: unknown = deployment.deployment;
  if (!isRecord(body)) throw new Error("the exported deployment has no deployment body");
  return {
    body,
    resources: listOf(body, "resources", isStateResource),
    pending: listOf(body, "pending_operations", isStateOperation),
  };
}

const OPERATIONS = ["creating", "updating", "deleting", "reading", "importing"] as const;

function isKnownOperation(type: string): type is (typeof OPERATIONS)[number] {
  return (OPERATIONS as readonly string[]).includes(type);
}

/** The operations a dead process left unfinished, as the port reports them. */
export function pendingOperationsIn(deployment: Deployment): PendingOperation[] {
  return partsOf(deployment).pending.map(({ resource, type }) => ({
    urn: resource.urn,
    type: resource.type,
    name: nameFromUrn(resource.urn),
    operation: isKnownOperation(type) ? type : "other",
  }));
}

/**
 * The deployment with every pending operation resolved: a pending `creating` whose URN is in `imports` is adopted
 * (its resource joins the state with the given cloud id, and its inputs also stand as its outputs); every other
 * pending operation is dropped. The input is not modified.
 *
 * Why inputs as outputs: with empty outputs the AWS provider's Read treats the refresh as an import and keeps only
 * what RDS reports. RDS never reports the snapshot an instance was restored from, so `snapshotIdentifier` (force-new)
 * would vanish from state and the next update would plan a replacement. With outputs, the refresh updates what RDS
 * reports and keeps the rest, as after a create that finished.
 *
 * Adopting a URN the state already holds live would be a half-finished replacement; two live resources with one URN
 * are invalid state, so that is refused rather than guessed at.
 */
export function resolvePendingInDeployment(deployment: Deployment, imports: ReadonlyMap<string, string>): Deployment {
  const { body, resources, pending } = partsOf(deployment);
  const live = new Set(resources.filter((r) => r.delete !== true).map((r) => r.urn));
  const adopted: StateResource[] = [];
  for (const { resource, type } of pending) {
    const id = imports.get(resource.urn);
    if (type !== "creating" || id === undefined) continue;
    if (live.has(resource.urn)) {
      throw new Error(
        `cannot adopt ${resource.urn}: the state already has a live resource with that URN (an unfinished ` +
          "replacement); resolve it by hand with pulumi stack export/import",
      );
    }
    adopted.push({ ...resource, id, outputs: isRecord(resource["inputs"]) ? resource["inputs"] : {} });
  }
  const { pending_operations: _cleared, ...rest } = body;
  return { ...deployment, deployment: { ...rest, resources: [...resources, ...adopted] } };
}
