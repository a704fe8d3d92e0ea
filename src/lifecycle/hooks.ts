/**
 * The hooks step, the effectful shell around src/hooks/plan.ts: run a generation's `afterRestore` hooks from the first
 * one that has not succeeded, record how far they got in the stack's settings (one stack update per run, so the stack
 * history says so), and mark the generation scrubbed (settings plus the `echo:scrubbed` tag) when all succeeded. Only
 * a scrubbed generation is promoted, and only after its `beforePromote` checks pass (DESIGN.md, Invariants).
 */
import { performance } from "node:perf_hooks";
import { GuardError, UsageError } from "../errors.js";
import { DatabaseError, HookFailedError } from "../hooks/errors.js";
import { buildHookSet, decodeDone, encodeDone, scrubProgress, tail, type HookSet, type LoadedHook } from "../hooks/plan.js";
import { TAG_SCRUBBED } from "../program/tags.js";
import type { DatabaseConnection, GenerationSettings, InstanceInfo } from "../ports.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import type { EchoState, Generation } from "./echo-state.js";
import { generationIn, requireAvailable } from "./guards.js";
import { applyMove, settingsOf } from "./stage-update.js";

export interface HooksOptions {
  /** Run the hooks of this generation (it must be rebooted) instead of the newest rebooted one. */
  readonly generation?: string;
  /** Run every afterRestore hook again, even on a generation already scrubbed with them. */
  readonly rerun?: boolean;
}

/** True when the generation's afterRestore hooks have not all succeeded in their current form. */
export async function scrubDue(ctx: StepContext, generation: string): Promise<boolean> {
  const set = hookSet(ctx);
  if (set.afterRestore.length === 0) return false;
  return !scrubProgress(set, await settingsOf(ctx, generation)).complete;
}

/** The afterRestore step: `up` takes it after `reboot`; `rds-echo hooks` takes it by hand. */
export async function runAfterRestore(ctx: StepContext, state: EchoState, options: HooksOptions = {}): Promise<StepReport> {
  const { ports } = ctx;
  const set = hookSet(ctx);
  const generation = chosen(state, options.generation);
  requireAvailable(generation, "hooks");
  const settings = await settingsOf(ctx, generation.name);
  const progress = scrubProgress(set, settings);
  if (set.afterRestore.length === 0) return { step: "hooks", generation: generation.name, detail: "no afterRestore hooks defined" };
  if (progress.complete && !options.rerun) {
    ports.output.step(`${generation.name}: already scrubbed by these afterRestore hooks (${set.scrubDigest})`);
    return { step: "hooks", generation: generation.name, detail: `already scrubbed (${set.scrubDigest})` };
  }
  const start = options.rerun ? 0 : progress.start;
  const pending = set.afterRestore.slice(start);
  const title = `hooks ${generation.name}`;
  const label = `${title}: run afterRestore hook(s) ${start + 1}-${set.afterRestore.length} of ${set.afterRestore.length}` + (start > 0 ? ` (1-${start} succeeded before)` : "");
  await confirmChanges(ports, title, [{ label, set: { changes: pending.map((h) => ({ op: "update" as const, type: `hook:${h.kind}`, name: h.label })) } }], ctx.options);

  const connection = await connect(ctx, generation);
  const done = decodeDone(settings.hooksDone).slice(0, start);
  if ("unavailable" in connection) {
    ports.output.warn(`HOOKS SKIPPED on ${generation.name}: ${connection.unavailable}. Its data is NOT scrubbed.`);
    await mark(ctx, generation, settings, set, set.afterRestore.map((h) => h.digest), `scrubbed ${generation.name}: hooks SKIPPED (${connection.unavailable})`);
    return { step: "hooks", generation: generation.name, detail: `SKIPPED: ${connection.unavailable}` };
  }
  for (const hook of pending) {
    try {
      await runHook(ctx, hook, connection, set);
    } catch (error) {
      if (!(error instanceof HookFailedError)) throw error;
      // Record how far the hooks got, so the next run starts at the one that failed (and the history says so).
      await record(ctx, generation.name, { ...withoutMark(settings), hooksDone: encodeDone(done) }, `hooks ${generation.name}: ${done.length} of ${set.afterRestore.length} afterRestore hook(s) succeeded; ${hook.label} failed`);
      throw error;
    }
    done.push(hook.digest);
  }
  await mark(ctx, generation, settings, set, done, `scrubbed ${generation.name}: ${set.afterRestore.length} afterRestore hook(s) succeeded (${set.scrubDigest})`);
  return { step: "hooks", generation: generation.name, detail: `scrubbed: ${set.afterRestore.length} afterRestore hook(s) succeeded (${set.scrubDigest})` };
}

/** Refuses to promote a generation whose afterRestore hooks have not all succeeded in their current form. */
export async function requireScrubbed(ctx: StepContext, generation: string, step = "promote"): Promise<void> {
  const set = hookSet(ctx);
  if (set.afterRestore.length === 0) return;
  const progress = scrubProgress(set, await settingsOf(ctx, generation));
  if (progress.complete) return;
  throw new GuardError(
    `${step}: ${generation} is not scrubbed: ${progress.start} of ${progress.total} afterRestore hook(s) have succeeded in their current form; ` +
      `run them first (\`rds-echo hooks ${ctx.definition.echo}\`, or \`rds-echo up ${ctx.definition.echo}\`)`,
  );
}

/** What the beforePromote checks came to: all passed, none are defined, or none could run (and why). */
export type ChecksOutcome = { readonly checks: "passed" | "none" } | { readonly checks: "skipped"; readonly why: string };

/**
 * The health check of a promotion attempt: every beforePromote hook must pass, or the flip does not happen (a failed
 * one throws). Checks that could not run at all (no database to run them on) are said: skipped is not passed.
 */
export async function runBeforePromote(ctx: StepContext, generation: Generation, instance: InstanceInfo): Promise<ChecksOutcome> {
  const set = hookSet(ctx);
  if (set.beforePromote.length === 0) return { checks: "none" };
  const connection = await connect(ctx, { ...generation, instance });
  if ("unavailable" in connection) {
    ctx.ports.output.warn(`beforePromote checks SKIPPED on ${generation.name}: ${connection.unavailable}`);
    return { checks: "skipped", why: connection.unavailable };
  }
  for (const hook of set.beforePromote) {
    try {
      await runHook(ctx, hook, connection, set);
    } catch (error) {
      if (!(error instanceof HookFailedError)) throw error;
      const blocked = `; promotion of ${generation.name} blocked, nothing changed`;
      throw new HookFailedError(error.hook, `${error.reason}${blocked}`, error.output, `${error.publicReason}${blocked}`);
    }
  }
  return { checks: "passed" };
}

/** The loaded hooks; a definition with hooks that reached the lifecycle without them loaded is a bug, said plainly. */
function hookSet(ctx: StepContext): HookSet {
  if (ctx.hooks) return ctx.hooks;
  const count = (ctx.definition.hooks?.afterRestore.length ?? 0) + (ctx.definition.hooks?.beforePromote.length ?? 0);
  if (count > 0) throw new Error(`${ctx.definition.echo}: its hooks were not loaded (src/hooks/load.ts) before the lifecycle ran`);
  return buildHookSet(undefined, ".", new Map());
}

function chosen(state: EchoState, name: string | undefined): Generation {
  if (name === undefined) return generationIn(state, "hooks", "rebooted");
  const found = state.generations.find((g) => g.name === name);
  if (!found) throw new GuardError(`hooks: ${name} is not a generation of ${state.echo}`);
  if (found.condition !== "rebooted") throw new GuardError(`hooks: ${name} is ${found.condition}; afterRestore hooks run on a rebooted generation, before it is promoted`);
  return found;
}

async function connect(ctx: StepContext, generation: Generation): Promise<DatabaseConnection | { unavailable: string }> {
  const { databases } = ctx.ports;
  if (!databases) return { unavailable: "no database to run them on (the sandbox without RDS_ECHO_SANDBOX_POSTGRES)" };
  const key = ctx.definition.modify.masterPassword?.secret;
  const password = key !== undefined ? ctx.options.secrets[key] : undefined;
  if (!password) throw new UsageError(`hooks connect with the master password: the secret "${key ?? "masterPassword"}" must be given (see README, Secrets)`);
  const set = hookSet(ctx);
  if (!generation.instance) throw new GuardError(`hooks: ${generation.name} has no instance in RDS`);
  return databases.connect({
    generation: generation.name,
    instance: generation.instance,
    password,
    tls: set.tls,
    ...(set.user ? { user: set.user } : {}),
    ...(set.database ? { database: set.database } : {}),
    ...(set.ca ? { ca: set.ca } : {}),
  });
}

/** Runs one hook; a failure of the hook itself is a HookFailedError carrying its output. */
async function runHook(ctx: StepContext, hook: LoadedHook, connection: DatabaseConnection, set: HookSet): Promise<void> {
  const { output } = ctx.ports;
  const databases = ctx.ports.databases!;
  const count = hook.phase === "afterRestore" ? set.afterRestore.length : set.beforePromote.length;
  const name = `${hook.phase} ${hook.index + 1}/${count} ${hook.label}`;
  output.step(`hook ${name} on ${connection.label}`);
  const started = performance.now();
  if (hook.kind === "sql") {
    let result;
    try {
      result = await databases.runSql(connection, hook.text, { timeoutMs: hook.timeoutMs, transaction: hook.transaction });
    } catch (error) {
      if (error instanceof DatabaseError) throw new HookFailedError(name, "the database reported an error", tail(error.message), error.summary);
      throw error;
    }
    if (hook.expect !== undefined && result.firstValue !== hook.expect) {
      // The value it got is the database's (maybe a row of unscrubbed data): only the terminal shows it.
      throw new HookFailedError(name, `expected the first value to be ${hook.expect}, got ${result.firstValue ?? "no rows"}`, tail(result.output), `its first value was not ${hook.expect}`);
    }
    output.step(`  ok in ${seconds(started)}${summary(result.output)}`);
    return;
  }
  const result = await databases.runCommand(connection, hook.text, { timeoutMs: hook.timeoutMs, cwd: set.cwd, passEnv: set.env });
  if (result.timedOut) throw new HookFailedError(name, `timed out after ${hook.timeoutMs / 1000} s (stopped)`, tail(result.output));
  if (result.exitCode !== 0) throw new HookFailedError(name, `exited with ${result.exitCode ?? "a signal"}`, tail(result.output));
  output.step(`  ok in ${seconds(started)}${summary(result.output)}`);
}

/** Marks the generation scrubbed: the tag first, then the settings (the mark promotion checks), in one recorded update. */
async function mark(ctx: StepContext, generation: Generation, settings: GenerationSettings, set: HookSet, done: readonly string[], message: string): Promise<void> {
  if (generation.instance?.arn) await ctx.ports.rds.addTags(generation.instance.arn, { [TAG_SCRUBBED]: set.scrubDigest });
  await record(ctx, generation.name, { ...settings, hooksDone: encodeDone(done), scrubbed: set.scrubDigest }, message);
}

function record(ctx: StepContext, generation: string, settings: GenerationSettings, message: string) {
  return applyMove(ctx, generation, settings, message);
}

function withoutMark(settings: GenerationSettings): GenerationSettings {
  const { scrubbed: _scrubbed, ...rest } = settings;
  return rest;
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(2)} s`;
}

function summary(text: string): string {
  const lines = text.trim().split("\n").filter(Boolean);
  return lines.length === 0 ? "" : ` (${lines.slice(-3).join("; ")})`;
}
