/**
 * The state of an echo as one listing shows it: every generation's stack, its instance and its stage.
 * Cheap on purpose (one stack listing, ceil(N/100) DescribeDBInstances pages): `status`, guards and `up` all start here.
 */
import { parseGenerationName } from "../definition/identifiers.js";
import type { EchoDefinition } from "../definition/schema.js";
import { isProgramStage, type Stage } from "../program/stages.js";
import { TAG_GENERATION, TAG_MANAGED, TAG_STAGE } from "../program/tags.js";
import type { InstanceInfo, Ports, StackSummary } from "../ports.js";
import { describeDatabases } from "./database.js";

/**
 * A generation's condition. Beyond the stages: `incomplete` (a stack whose instance does not exist yet, e.g. a run
 * died before or during the restore), `foreign` (an instance by that name that this echo did not create) and
 * `superseded` (an unpromoted generation older than the promoted one: promoting it would move the CNAME backwards,
 * so it never is; it is retired like a forgotten one).
 */
export type Condition = Stage | "incomplete" | "foreign" | "superseded";

/** The stages of a generation on its way to promotion. */
export const UNPROMOTED_STAGES: readonly Condition[] = ["new", "modified", "rebooted"];

export interface Generation {
  readonly name: string;
  readonly createdAt: Date;
  readonly stack: StackSummary;
  readonly instance?: InstanceInfo;
  readonly condition: Condition;
  /** For a superseded generation: the newer, promoted one that overtook it. */
  readonly supersededBy?: string;
}

export interface EchoState {
  readonly echo: string;
  /** Oldest first. */
  readonly generations: readonly Generation[];
}

export async function loadEchoState(ports: Pick<Ports, "engine" | "rds">, definition: EchoDefinition): Promise<EchoState> {
  const echo = definition.echo;
  const stacks = (await ports.engine.list())
    .filter((s) => parseGenerationName(s.name)?.echo === echo)
    .sort((a, b) => parseGenerationName(a.name)!.createdAt.getTime() - parseGenerationName(b.name)!.createdAt.getTime());
  const instances = await describeDatabases(ports, definition, stacks.map((s) => s.name));
  const generations = stacks.map((stack): Generation => {
    const instance = instances.get(stack.name);
    return {
      name: stack.name,
      createdAt: parseGenerationName(stack.name)!.createdAt,
      stack,
      ...(instance ? { instance } : {}),
      condition: conditionOf(echo, stack, instance),
    };
  });
  markSuperseded(generations);
  // An empty stack that has been operated on is retired, or is a `new` that failed before creating anything. Only
  // the newest can be the latter (an older one would have been resumed), so only it costs a history read.
  const newest = generations.at(-1);
  if (newest?.condition === "retired") {
    const [last] = await ports.engine.history(newest.name, 1);
    if (!(last?.kind === "destroy" && last.result === "succeeded")) generations[generations.length - 1] = { ...newest, condition: "incomplete" };
  }
  return { echo, generations };
}

/**
 * The CNAME only ever moves forward: an unpromoted generation older than the newest promoted one (a late approval,
 * a `new --force` that overtook it) can never be promoted, whatever its stage tag says.
 */
function markSuperseded(generations: Generation[]): void {
  const newestPromoted = generations.map((g) => g.condition).lastIndexOf("promoted");
  for (let i = 0; i < newestPromoted; i++) {
    const g = generations[i]!;
    if (UNPROMOTED_STAGES.includes(g.condition)) generations[i] = { ...g, condition: "superseded", supersededBy: generations[newestPromoted]!.name };
  }
}

function conditionOf(echo: string, stack: StackSummary, instance: InstanceInfo | undefined): Condition {
  if (instance) {
    if (!isManagedBy(echo, stack.name, instance)) return "foreign";
    const stage = instance.tags[TAG_STAGE];
    return isProgramStage(stage) ? stage : "incomplete";
  }
  // No instance: a destroyed stack is empty and has been operated on; anything else has not finished its restore.
  return stack.resourceCount === 0 && stack.lastUpdate !== undefined && !stack.updateInProgress ? "retired" : "incomplete";
}

/** rds-echo only ever touches an instance that carries this echo's and this generation's tags. */
export function isManagedBy(echo: string, generation: string, instance: InstanceInfo): boolean {
  return instance.tags[TAG_MANAGED] === echo && instance.tags[TAG_GENERATION] === generation;
}

export function byCondition(state: EchoState, ...conditions: Condition[]): Generation[] {
  return state.generations.filter((g) => conditions.includes(g.condition));
}

/** The newest generation that still exists (not retired), or undefined. */
export function newestLive(state: EchoState): Generation | undefined {
  return [...state.generations].reverse().find((g) => g.condition !== "retired");
}

/** A generation another run is operating on right now (its stack is locked): nothing is to be done to it meanwhile. */
export function busyGeneration(state: EchoState): Generation | undefined {
  return state.generations.find((g) => g.stack.updateInProgress);
}
