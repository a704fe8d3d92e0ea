/**
 * Adopting a resource the cloud has but the stack never recorded (see StackEngine.adoptUnrecorded). The engine knows
 * what the program declares for it only from a preview: its create step's event carries the inputs, the parent and
 * the provider reference. The resource then joins the exported deployment as an adopted pending create does
 * (deployment.ts): those inputs, standing as its outputs too, with the cloud's id; the refresh that follows reads the
 * rest. Pure: the engine previews, exports, calls these, and imports the result.
 */
import type { Deployment, EngineEvent } from "@pulumi/pulumi/automation/index.js";
import type { RecordedResource } from "../../ports.js";
import { nameFromUrn, ROOT_STACK_TYPE } from "./events.js";

/** What a preview's create step declares for one resource. */
export interface DeclaredResource {
  readonly urn: string;
  readonly type: string;
  readonly inputs: Record<string, unknown>;
  readonly parent?: string;
  readonly provider?: string;
}

/** The engine's mark for a value not known until an update (in preview events and provider references). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Collects the create steps of a preview, by URN. Pass `onEvent` to `preview`. */
export class DeclaredCollector {
  readonly #byUrn = new Map<string, DeclaredResource>();

  readonly onEvent = (event: EngineEvent): void => {
    const metadata = event.resourcePreEvent?.metadata;
    const declared = metadata?.new;
    if (metadata?.op !== "create" || declared === undefined) return;
    this.#byUrn.set(declared.urn, {
      urn: declared.urn,
      type: declared.type,
      inputs: { ...(declared.inputs ?? {}) },
      ...(declared.parent ? { parent: declared.parent } : {}),
      ...(declared.provider ? { provider: declared.provider } : {}),
    });
  };

  /** The create of the resource with this type and logical name, if the preview planned one. */
  find(type: string, name: string): DeclaredResource | undefined {
    return [...this.#byUrn.values()].find((d) => d.type === type && nameFromUrn(d.urn) === name);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a value (deeply) holds a masked secret or an unknown: neither can be written into a state. */
function holdsUnwritable(value: unknown): boolean {
  if (value === "[secret]" || value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(holdsUnwritable);
  return isRecord(value) && Object.values(value).some(holdsUnwritable);
}

function resourcesOf(deployment: Deployment): Record<string, unknown>[] {
  const body: unknown = deployment.deployment;
  const resources = isRecord(body) ? body["resources"] : undefined;
  return Array.isArray(resources) ? resources.filter(isRecord) : [];
}

/** The live resources of an exported deployment (the root stack left out). */
export function recordedIn(deployment: Deployment): RecordedResource[] {
  return resourcesOf(deployment)
    .filter((r) => typeof r["urn"] === "string" && typeof r["type"] === "string" && r["type"] !== ROOT_STACK_TYPE && r["delete"] !== true)
    .map((r) => ({ type: String(r["type"]), name: nameFromUrn(String(r["urn"])) }));
}

/** The deployment with the declared resource added under the cloud's id. Refuses what it cannot write faithfully. */
export function withUnrecorded(deployment: Deployment, declared: DeclaredResource, id: string): Deployment {
  const resources = resourcesOf(deployment);
  if (resources.some((r) => r["urn"] === declared.urn)) throw new Error(`cannot adopt ${declared.urn}: the state already holds it`);
  if (holdsUnwritable(declared.inputs)) {
    throw new Error(`cannot adopt ${declared.urn}: what the program declares for it holds a secret or a value known only after an update`);
  }
  if (declared.provider === undefined || declared.provider.endsWith(`::${UNKNOWN}`)) {
    throw new Error(`cannot adopt ${declared.urn}: its provider is not in the state yet`);
  }
  const resource = {
    urn: declared.urn,
    custom: true,
    id,
    type: declared.type,
    inputs: declared.inputs,
    outputs: declared.inputs,
    ...(declared.parent ? { parent: declared.parent } : {}),
    provider: declared.provider,
  };
  const body = deployment.deployment as Record<string, unknown>;
  return { ...deployment, deployment: { ...body, resources: [...resources, resource] } };
}
