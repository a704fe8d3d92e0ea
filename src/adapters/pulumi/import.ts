/**
 * What `pulumi import` (the Automation API's `stack.import`) is handed to adopt live resources into a generation
 * stack: each resource under the program's own logical name and its explicit `aws` provider (through the import
 * file's name table), never under a default provider. Pure: the engine exports the state, calls this, and runs it.
 *
 * Why the provider matters: a resource imported under Pulumi's default provider and then declared with the program's
 * explicit provider changes provider, which the engine treats as a replacement: the database would be deleted and
 * restored. So the provider must be in the state first (a targeted `up` creates it; a provider touches no cloud
 * resource), and the import names it.
 */
import type { Deployment, ImportResource } from "@pulumi/pulumi/automation/index.js";
import type { ImportedResource } from "../../ports.js";
import { PROJECT } from "../../program/project.js";
import { PROVIDER_RESOURCE, PROVIDER_TYPE } from "../../program/resource-types.js";

export interface ImportPlan {
  /** The program's provider, as the import file's name table names it. */
  readonly providerUrn: string;
  /** False: a targeted `up` of the provider must come first. */
  readonly providerInState: boolean;
  /** What is not in the state yet (a rerun after a partial adoption imports only the rest). */
  readonly resources: ImportResource[];
  readonly nameTable: Record<string, string>;
}

export function urnIn(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

export function importPlan(stack: string, deployment: Deployment, wanted: readonly ImportedResource[]): ImportPlan {
  const body: unknown = deployment.deployment;
  const resources = typeof body === "object" && body !== null && Array.isArray(Reflect.get(body, "resources")) ? (Reflect.get(body, "resources") as unknown[]) : [];
  const urns = new Set(resources.map((r) => (typeof r === "object" && r !== null ? Reflect.get(r, "urn") : undefined)).filter((u): u is string => typeof u === "string"));
  const providerUrn = urnIn(stack, PROVIDER_TYPE, PROVIDER_RESOURCE);
  return {
    providerUrn,
    providerInState: urns.has(providerUrn),
    resources: wanted
      .filter((r) => !urns.has(urnIn(stack, r.type, r.name)))
      .map((r) => ({ type: r.type, name: r.name, id: r.id, provider: PROVIDER_RESOURCE })),
    nameTable: { [PROVIDER_RESOURCE]: providerUrn },
  };
}
