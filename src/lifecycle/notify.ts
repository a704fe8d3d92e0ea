/**
 * The effectful shell around src/notify/messages.ts: picks the events the definition's `notify.on` asks for, reads the
 * snapshots a promotion message names, sends through the NotifyPort, and turns every channel's failure into a warning.
 * A notification never fails a run, and never holds a secret the run knows.
 */
import type { NotifyEvent } from "../definition/notify.js";
import { dataFreeText } from "../hooks/errors.js";
import { failureNotification, notificationsFor, redact } from "../notify/messages.js";
import type { Notification } from "../ports.js";
import type { StepContext, StepReport } from "./context.js";

/** Sends what a finished run warrants (promoted, rolled back, retired, waiting). */
export async function notifyRun(ctx: StepContext, command: string, reports: readonly StepReport[]): Promise<void> {
  if (!wants(ctx).size) return;
  try {
    const snapshots = new Map<string, string>();
    for (const r of reports) {
      if (r.step !== "promote" && r.step !== "rollback") continue;
      const snapshot = (await ctx.ports.engine.settings(r.generation))?.snapshot;
      if (snapshot) snapshots.set(r.generation, snapshot);
    }
    const cname = ctx.definition.promote?.cname;
    await deliver(ctx, notificationsFor({ echo: ctx.definition.echo, command, snapshots, ...(cname ? { cname } : {}) }, reports));
  } catch (error) {
    ctx.ports.output.warn(`notification not sent: ${reason(error)}; the run itself is not affected`);
  }
}

/** Sends the failure of a run (see the CLI's session for which failures count). */
export async function notifyFailure(ctx: StepContext, command: string, error: unknown, exitCode: number): Promise<void> {
  // A hook's error quotes the database (rows of the unscrubbed copy): a message leaving the machine says only its class.
  await deliver(ctx, [failureNotification({ echo: ctx.definition.echo, command }, dataFreeText(error) ?? reason(error), exitCode)]);
}

async function deliver(ctx: StepContext, notifications: readonly Notification[]): Promise<void> {
  const { notifier, output } = ctx.ports;
  const wanted = wants(ctx);
  if (!notifier) return;
  const secrets = Object.values(ctx.options.secrets);
  for (const n of notifications) {
    if (!wanted.has(n.event)) continue;
    try {
      for (const outcome of await notifier.send(redact(n, secrets))) {
        if (outcome.error !== undefined) output.warn(`notification (${outcome.channel}) failed: ${outcome.error}; the run itself is not affected`);
      }
    } catch (error) {
      output.warn(`notification failed: ${reason(error)}; the run itself is not affected`);
    }
  }
}

function wants(ctx: StepContext): ReadonlySet<NotifyEvent> {
  return new Set(ctx.ports.notifier ? (ctx.definition.notify?.on ?? []) : []);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
