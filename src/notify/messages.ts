/**
 * What a notification says: pure, from what the run did (its step reports) to short messages. Sending is elsewhere
 * (src/lifecycle/notify.ts, through the NotifyPort). A message names generations, the CNAME, endpoints and snapshots,
 * never a secret: `redact` masks every secret value the run holds, whatever an error message might have carried.
 */
import type { NotifyEvent } from "../definition/notify.js";
import type { StepReport } from "../lifecycle/context.js";
import type { Notification } from "../ports.js";

/** SNS refuses subjects over 100 characters. */
const MAX_SUBJECT = 100;
/** A failure's message is cut to this many lines: enough to see what broke, short enough for a chat line. */
const MAX_ERROR_LINES = 8;

export interface RunFacts {
  readonly echo: string;
  /** The command that ran: `up`, `promote`, `rollback`, … */
  readonly command: string;
  readonly cname?: string;
  /** The pinned snapshot of each generation a message is about (promotions). */
  readonly snapshots: ReadonlyMap<string, string>;
}

/**
 * The notifications a finished run warrants. `waiting` is sent once, by the run that brings a generation there (it
 * rebooted or scrubbed it and did not promote it), not by every later run that finds it still waiting.
 */
export function notificationsFor(facts: RunFacts, reports: readonly StepReport[]): Notification[] {
  const out: Notification[] = [];
  const promotedNow = new Set(reports.filter((r) => r.step === "promote" || r.step === "rollback").map((r) => r.generation));
  const advanced = [...new Set(reports.filter((r) => r.step === "reboot" || r.step === "hooks").map((r) => r.generation))];
  for (const r of reports) {
    if (r.step === "promote") out.push(promoted(facts, r, undefined));
    if (r.step === "rollback") out.push(promoted(facts, r, reports.filter((x) => x.step === "forget").map((x) => x.generation)));
    if (r.step === "retire") out.push(message("retired", facts, `${r.generation} retired`, [`${r.generation} was destroyed (${r.detail}); its stack and history stay.`]));
  }
  for (const generation of advanced) {
    if (promotedNow.has(generation) || !facts.cname) continue;
    const approval = reports.find((r) => r.step === "wait" && r.generation === generation && r.detail.startsWith("waits for approval"));
    out.push(
      approval
        ? message("waiting", facts, `${generation} waits for approval`, [`${generation} is ready and ${approval.detail}.`, `Once approved, \`rds-echo up ${facts.echo} --promote\` points ${facts.cname} at it.`])
        : message("waiting", facts, `${generation} waits for --promote`, [`${generation} is ready to serve ${facts.cname}.`, `Promote it with \`rds-echo promote ${facts.echo}\` (or \`rds-echo up ${facts.echo} --promote\`).`]),
    );
  }
  return out;
}

/** The notification of a failed run. */
export function failureNotification(facts: Pick<RunFacts, "echo" | "command">, error: string, exitCode: number): Notification {
  const lines = error.split("\n").filter((l) => l.trim() !== "");
  const cut = lines.length > MAX_ERROR_LINES ? [...lines.slice(0, MAX_ERROR_LINES), "…"] : lines;
  const next = exitCode === 1 ? `Rerun \`rds-echo up ${facts.echo}\` to converge.` : "Nothing was changed by the step that refused; fix what it says, then rerun.";
  return message("failure", facts, `${facts.command} failed`, [`rds-echo ${facts.command} ${facts.echo} failed (exit ${exitCode}):`, ...cut, next]);
}

/** Masks every secret value in the notification (values shorter than 4 characters are not secrets worth the name). */
export function redact(notification: Notification, secrets: readonly string[]): Notification {
  const mask = (text: string) => secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join("[secret]"), text);
  return { ...notification, subject: mask(notification.subject), text: mask(notification.text) };
}

function promoted(facts: RunFacts, r: StepReport, rolledBackFrom: readonly string[] | undefined): Notification {
  const snapshot = facts.snapshots.get(r.generation);
  const target = r.detail.replace(/ \(.*\)$/, "");
  const lines = [
    rolledBackFrom ? `Rolled back: ${r.generation} serves again, instead of ${rolledBackFrom.join(", ") || "-"}.` : `${r.generation} now serves.`,
    `CNAME: ${target}`,
    ...(snapshot ? [`Snapshot: ${snapshot}`] : []),
  ];
  return message("promoted", facts, rolledBackFrom ? `rolled back to ${r.generation}` : `${r.generation} promoted`, lines);
}

function message(event: NotifyEvent, facts: Pick<RunFacts, "echo">, what: string, lines: readonly string[]): Notification {
  const subject = `[rds-echo] ${facts.echo}: ${what}`;
  // ASCII only, one line: what SNS accepts as a subject.
  const line = subject.replace(/[^\x20-\x7e]/g, "?");
  return { event, echo: facts.echo, subject: line.length > MAX_SUBJECT ? `${line.slice(0, MAX_SUBJECT - 3)}...` : line, text: lines.join("\n") };
}
