/**
 * The effectful shell every lifecycle command runs in: load and check the definition, gather the secrets a new
 * generation stores, open the ports (sandbox or real), run the command's body, close the ports. Everything a person
 * could get wrong is checked here, before the first cloud call.
 */
import path from "node:path";
import { decisionKeyFrom } from "../../approval/proof.js";
import { loadDefinition, STACKS_DIR } from "../../definition/load.js";
import type { EchoDefinition } from "../../definition/schema.js";
import type { HookSet } from "../../hooks/plan.js";
import { DeclinedError, UsageError } from "../../errors.js";
import type { StepContext, StepReport } from "../../lifecycle/context.js";
import { approvalForWaits } from "../../lifecycle/approval.js";
import { loadEchoState, type EchoState } from "../../lifecycle/echo-state.js";
import { holdingEcho } from "../../lifecycle/hold.js";
import { notifyFailure, notifyRun } from "../../lifecycle/notify.js";
import { whatWaits, type WaitOptions } from "../../lifecycle/waiting.js";
import type { CommandContext } from "../context.js";
import { interrupt } from "../interrupt.js";
import { failureOf } from "../run.js";
import { printSteps } from "../steps.js";
import { openPorts, sandboxSpeed, type EngineFlags, type SharedPorts } from "./ports.js";
import { secretsFor, webhookUrlFor } from "./secrets.js";

/** What a lifecycle command was asked to do, parsed and validated at the CLI edge. */
export interface EchoRequest {
  readonly echo: string;
  /** The command's name (`up`, `rollback`, …), for what a failure notification says. */
  readonly command?: string;
  readonly engine: EngineFlags;
  /** `--yes`: do not ask. */
  readonly yes?: boolean;
  /** `--force`: override the step's guard. */
  readonly force?: boolean;
  /** The command may create a generation, so it needs the secrets a new generation stores. */
  readonly createsGeneration?: boolean;
  /** The command may promote, so the definition needs a promote section. */
  readonly promotes?: boolean;
  /** The command sends notifications (every command that runs steps), so it needs the webhook's URL secret. */
  readonly notifies?: boolean;
  /** The command reads approval decisions (`approvals`), so it needs the decision key when the echo asks for approval. */
  readonly readsApprovals?: boolean;
  /**
   * The command's own checks of the environment (the approval signer's keys), each throwing a UsageError: on the real
   * path their messages join the preflight's one list, so everything missing is said in one run.
   */
  readonly checks?: readonly (() => unknown)[];
}

export async function withEcho<T>(command: CommandContext, request: EchoRequest, body: (ctx: StepContext) => Promise<T>): Promise<T> {
  return withDefinition(command, await loadDefinition(command.root, request.echo), request, body);
}

export async function withDefinition<T>(command: CommandContext, definition: EchoDefinition, request: EchoRequest, body: (ctx: StepContext) => Promise<T>): Promise<T> {
  return openPrepared(command, await prepareEcho(command, definition, request), body);
}

/** An echo whose every input was checked (definition, flags, secrets, hook files, this machine): ready to open. */
export interface PreparedEcho {
  readonly definition: EchoDefinition;
  readonly request: EchoRequest;
  readonly engine: EngineFlags;
  readonly secrets: Readonly<Record<string, string>>;
  readonly webhookUrl?: string;
  readonly hooks?: HookSet;
}

/**
 * Everything a person could get wrong about one echo, checked before its first cloud call: a fleet run prepares
 * every echo first, so a bad one is refused before any echo touches the cloud.
 */
export async function prepareEcho(command: CommandContext, definition: EchoDefinition, request: EchoRequest): Promise<PreparedEcho> {
  if (request.promotes && !definition.promote) {
    throw new UsageError(`${definition.echo} has no promote section in stacks/${definition.echo}.yaml, so it cannot be promoted`);
  }
  // Decisions count only with their proof, made with the decision key: a promotion that waits for approval (or a
  // look at the approvals) needs it, and its absence is said before any cloud call.
  let engine = request.engine;
  if (engine.sandbox) sandboxSpeed(process.env);
  else {
    const checks = [...(definition.promote?.approval && (request.promotes || request.readsApprovals) ? [() => decisionKeyFrom(process.env)] : []), ...(request.checks ?? [])];
    // Everything the real adapters need, checked together before the first call.
    const { checkPrerequisites } = await import("./preflight.js");
    const earlier = [...new Set(checks.flatMap((check) => problemOf(check)))];
    const { pulumiCommand } = await checkPrerequisites(command.root, definition, { installPulumi: engine.installPulumi, needsSecrets: request.createsGeneration ?? false, needsWebhook: request.notifies ?? false, env: process.env, earlier });
    engine = { ...engine, pulumiCommand };
  }
  // Hooks connect with the master password, so a command that may promote an echo with hooks needs it too.
  const needsSecrets = (request.createsGeneration ?? false) || (request.promotes === true && hasHooks(definition));
  const secrets = needsSecrets ? secretsFor(definition, process.env, engine.sandbox, (l) => command.reporter.warn(l)) : {};
  const webhookUrl = request.notifies ? webhookUrlFor(definition, process.env, engine.sandbox) : undefined;
  // The files hooks name are read (and a missing one refused, exit 2) before any cloud call.
  const hooks = hasHooks(definition) ? await (await import("../../hooks/load.js")).loadHookSet(path.join(command.root, STACKS_DIR), definition) : undefined;
  return { definition, request, engine, secrets, ...(webhookUrl !== undefined ? { webhookUrl } : {}), ...(hooks ? { hooks } : {}) };
}

/** Opens the ports of a prepared echo, runs the body, closes them. `shared`: what a fleet run's echoes share. */
export async function openPrepared<T>(command: CommandContext, prepared: PreparedEcho, body: (ctx: StepContext) => Promise<T>, shared?: SharedPorts): Promise<T> {
  const { definition, request, engine, secrets, webhookUrl, hooks } = prepared;
  const { ports, close } = await openPorts(command, definition, engine, webhookUrl !== undefined ? { webhookUrl } : {}, shared);
  try {
    return await body({ ports, definition, options: { yes: request.yes ?? false, force: request.force ?? false, secrets }, ...(hooks ? { hooks } : {}) });
  } finally {
    await close();
  }
}

/** The message of the UsageError a check throws, or none. */
function problemOf(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return [error.message];
  }
}

export function hasHooks(definition: EchoDefinition): boolean {
  return (definition.hooks?.afterRestore.length ?? 0) + (definition.hooks?.beforePromote.length ?? 0) > 0;
}

/**
 * Runs steps that change the echo and prints what they did and what waits (text, or `{ echo, steps, waiting }`).
 * A "no" at a prompt is reported as the step skipped, exit 0: it is the person's choice, not a failure.
 * @param waits what the command would go on to do (`--promote`, `--retire`), for what waits; none: waits not shown.
 */
export async function runSteps(
  command: CommandContext,
  request: EchoRequest,
  body: (ctx: StepContext, state: EchoState) => Promise<StepReport[]>,
  waits?: WaitOptions,
): Promise<number> {
  return withEcho(command, { ...request, notifies: true }, stepsBody(command, request, body, waits));
}

/** The body of `runSteps`, for an echo opened some other way (one echo of `up --all`). */
export function stepsBody(
  command: CommandContext,
  request: EchoRequest,
  body: (ctx: StepContext, state: EchoState) => Promise<StepReport[]>,
  waits?: WaitOptions,
): (ctx: StepContext) => Promise<number> {
  return async (ctx) => {
    let reports: StepReport[];
    try {
      // The echo is this run's alone from here to the end of its steps (a lease on a shared backend).
      reports = await holdingEcho(ctx, async () => body(ctx, await loadEchoState(ctx.ports, ctx.definition)));
    } catch (error) {
      if (!(error instanceof DeclinedError)) {
        await notifyFailed(ctx, request, error);
        throw error;
      }
      reports = [{ step: "skipped", generation: "-", detail: `declined at the prompt (${error.title}); nothing was changed` }];
    }
    await notifyRun(ctx, request.command ?? "rds-echo", reports);
    const after = waits ? await loadEchoState(ctx.ports, ctx.definition) : undefined;
    const waiting = after && waits ? whatWaits(ctx, after, waits, await approvalForWaits(ctx, after)) : [];
    printSteps(command.reporter, ctx.definition.echo, reports, waiting);
    return 0;
  };
}

/**
 * A run fails, for notifications, when it ends with exit 1 (an AWS or engine error), or when `up`, the command cron
 * runs unattended, is refused by a guard (exit 2: the echo is stuck until someone acts). A person's own refused
 * command is said to that person; an interrupted run (Ctrl-C, SIGTERM) is not a failure.
 */
async function notifyFailed(ctx: StepContext, request: EchoRequest, error: unknown): Promise<void> {
  if (interrupt.received !== undefined) return;
  const { code } = failureOf(error);
  if (code === 1 || request.command === "up") await notifyFailure(ctx, request.command ?? "rds-echo", error, code);
}
