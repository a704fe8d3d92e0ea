/**
 * Moving one generation to a stage: preview, confirm, update, wait until RDS says `available`. Also the recovery of
 * a stack left with pending operations by a dead process, which every update goes through first.
 */
import { GuardError, PendingOperationsError, StackNotFoundError } from "../errors.js";
import type { GenerationSettings, UpdateResult } from "../ports.js";
import { createTimeoutMinutes } from "../definition/duration.js";
import { INSTANCE_RESOURCE, INSTANCE_TYPE } from "../program/resource-types.js";
import { isClusterEcho } from "../definition/schema.js";
import { clusterImports } from "./cluster-recover.js";
import { databaseReader } from "./database.js";
import type { ProgramStage } from "../program/stages.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext } from "./context.js";
import { isManagedBy } from "./echo-state.js";
import { waitForAvailable } from "./wait.js";

export async function settingsOf(ctx: StepContext, generation: string): Promise<GenerationSettings> {
  const settings = await ctx.ports.engine.settings(generation);
  if (!settings) throw new StackNotFoundError(generation);
  return settings;
}

/** The settings for moving a generation to `stage` (everything else as pinned). */
export async function settingsAt(ctx: StepContext, generation: string, stage: ProgramStage, extra: Partial<GenerationSettings> = {}): Promise<GenerationSettings> {
  return { ...(await settingsOf(ctx, generation)), ...extra, stage };
}

/** Preview of one generation's move, ready for `confirmChanges`. */
export async function previewMove(ctx: StepContext, generation: string, settings: GenerationSettings, message: string) {
  return { label: message, set: await ctx.ports.engine.preview(generation, settings, { message }) };
}

/** Updates the generation to the settings (recovering pending operations first), then waits until available. */
export async function applyMove(ctx: StepContext, generation: string, settings: GenerationSettings, message: string): Promise<UpdateResult> {
  ctx.ports.output.step(message);
  let result: UpdateResult;
  try {
    result = await updateWatching(ctx, generation, settings, message);
  } catch (error) {
    if (!(error instanceof PendingOperationsError)) throw error;
    await recoverPending(ctx, generation);
    result = await updateWatching(ctx, generation, settings, message);
  }
  await waitForAvailable(ctx.ports, instanceIdOf(generation, settings), { timeoutMs: timeoutMs(ctx), read: databaseReader(ctx.ports, ctx.definition) });
  return result;
}

/** One stage move with its preview and confirmation. */
export async function moveTo(ctx: StepContext, generation: string, stage: ProgramStage, message: string, extra: Partial<GenerationSettings> = {}): Promise<UpdateResult> {
  const settings = await settingsAt(ctx, generation, stage, extra);
  await confirmChanges(ctx.ports, message, [await previewMove(ctx, generation, settings, message)], ctx.options);
  return applyMove(ctx, generation, settings, message);
}

/**
 * Resolves what a dead process left: a pending create of this generation's instance is adopted when RDS has the
 * instance (and it carries this echo's tags); anything else pending is cleared. Never a second restore. True when
 * there was something to resolve (the stack was then refreshed).
 */
export async function recoverPending(ctx: StepContext, generation: string): Promise<boolean> {
  const { engine, rds, output } = ctx.ports;
  const pending = await engine.pendingOperations(generation);
  if (pending.length === 0) return adoptUnrecorded(ctx, generation);
  if (isClusterEcho(ctx.definition)) {
    const imports = await clusterImports(ctx, generation, pending);
    const what = imports.size > 0 ? `adopting ${imports.size} resource(s) the interrupted run created` : `clearing ${pending.length} interrupted operation(s)`;
    output.step(`recover ${generation}: ${what}`);
    await engine.resolvePending(generation, imports, { message: `recover ${generation}: ${what}` });
    return true;
  }
  const instance = await rds.describeInstance(instanceIdOf(generation, await engine.settings(generation)));
  if (instance && !isManagedBy(ctx.definition.echo, generation, instance)) {
    throw new GuardError(`${generation}: an instance by that name exists but does not carry this echo's tags; refusing to adopt it`);
  }
  // The provider's id for an RDS instance is its DbiResourceId, not its identifier.
  const id = instance?.resourceId;
  if (instance && !id) throw new Error(`${generation}: RDS reports no DbiResourceId for the instance; cannot adopt it`);
  const imports = new Map(
    pending.filter((p) => p.operation === "creating" && p.type === INSTANCE_TYPE && id).map((p) => [p.urn, id!] as const),
  );
  const what = imports.size > 0 ? `adopting the instance the interrupted run created` : `clearing ${pending.length} interrupted operation(s)`;
  output.step(`recover ${generation}: ${what}`);
  await engine.resolvePending(generation, imports, { message: `recover ${generation}: ${what}` });
  // The recovery is a refresh too: the stack's state now holds what the cloud has.
  return true;
}

/**
 * An instance RDS restored for this generation that its stack never recorded: the restore's first wait failed in the
 * provider (credentials that expired during a long restore, a status outside the waiter's list), so the engine kept
 * neither the instance nor a pending create. Restoring again would only fail (DBInstanceAlreadyExists) and a retire
 * would destroy an empty stack, so it is adopted, as a pending create is. True when it was.
 */
async function adoptUnrecorded(ctx: StepContext, generation: string): Promise<boolean> {
  // The stack's own state first (the export the pending check has just read): almost always it holds the instance,
  // and then nothing is asked of RDS.
  if (isClusterEcho(ctx.definition) || !(await lacksDatabase(ctx, generation))) return false;
  const { engine, rds, output } = ctx.ports;
  const settings = await engine.settings(generation);
  const instance = await rds.describeInstance(instanceIdOf(generation, settings));
  if (!settings || !instance || !isManagedBy(ctx.definition.echo, generation, instance)) return false;
  if (!instance.resourceId) throw new Error(`${generation}: RDS reports no DbiResourceId for the instance; cannot adopt it`);
  const message = `recover ${generation}: adopting the instance RDS restored but the stack never recorded (its create failed while the provider waited)`;
  output.step(message);
  await engine.adoptUnrecorded(generation, settings, { type: INSTANCE_TYPE, name: INSTANCE_RESOURCE, id: instance.resourceId }, { message });
  return true;
}

/** Whether the generation's stack holds no instance (before its create, or after a create it never recorded). */
export async function lacksDatabase(ctx: StepContext, generation: string): Promise<boolean> {
  return !(await ctx.ports.engine.recorded(generation)).some((r) => r.type === INSTANCE_TYPE && r.name === INSTANCE_RESOURCE);
}

/** The RDS identifier of a generation's instance: its own name, or the one an adopted instance kept (migrate --adopt). */
export function instanceIdOf(generation: string, settings: GenerationSettings | undefined): string {
  return settings?.adopted ?? generation;
}

/** Runs the engine update while a watcher reports the instance's RDS status (a restore can take a day). */
async function updateWatching(ctx: StepContext, generation: string, settings: GenerationSettings, message: string): Promise<UpdateResult> {
  const watch = new AbortController();
  const read = databaseReader(ctx.ports, ctx.definition);
  const watcher = waitForAvailable(ctx.ports, instanceIdOf(generation, settings), { timeoutMs: timeoutMs(ctx), signal: watch.signal, missingOk: true, read }).catch(() => undefined);
  try {
    return await ctx.ports.engine.update(generation, settings, { message });
  } finally {
    watch.abort();
    await watcher;
  }
}

function timeoutMs(ctx: StepContext): number {
  return createTimeoutMinutes(ctx.definition.timeouts) * 60_000;
}
