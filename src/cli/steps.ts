/** The printer of what lifecycle steps did: one line per step, or `{ echo, steps }` with --json. */
import type { StepReport } from "../lifecycle/context.js";
import type { Reporter } from "./reporter.js";

export function printSteps(reporter: Reporter, echo: string, reports: readonly StepReport[]): void {
  reporter.data({ echo, steps: reports });
  if (reports.length === 0) reporter.text(`${echo}: nothing to do`);
  for (const r of reports) reporter.text(`${r.step.padEnd(8)} ${r.generation}  ${r.detail}`);
}
