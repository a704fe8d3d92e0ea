/**
 * The end of a fleet run: one row per echo (its steps, its result, how long it took), the run's exit code (the worst
 * of the echoes'), printed as a table or as the one JSON document of `--json`.
 */
import type { Problem, Reporter } from "../reporter.js";
import { isNews } from "../steps.js";

/** What came of one echo of the run. */
export interface EchoOutcome {
  readonly echo: string;
  /** The steps taken (`up`), or the one `preview` shows; empty when none. */
  readonly steps: readonly string[];
  /**
   * `done`, `done, waiting`, `nothing to do`, `waiting`, `busy`, `would <step>` (preview), `refused` (exit 2: bad
   * input or a guard), `failed` (exit 1), `interrupted` (a signal stopped it), `not started` (a signal came first).
   */
  readonly result: string;
  readonly exitCode: number;
  /** When it started, in ms after the first echo could start (undefined: never started). */
  readonly startedMs?: number;
  readonly durationMs: number;
  /** Why it was refused or failed (the error's message), or undefined. */
  readonly message?: string;
  readonly problems?: readonly Problem[];
  /** The echo's own document, as `up <echo> --json` (or `preview <echo> --json`) would print it. */
  readonly detail?: unknown;
}

/**
 * How bad an exit code is, for the run's: a signal (130, 143: the run was stopped and some echoes never finished)
 * over 2 (a person must act: bad input, a guard that refused) over 1 (a failure a rerun may converge) over 0.
 */
export function severity(code: number): number {
  if (code === 0) return 0;
  if (code >= 128) return 3;
  return code === 2 ? 2 : 1;
}

/** The run's exit code: the worst of its echoes' (see `severity`); 0 for none. */
export function worstExitCode(codes: readonly number[]): number {
  return codes.reduce((worst, code) => (severity(code) > severity(worst) ? code : worst), 0);
}

/** The result word of an echo that ended without an error, from the document its printer made. */
export function resultOf(verb: "up" | "preview", detail: unknown): { steps: string[]; result: string } {
  const doc = (typeof detail === "object" && detail !== null ? detail : {}) as { steps?: { step?: unknown }[]; step?: unknown; waiting?: unknown[] };
  const waits = (doc.waiting?.length ?? 0) > 0;
  if (verb === "preview") {
    const step = typeof doc.step === "string" ? doc.step : undefined;
    return { steps: step ? [step] : [], result: step ? `would ${step}` : waits ? "waiting" : "nothing to do" };
  }
  const steps = (doc.steps ?? []).map((s) => String(s.step));
  if (steps.includes("busy")) return { steps, result: "busy" };
  if (steps.includes("skipped")) return { steps, result: "declined" };
  if (steps.length === 0) return { steps, result: waits ? "waiting" : "nothing to do" };
  return { steps, result: waits || steps.includes("wait") ? "done, waiting" : "done" };
}

/** The result word of an echo that ended with an error (or a signal). */
export function failedResult(code: number): string {
  if (code >= 128) return "interrupted";
  return code === 2 ? "refused" : "failed";
}

export function formatDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The summary: a table on stdout (then each refusal's or failure's reason), or `{ command, parallel, exitCode, echoes }`. */
export function printSummary(reporter: Reporter, command: string, parallel: number, outcomes: readonly EchoOutcome[]): number {
  const exitCode = worstExitCode(outcomes.map((o) => o.exitCode));
  reporter.data({
    command,
    parallel,
    exitCode,
    echoes: outcomes.map((o) => ({
      echo: o.echo,
      steps: o.steps,
      result: o.result,
      exitCode: o.exitCode,
      ...(o.startedMs !== undefined ? { startedMs: Math.round(o.startedMs) } : {}),
      durationMs: Math.round(o.durationMs),
      ...(o.message !== undefined ? { error: o.message, problems: o.problems ?? [{ message: o.message }] } : {}),
      ...(o.detail !== undefined ? { detail: o.detail } : {}),
    })),
  });
  // --quiet: a run where every echo changed nothing and ended well prints nothing (see printSteps).
  if (reporter.quiet && exitCode === 0 && !outcomes.some((o) => isNews(o.steps))) return exitCode;
  const rows = outcomes.map((o) => [o.echo, o.steps.length ? o.steps.join(" ") : "-", o.exitCode === 0 ? o.result : `${o.result} (exit ${o.exitCode})`, formatDuration(o.durationMs)]);
  const header = ["echo", "steps", "result", "time"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  reporter.text("");
  reporter.text(line(header));
  for (const row of rows) reporter.text(line(row));
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.result, (counts.get(o.result) ?? 0) + 1);
  reporter.text(`${outcomes.length} echo${outcomes.length === 1 ? "" : "es"}: ${[...counts].map(([r, n]) => `${n} ${r}`).join(", ")}; exit ${exitCode}`);
  for (const o of outcomes) if (o.message !== undefined) reporter.text(`${o.echo}: ${o.result}: ${o.message.split("\n")[0]}`);
  return exitCode;
}
