/** `new`: restore the source (latest or new snapshot, or a point in time; see source-plan.ts) into a new generation. */
import { generationName } from "../definition/identifiers.js";
import { masterPasswordProblem } from "../definition/password.js";
import { GuardError, StackExistsError, StackLockedError } from "../errors.js";
import type { GenerationSettings } from "../ports.js";
import { isClusterEcho } from "../definition/schema.js";
import { pinClusterSource, type PinnedSource } from "./cluster-new.js";
import { confirmChanges } from "./confirm.js";
import type { InstanceStepContext, StepContext, StepReport } from "./context.js";
import { busyGeneration, byCondition, newestForGuard, type EchoState } from "./echo-state.js";
import { resumeGeneration, unfinishedGeneration } from "./resume.js";
import { planSource } from "./source-plan.js";
import { prepareSource } from "./source-prepare.js";
import { applyMove } from "./stage-update.js";

const HOUR_MS = 3_600_000;

/** Why a new generation may not start now; empty when it may. */
export function newGenerationBlockers(ctx: StepContext, state: EchoState): string[] {
  const blockers: string[] = [];
  for (const g of byCondition(state, "new", "modified", "rebooted")) {
    // What moves it on depends on where it stands: only a rebooted generation can be promoted right away.
    const onward = g.condition === "rebooted" ? `promote it (\`rds-echo promote ${ctx.definition.echo}\`)` : `finish it with \`rds-echo up ${ctx.definition.echo}\` (it is not rebooted yet, so it cannot be promoted)`;
    blockers.push(`${g.name} is still ${g.condition} (not promoted); ${onward}, or retire it with \`retire --generation ${g.name} --force\``);
  }
  const newest = newestForGuard(state);
  const minAgeHours = ctx.definition.guard.minAgeHours;
  if (newest) {
    const ageHours = (ctx.ports.clock.now().getTime() - newest.createdAt.getTime()) / HOUR_MS;
    if (ageHours < minAgeHours) {
      blockers.push(`the newest generation ${newest.name} is ${ageHours.toFixed(1)} h old, younger than guard.minAgeHours (${minAgeHours} h)`);
    }
  }
  return blockers;
}

export async function newGeneration(ctx: StepContext, state: EchoState): Promise<StepReport> {
  const { ports, definition, options } = ctx;
  const busy = busyGeneration(state);
  if (busy) throw new GuardError(`new: ${busy.name} is being updated by another run; wait for it to finish`);
  // A generation whose run died is resumed, never restored a second time.
  const unfinished = await unfinishedGeneration(ctx, state);
  if (unfinished) return resumeGeneration(ctx, unfinished);

  const blockers = newGenerationBlockers(ctx, state);
  if (blockers.length > 0 && !options.force) {
    throw new GuardError(`new: ${blockers.join("; ")} (--force overrides)`);
  }
  for (const blocker of blockers) ports.output.warn(`--force overrides: ${blocker}`);

  const name = generationName(definition.echo, ports.clock.now());
  if (state.generations.some((g) => g.name === name)) {
    throw new GuardError(`new: a generation named ${name} already exists; generations are named by the minute, retry in a minute`);
  }
  // Where the data comes from is pinned now, once: the program never looks up "the latest" itself. A cluster echo
  // has its own sources (cluster-new.ts); the instance sources below never see one.
  const pinned = isClusterEcho(definition) ? await pinClusterSource(ctx, definition, name) : await pinInstanceSource({ ...ctx, definition }, name);
  const { settings, message } = pinned;
  try {
    await ports.engine.create(name, settings, options.secrets);
  } catch (error) {
    // Absent from the listing a moment ago: another run (two `up` at once) is creating this very generation.
    if (error instanceof StackExistsError) throw new StackLockedError(name, "another run is creating it");
    throw error;
  }
  try {
    const preview = await ports.engine.preview(name, settings, { message });
    const makes = pinned.makes && pinned.makes.length > 0 ? [{ label: `${message}: made first`, set: { changes: pinned.makes } }] : [];
    await confirmChanges(ports, message, [...makes, { label: message, set: preview }], options);
  } catch (error) {
    // Declined or failed before anything was created: leave no empty stack behind.
    await ports.engine.remove(name);
    throw error;
  }
  if (!isClusterEcho(definition)) await prepareSource({ ...ctx, definition }, name, settings);
  await applyMove(ctx, name, settings, message);
  return { step: "new", generation: name, detail: pinned.detail };
}

/**
 * An instance echo: the source (latest or new snapshot, or a point in time; see source-plan.ts) is pinned in the stack
 * with its encryption and what rds-echo makes first, before anything is made, so a rerun after a crash finds and
 * finishes it instead of making it again.
 */
async function pinInstanceSource(ctx: InstanceStepContext, name: string): Promise<PinnedSource> {
  const { ports, definition, options } = ctx;
  const source = await planSource(ctx, name);
  ports.output.step(source.note);
  // The engine's own password rules are known only now; still before anything is created.
  const secret = definition.modify.masterPassword?.secret;
  const password = secret ? options.secrets[secret] : undefined;
  const passwordProblem = password === undefined ? undefined : masterPasswordProblem(password, source.engine);
  if (passwordProblem) throw new GuardError(`new: RDS would refuse the master password (secret "${secret}") for this snapshot: it ${passwordProblem}`);
  const settings: GenerationSettings = { echo: definition.echo, stage: "new", ...source.settings };
  return { settings, message: `new ${name} from ${settings.snapshot}`, detail: `restored from ${settings.snapshot}`, makes: source.makes };
}
