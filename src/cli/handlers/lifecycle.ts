/**
 * Runs a lifecycle command: validate everything the person gave (definition, flags, secrets) before any cloud call,
 * open the ports, run the step, print what happened. Returns the exit code.
 */
import { isGenerationOf } from "../../definition/identifiers.js";
import path from "node:path";
import { listEchoes, loadDefinition, STACKS_DIR } from "../../definition/load.js";
import type { EchoDefinition } from "../../definition/schema.js";
import { UsageError } from "../../errors.js";
import type { StepContext, StepReport } from "../../lifecycle/context.js";
import { loadEchoState } from "../../lifecycle/echo-state.js";
import type { ApprovalView } from "../../lifecycle/approval.js";
import type { EchoHistoryEntry } from "../../lifecycle/history.js";
import type { EchoStatus } from "../../lifecycle/status.js";
import type { LifecycleArgs, LifecycleCommand } from "../commands/lifecycle.js";
import type { CommandContext } from "../context.js";
import { formatChanges } from "../terminal.js";
import { openPorts, sandboxSpeed } from "./ports.js";
import { secretsFor } from "./secrets.js";

export async function runLifecycle(command: CommandContext, name: LifecycleCommand, args: LifecycleArgs): Promise<number> {
  const echoes = args.echo !== undefined ? [args.echo] : await listEchoes(command.root);
  if (echoes.length === 0) throw new UsageError(`no echo given and no definitions in ${command.root}/stacks`);
  // Every definition is validated before anything touches the cloud.
  const definitions = await Promise.all(echoes.map((echo) => loadDefinition(command.root, echo)));
  if (name === "status") {
    const statuses: EchoStatus[] = [];
    for (const definition of definitions) statuses.push(await withPorts(command, definition, args, false, (ctx) => status(ctx)));
    command.reporter.data(args.echo !== undefined ? statuses[0] : statuses);
    for (const s of statuses) printStatus(command, s);
    return 0;
  }
  if (name === "promote" && args.request) await checkRequestInput(definitions[0]!, args);
  checkFlags(definitions[0]!, name, args);
  if (args.sandbox) sandboxSpeed(process.env);
  // Only a command that may create a generation needs the secrets it will store (and hooks connect with them).
  const needsSecrets = name === "new" || name === "up" || (name === "promote" && hasHooks(definitions[0]!));
  return withPorts(command, definitions[0]!, args, needsSecrets, (ctx) => step(command, name, args, ctx));
}

/** Flags that name things, checked against the definition before any cloud call. */
function checkFlags(definition: EchoDefinition, name: LifecycleCommand, args: LifecycleArgs): void {
  if (args.generation !== undefined && !isGenerationOf(definition.echo, args.generation)) {
    throw new UsageError(`--generation "${args.generation}" is not a generation of ${definition.echo} (expected ${definition.echo}-<yyyymmdd>-<hhmm>)`);
  }
  if ((name === "promote" || args.promote) && !definition.promote) {
    throw new UsageError(`${definition.echo} has no promote section in stacks/${definition.echo}.yaml, so it cannot be promoted`);
  }
}

/** Everything `promote --request` is given is checked before any cloud call: approvers, counts, expiry, signer keys. */
async function checkRequestInput(definition: EchoDefinition, args: LifecycleArgs): Promise<void> {
  const { requestSettings } = await import("../../lifecycle/approval.js");
  requestSettings(definition, requestOptions(args), new Date());
  if (!args.sandbox) (await import("../../adapters/aws/approvals.js")).signerCredentials(process.env);
}

function requestOptions(args: LifecycleArgs) {
  return {
    ...(args.approver ? { approvers: args.approver } : {}),
    ...(args.required !== undefined ? { required: args.required } : {}),
    ...(args.expires !== undefined ? { expires: args.expires } : {}),
  };
}

async function withPorts<T>(command: CommandContext, definition: EchoDefinition, args: LifecycleArgs, needsSecrets: boolean, body: (ctx: StepContext) => Promise<T>): Promise<T> {
  const secrets = needsSecrets ? secretsFor(definition, process.env, args.sandbox, (l) => command.reporter.warn(l)) : {};
  // The files hooks name are read (and a missing one refused, exit 2) before any cloud call.
  const hooks = hasHooks(definition) ? await (await import("../../hooks/load.js")).loadHookSet(path.join(command.root, STACKS_DIR), definition) : undefined;
  const { ports, close } = await openPorts(command, definition, { sandbox: args.sandbox, backend: args.backend, installPulumi: args.installPulumi });
  try {
    return await body({ ports, definition, options: { yes: args.yes ?? false, force: args.force ?? false, secrets }, ...(hooks ? { hooks } : {}) });
  } finally {
    await close();
  }
}

function hasHooks(definition: EchoDefinition): boolean {
  return (definition.hooks?.afterRestore.length ?? 0) + (definition.hooks?.beforePromote.length ?? 0) > 0;
}

async function status(ctx: StepContext): Promise<EchoStatus> {
  const { echoStatus } = await import("../../lifecycle/status.js");
  return echoStatus(ctx.ports, ctx.definition);
}

async function step(command: CommandContext, name: LifecycleCommand, args: LifecycleArgs, ctx: StepContext): Promise<number> {
  const load = () => loadEchoState(ctx.ports, ctx.definition);
  let reports: StepReport[];
  switch (name) {
    case "new":
      reports = [await (await import("../../lifecycle/new.js")).newGeneration(ctx, await load())];
      break;
    case "modify":
      reports = [await (await import("../../lifecycle/modify.js")).modifyGeneration(ctx, await load())];
      break;
    case "reboot":
      reports = [await (await import("../../lifecycle/reboot.js")).rebootGeneration(ctx, await load())];
      break;
    case "promote":
      if (args.request) return openRequest(command, ctx, args);
      reports = await (await import("../../lifecycle/promote.js")).promoteGeneration(ctx, await load());
      break;
    case "retire":
      reports = await (await import("../../lifecycle/retire.js")).retireGenerations(ctx, await load(), args.generation ? { generation: args.generation } : {});
      break;
    case "up":
      reports = await (await import("../../lifecycle/up.js")).up(ctx, { promote: args.promote ?? false, retire: args.retire ?? false });
      break;
    case "preview": {
      const preview = await (await import("../../lifecycle/preview.js")).previewNext(ctx, { promote: args.promote ?? false, retire: args.retire ?? false });
      command.reporter.data(preview);
      if (!preview.step) command.reporter.text(`${ctx.definition.echo}: nothing to do`);
      for (const c of preview.changes) for (const line of formatChanges(c.label, c.set)) command.reporter.text(line);
      return 0;
    }
    case "history": {
      const entries = await (await import("../../lifecycle/history.js")).echoHistory(ctx.ports, ctx.definition.echo);
      command.reporter.data(entries);
      printHistory(command, entries);
      return 0;
    }
    case "approvals": {
      const views = await (await import("../../lifecycle/approval.js")).approvalsOf(ctx, await load());
      command.reporter.data(views);
      printApprovals(command, views);
      return 0;
    }
    case "status":
      throw new Error("status is handled above");
  }
  command.reporter.data({ echo: ctx.definition.echo, steps: reports });
  if (reports.length === 0) command.reporter.text(`${ctx.definition.echo}: nothing to do`);
  for (const r of reports) command.reporter.text(`${r.step.padEnd(8)} ${r.generation}  ${r.detail}`);
  return 0;
}

async function openRequest(command: CommandContext, ctx: StepContext, args: LifecycleArgs): Promise<number> {
  const { requestPromotion } = await import("../../lifecycle/approval.js");
  const opened = await requestPromotion(ctx, await loadEchoState(ctx.ports, ctx.definition), requestOptions(args));
  const { request } = opened;
  command.reporter.data({ request: { ...request, createdAt: request.createdAt.toISOString(), expiresAt: request.expiresAt.toISOString() }, links: opened.links, emailed: opened.emailed });
  command.reporter.text(`request ${request.id} for ${request.generation}: ${request.required} of ${request.approvers.length} approval(s) needed, links valid until ${request.expiresAt.toISOString()}`);
  for (const l of opened.links) {
    command.reporter.text(`\n${l.approver}${opened.emailed.includes(l.approver) ? " (e-mailed)" : ""}`);
    command.reporter.text(`  approve: ${l.approve}`);
    command.reporter.text(`  cancel:  ${l.cancel}`);
  }
  return 0;
}

function printApprovals(command: CommandContext, views: readonly ApprovalView[]): void {
  if (views.length === 0) command.reporter.text("no approval requests");
  for (const v of views) {
    const r = v.request!;
    command.reporter.text(`${v.generation}  request ${r.id}  ${v.approvedBy.length}/${r.required} approval(s)  expires ${r.expiresAt.toISOString()}${v.granted ? "  GRANTED" : ""}`);
    for (const approver of r.approvers) {
      const decision = v.cancelledBy.includes(approver) ? "cancelled" : v.approvedBy.includes(approver) ? "approved" : "waiting";
      command.reporter.text(`  ${decision.padEnd(9)} ${approver}${v.seen[approver] ? `  (seen ${v.seen[approver]})` : ""}`);
    }
    if (!v.granted) command.reporter.text(`  ${v.missing}`);
  }
}

function printStatus(command: CommandContext, s: EchoStatus): void {
  const { reporter } = command;
  reporter.text(`${s.echo}${s.cname ? `: ${s.cname} -> ${s.cnameTarget ?? "(no record)"}${s.servedBy ? ` (${s.servedBy})` : ""}` : ""}`);
  if (s.generations.length === 0) reporter.text("  no generations yet");
  for (const g of s.generations) {
    reporter.text(
      `  ${g.serving ? "*" : " "} ${g.generation}  ${g.stage.padEnd(10)} ${(g.rdsStatus ?? "-").padEnd(10)} ${String(g.ageHours).padStart(6)} h  ${g.endpoint ?? "-"}  ${g.snapshot ?? ""}`.trimEnd(),
    );
  }
}

function printHistory(command: CommandContext, entries: readonly EchoHistoryEntry[]): void {
  if (entries.length === 0) command.reporter.text("no history yet");
  for (const e of entries) {
    const changes = Object.entries(e.resourceChanges)
      .filter(([op]) => op !== "same")
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
    command.reporter.text(`${e.startTime.toISOString()}  ${e.generation}  ${e.kind.padEnd(7)} ${e.result.padEnd(11)} ${e.message}${changes ? `  [${changes}]` : ""}`);
  }
}
