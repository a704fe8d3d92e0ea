/**
 * The printer of what lifecycle steps did, and of what waits: one line per step, then why the echo is not further
 * along and what would move it; or `{ echo, steps, waiting }` with --json. Every "nothing to do" comes with its why.
 */
import type { StepReport } from "../lifecycle/context.js";
import type { Waiting } from "../lifecycle/waiting.js";
import type { Reporter } from "./reporter.js";

export function printSteps(reporter: Reporter, echo: string, reports: readonly StepReport[], waiting: readonly Waiting[] = []): void {
  // A generation whose wait a step already reported (an approval, a TTL) is not repeated.
  const reported = new Set(reports.filter((r) => r.step === "wait" || r.step === "busy").map((r) => r.generation));
  // A run that stood aside for another (`busy -`: the whole echo, or the sandbox's world) did nothing at all: what
  // waits is that run's to say.
  const standingAside = reports.some((r) => r.step === "busy" && r.generation === "-");
  const rest = standingAside ? [] : waiting.filter((w) => w.generation === undefined || !reported.has(w.generation));
  reporter.data({ echo, steps: reports.map((r) => ({ ...r, detail: reporter.hint(r.detail) })), waiting: hinted(reporter, rest) });
  // --quiet, as cron runs it: a run that changed nothing prints nothing, so only news is mailed. Warnings and
  // errors still print (they go their own way), and so does everything when something was done.
  if (reporter.quiet && !isNews(reports.map((r) => r.step))) return;
  if (reports.length === 0) reporter.text(`${echo}: nothing to do${rest.length ? "" : " (and nothing waits)"}`);
  for (const r of reports) reporter.text(`${r.step.padEnd(8)} ${r.generation}  ${r.detail}`);
  for (const w of rest) reporter.text(`waiting  ${w.generation ? `${w.generation}  ` : ""}${w.reason}; to move it: ${w.next}`);
}

/**
 * Whether a run's steps are news: something was done or declined. Waiting (for approval, for a TTL) and standing
 * aside for another run (`busy`, that run reports its own) change nothing.
 */
export function isNews(steps: readonly string[]): boolean {
  return steps.some((step) => step !== "wait" && step !== "busy");
}

/**
 * What waits, its suggested commands given the run's --sandbox and --dir (the text's get them as they are printed):
 * only the hints, never other strings of a document (a stored message is shown as it was sent).
 */
export function hinted(reporter: Reporter, waiting: readonly Waiting[]): Waiting[] {
  return waiting.map((w) => ({ ...w, reason: reporter.hint(w.reason), next: reporter.hint(w.next) }));
}
