/**
 * The state of an echo as one listing shows it: every generation's stack, its instance and its stage.
 * Cheap on purpose (one stack listing, ceil(N/100) DescribeDBInstances pages): `status`, guards and `up` all start here.
 */
import { parseGenerationName } from "../definition/identifiers.js";
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import { isProgramStage, type Stage } from "../program/stages.js";
import { TAG_GENERATION, TAG_MANAGED, TAG_ROLLED_BACK, TAG_STAGE } from "../program/tags.js";
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
  /** For a superseded generation: the newer, promoted (or rolled-back) one that overtook it. */
  readonly supersededBy?: string;
  /**
   * The `rolled-back` mark: the generation the CNAME was rolled back to from this one. Read from the instance's
   * `echo:rolled-back` tag (the program declares it from the stack's `rolledBack` setting); for the newest generation
   * when it is retired, from its stack's settings (the guard still counts it: see `newestForGuard`).
   */
  readonly rolledBackTo?: string;
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
  // Only instances were ever adopted (the Java rds-echo restored no clusters).
  if (!isClusterEcho(definition)) await findAdopted(ports, stacks, instances);
  const generations = stacks.map((stack): Generation => {
    const instance = instances.get(stack.name);
    const condition = conditionOf(echo, stack, instance);
    const rolledBackTo = condition === "foreign" ? undefined : instance?.tags[TAG_ROLLED_BACK];
    return {
      name: stack.name,
      createdAt: parseGenerationName(stack.name)!.createdAt,
      stack,
      ...(instance ? { instance } : {}),
      condition,
      ...(rolledBackTo ? { rolledBackTo } : {}),
    };
  });
  markSuperseded(generations);
  // An empty stack that has been operated on is retired, or is a `new` that failed before creating anything. Only
  // the newest can be the latter (an older one would have been resumed), so only it costs a history read.
  const newest = generations.at(-1);
  if (newest?.condition === "retired") {
    const [last] = await ports.engine.history(newest.name, 1);
    if (!(last?.kind === "destroy" && last.result === "succeeded")) generations[generations.length - 1] = { ...newest, condition: "incomplete" };
    else {
      // A rolled-back generation retired since still holds the guard (see newestForGuard): its mark is in its settings.
      const rolledBackTo = (await ports.engine.settings(newest.name))?.rolledBack;
      if (rolledBackTo) generations[generations.length - 1] = { ...newest, rolledBackTo };
    }
  }
  return { echo, generations };
}

/**
 * A generation adopted from the original rds-echo (`migrate --adopt`) keeps its instance's own name, so it is not
 * found by the stack's. Only a stack that holds resources but whose instance was not found is asked for its settings:
 * one read per live adopted generation (and per unfinished restore), until it is retired.
 */
async function findAdopted(ports: Pick<Ports, "engine" | "rds">, stacks: readonly StackSummary[], instances: Map<string, InstanceInfo>): Promise<void> {
  for (const stack of stacks) {
    if (instances.has(stack.name) || stack.resourceCount === 0) continue;
    const adopted = (await ports.engine.settings(stack.name))?.adopted;
    const instance = adopted !== undefined ? await ports.rds.describeInstance(adopted) : undefined;
    if (instance) instances.set(stack.name, instance);
  }
}

/**
 * The CNAME only ever moves forward: an unpromoted generation older than the newest promoted one (a late approval,
 * a `new --force` that overtook it) can never be promoted, whatever its stage tag says.
 */
function markSuperseded(generations: Generation[]): void {
  // A generation rolled back from served once: what is older than it and never served stays behind it after the
  // rollback too (nothing older than the generation people rolled away from is promoted automatically).
  const newestPromoted = generations.map((g) => g.condition === "promoted" || g.rolledBackTo !== undefined).lastIndexOf(true);
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

/**
 * The generation `guard.minAgeHours` counts from: the newest that still exists, or a newer one that was rolled back
 * from and retired since (a rollback must not be followed at once by a restore of the same, perhaps bad, snapshot).
 */
export function newestForGuard(state: EchoState): Generation | undefined {
  return [...state.generations].reverse().find((g) => g.condition !== "retired" || g.rolledBackTo !== undefined);
}

/** A generation another run is operating on right now (its stack is locked): nothing is to be done to it meanwhile. */
export function busyGeneration(state: EchoState): Generation | undefined {
  return state.generations.find((g) => g.stack.updateInProgress);
}
