/**
 * The state of an echo as one listing shows it: every generation's stack, its instance and its stage.
 * Cheap on purpose (one stack listing, ceil(N/100) DescribeDBInstances pages, one settings read per generation that
 * still holds resources): `status`, guards and `up` all start here.
 *
 * A generation's stage is what its stack's settings say: only the driver writes those. The instance's `echo:stage`
 * and `echo:rolled-back` tags mirror them (the program declares them), and anyone with tagging rights can write a tag,
 * so a tag never decides anything. A tag that disagrees with its stack is an unfinished move (`mirror`): a run died
 * after the provider wrote the tags and before the update was recorded, or someone edited them.
 */
import { parseGenerationName } from "../definition/identifiers.js";
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import { isProgramStage, type Stage } from "../program/stages.js";
import { TAG_GENERATION, TAG_MANAGED, TAG_STAGE } from "../program/tags.js";
import type { GenerationSettings, InstanceInfo, Ports, StackSummary } from "../ports.js";
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
   * The `rolled-back` mark: the generation the CNAME was rolled back to from this one. Read from the stack's
   * `rolledBack` setting (the instance's `echo:rolled-back` tag only mirrors it); for a retired generation, from its
   * stack's settings where it can matter (see `readRetiredMarks`).
   */
  readonly rolledBackTo?: string;
  /** The stack's settings (the truth of its stage); absent for a stack that holds nothing any more (retired). */
  readonly settings?: GenerationSettings;
  /**
   * The instance's `echo:stage` tag when it disagrees with the stack's stage: the mark of an unfinished move, which
   * is finished (the stack's move applied again) before anything else touches the generation (see resume.ts).
   */
  readonly mirror?: string;
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
  const settings = await settingsOfLive(ports, stacks, instances);
  const generations = stacks.map((stack): Generation => {
    const instance = instances.get(stack.name);
    const own = settings.get(stack.name);
    const condition = conditionOf(echo, stack, instance, own);
    const rolledBackTo = condition === "foreign" ? undefined : own?.rolledBack;
    const tagged = instance?.tags[TAG_STAGE];
    const mirror = condition !== "foreign" && instance && own && tagged !== own.stage ? (tagged ?? "(no tag)") : undefined;
    return {
      name: stack.name,
      createdAt: parseGenerationName(stack.name)!.createdAt,
      stack,
      ...(instance ? { instance } : {}),
      condition,
      ...(rolledBackTo ? { rolledBackTo } : {}),
      ...(own ? { settings: own } : {}),
      ...(mirror !== undefined ? { mirror } : {}),
    };
  });
  // An empty stack that has been operated on is retired, or is a `new` that failed before creating anything. Only
  // the newest can be the latter (an older one would have been resumed), so only it costs a history read.
  const newest = generations.at(-1);
  if (newest?.condition === "retired") {
    const [last] = await ports.engine.history(newest.name, 1);
    if (!(last?.kind === "destroy" && last.result === "succeeded")) generations[generations.length - 1] = { ...newest, condition: "incomplete" };
  }
  // The marks of retired generations come first: a generation rolled back from and retired since still keeps what is
  // older than it (and never served) superseded, and still holds the guard (see newestForGuard).
  await readRetiredMarks(ports, generations);
  markSuperseded(generations);
  return { echo, generations };
}

/**
 * The `rolled-back` mark of the retired generations it can matter for, from their stacks' settings (a retired stack
 * has no instance to mirror it): the newest (the guard counts from it), and any newer than the oldest unpromoted
 * generation (which it may supersede). Usually none of the latter: the unpromoted generation is the newest.
 */
async function readRetiredMarks(ports: Pick<Ports, "engine">, generations: Generation[]): Promise<void> {
  const oldestUnpromoted = generations.findIndex((g) => UNPROMOTED_STAGES.includes(g.condition));
  for (let i = 0; i < generations.length; i++) {
    const g = generations[i]!;
    const matters = i === generations.length - 1 || (oldestUnpromoted >= 0 && i > oldestUnpromoted);
    if (g.condition !== "retired" || !matters) continue;
    const rolledBackTo = (await ports.engine.settings(g.name))?.rolledBack;
    if (rolledBackTo) generations[i] = { ...g, rolledBackTo };
  }
}

/** How many stacks' settings are read at once: on the real engine each first read runs one CLI process. */
const SETTINGS_READS_AT_ONCE = 4;

/**
 * The settings of every generation that still holds something (resources in its stack, or an instance by its name).
 * A retired stack holds nothing and is never read: the listing grows by one stack a day, the live ones stay few.
 */
async function settingsOfLive(ports: Pick<Ports, "engine">, stacks: readonly StackSummary[], instances: ReadonlyMap<string, InstanceInfo>): Promise<Map<string, GenerationSettings>> {
  const live = stacks.filter((s) => s.resourceCount > 0 || instances.has(s.name));
  const read = new Map<string, GenerationSettings>();
  for (let i = 0; i < live.length; i += SETTINGS_READS_AT_ONCE) {
    const batch = live.slice(i, i + SETTINGS_READS_AT_ONCE);
    const found = await Promise.all(batch.map((s) => ports.engine.settings(s.name)));
    batch.forEach((s, j) => found[j] && read.set(s.name, found[j]));
  }
  return read;
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

function conditionOf(echo: string, stack: StackSummary, instance: InstanceInfo | undefined, settings: GenerationSettings | undefined): Condition {
  if (instance) {
    if (!isManagedBy(echo, stack.name, instance)) return "foreign";
    // The stack decides, never the tag: a stack whose settings cannot be read (it was just removed) is incomplete.
    const stage = settings?.stage;
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
