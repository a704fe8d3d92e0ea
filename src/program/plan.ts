/**
 * `plan`: the real generation program evaluated offline under the mock runtime. No Pulumi CLI, no credentials,
 * no network: values only the cloud can know (the pinned snapshot, a looked-up zone) are shown as what they will be.
 */
import * as pulumi from "@pulumi/pulumi";
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import { evaluateUnderMocks, type Evaluation } from "./evaluate.js";
import { generationProgram } from "./generation.js";
import { plannedSource } from "./planned-source.js";
import { PROJECT } from "./project.js";
import type { ProgramStage } from "./stages.js";

export { PROJECT } from "./project.js";

export interface PlanRequest {
  readonly definition: EchoDefinition;
  readonly generation: string;
  readonly stage: ProgramStage;
}

export interface Plan extends Evaluation, PlanRequest {
  readonly snapshot: string;
}

export async function planGeneration(request: PlanRequest): Promise<Plan> {
  const { definition, generation, stage } = request;
  const { snapshot, pointInTime } = plannedSource(definition, generation);
  const promote = definition.promote;
  const evaluation = await evaluateUnderMocks({
    project: PROJECT,
    stack: generation,
    preview: true,
    program: () =>
      generationProgram({
        definition,
        generation,
        stage,
        snapshot,
        ...(pointInTime ? { pointInTime } : {}),
        // A cluster's engine is known only from its snapshot or source, pinned at new.
        ...(isClusterEcho(definition) ? { engine: `<engine of ${definition.source.cluster}, pinned at new>` } : {}),
        ...(isClusterEcho(definition) && definition.source.from === "clone" ? { cloneOf: definition.source.cluster } : {}),
        zoneId: promote?.zoneId ?? `<hosted zone of ${promote?.zoneName ?? promote?.cname}, looked up at promote>`,
        // Never a real password: plan only shows that a secret will be set.
        ...(definition.modify.masterPassword ? { masterPassword: pulumi.secret("<secret>") } : {}),
      }),
  });
  return { ...request, ...evaluation, snapshot };
}
