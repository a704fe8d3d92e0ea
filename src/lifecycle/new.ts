/** `new`: restore the latest available snapshot of the source into a new generation. */
import { generationName } from "../definition/identifiers.js";
import { masterPasswordProblem } from "../definition/password.js";
import { GuardError } from "../errors.js";
import type { GenerationSettings } from "../ports.js";
import { isClusterEcho, type InstanceEchoDefinition } from "../definition/schema.js";
import { pinClusterSource, type PinnedSource } from "./cluster-new.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { busyGeneration, byCondition, newestLive, type EchoState } from "./echo-state.js";
import { resumeGeneration, unfinishedGeneration } from "./resume.js";
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
  const newest = newestLive(state);
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
  // Where the data comes from is pinned now, once: the program never looks up "the latest" itself.
  const { settings, message, detail } = isClusterEcho(definition) ? await pinClusterSource(ctx, definition, name) : await pinSnapshot(ctx, definition, name);
  await ports.engine.create(name, settings, options.secrets);
  try {
    const preview = await ports.engine.preview(name, settings, { message });
    await confirmChanges(ports, message, [{ label: message, set: preview }], options);
  } catch (error) {
    // Declined or failed before anything was created: leave no empty stack behind.
    await ports.engine.remove(name);
    throw error;
  }
  await applyMove(ctx, name, settings, message);
  return { step: "new", generation: name, detail };
}

/** An instance echo: the latest (or explicit) snapshot of the source instance, with its encryption. */
async function pinSnapshot(ctx: StepContext, definition: InstanceEchoDefinition, name: string): Promise<PinnedSource> {
  const { ports, options } = ctx;
  const snapshot = await ports.rds.latestSnapshot({
    instance: definition.source.instance,
    types: definition.source.snapshotTypes,
    ...(definition.source.snapshot ? { explicit: definition.source.snapshot } : {}),
  });
  ports.output.step(`snapshot: ${snapshot.id} (${snapshot.type}, ${snapshot.createdAt.toISOString()})`);
  // The engine's own password rules are known only now; still before anything is created.
  const secret = definition.modify.masterPassword?.secret;
  const password = secret ? options.secrets[secret] : undefined;
  const passwordProblem = password === undefined ? undefined : masterPasswordProblem(password, snapshot.engine);
  if (passwordProblem) throw new GuardError(`new: RDS would refuse the master password (secret "${secret}") for this snapshot: it ${passwordProblem}`);

  // The snapshot's encryption is pinned with it: every stage must declare what the restored instance inherits.
  const settings: GenerationSettings = {
    echo: definition.echo,
    stage: "new",
    snapshot: snapshot.id,
    storageEncrypted: snapshot.encrypted,
    ...(snapshot.kmsKeyId ? { kmsKeyId: snapshot.kmsKeyId } : {}),
  };
  const message = `new ${name} from ${snapshot.id}`;
  return { settings, message, detail: `restored from ${snapshot.id}` };
}
