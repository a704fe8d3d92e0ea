/**
 * The inputs of a Read request. The engine sends a resource's last inputs with Read (ReadRequest.inputs, which the
 * bridge uses), but @pulumi/pulumi/provider passes only the id and the state to `Provider.read`. The server hook
 * (server-hooks.ts) records them here, keyed by URN and id, for the one use the stand-in has: telling moto's
 * instances apart after a crash left state with inputs but no outputs (see MOTO_SHARED_DBI_RESOURCE_ID).
 */
import type { PropertyBag } from "./values.js";

const recorded = new Map<string, PropertyBag>();
const keyOf = (urn: string, id: string) => `${urn}\u0000${id}`;

export function rememberReadInputs(urn: string, id: string, inputs: PropertyBag | undefined): void {
  if (inputs === undefined) recorded.delete(keyOf(urn, id));
  else recorded.set(keyOf(urn, id), inputs);
}

export function readInputsOf(urn: string, id: string): PropertyBag | undefined {
  return recorded.get(keyOf(urn, id));
}
