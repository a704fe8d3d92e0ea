/**
 * `up`: advance the echo as far as it can go, idempotently (safe from cron). Recover what a dead run left, finish a
 * half-done promotion, start a new generation when one is due, then modify, reboot and, when asked, promote and retire.
 * A second run right after does nothing and says so.
 */
import { DeclinedError, StackLockedError } from "../errors.js";
import type { StepContext, StepReport } from "./context.js";
import { busyGeneration, byCondition, loadEchoState, type EchoState, type Generation } from "./echo-state.js";
import { modifyGeneration } from "./modify.js";
import { newGeneration, newGenerationBlockers } from "./new.js";
import { runAfterRestore, scrubDue } from "./hooks.js";
import { demoteStale, promoteGeneration } from "./promote.js";
import { rebootGeneration } from "./reboot.js";
import { resumeGeneration, unfinishedGeneration } from "./resume.js";
import { archiveCandidates } from "./archive.js";
import { retireCandidates, retireGenerations } from "./retire.js";

export interface UpOptions {
  readonly promote: boolean;
  readonly retire: boolean;
}

/** The next step `up` would take for an echo, or undefined when it has nothing to do. */
export type NextStep = "resume" | "finish-promotion" | "new" | "modify" | "reboot" | "hooks" | "promote" | "retire";

/**
 * @param unfinished a generation a dead run left behind (see `unfinishedGeneration`), which comes first.
 * @param scrubbing the rebooted generation's afterRestore hooks have not all succeeded yet (see `hooksPending`).
 */
export function nextStep(ctx: StepContext, state: EchoState, options: UpOptions, unfinished?: Generation, scrubbing = false): NextStep | undefined {
  if (unfinished) return "resume";
  if (byCondition(state, "promoted").length > 1) return "finish-promotion";
  const inFlight = byCondition(state, "new", "modified", "rebooted").at(-1);
  if (!inFlight) return newGenerationBlockers(ctx, state).length === 0 ? "new" : options.retire && retireDue(ctx, state) ? "retire" : undefined;
  if (inFlight.condition === "new") return "modify";
  if (inFlight.condition === "modified") return "reboot";
  // Scrubbing is a step of its own, with or without --promote: an unscrubbed copy is never left waiting for a flip.
  if (scrubbing) return "hooks";
  if (options.promote) return "promote";
  return options.retire && retireDue(ctx, state) ? "retire" : undefined;
}

export async function up(ctx: StepContext, options: UpOptions): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  let triedRetire = false;
  for (const g of (await load(ctx)).generations) {
    if (g.condition === "foreign") ctx.ports.output.warn(`${g.name}: an instance by that name exists without this echo's tags; leaving it alone`);
  }
  // Each pass takes one step and re-reads the world; the bound only guards against a step that does not advance.
  for (let pass = 0; pass < 12; pass++) {
    const state = await load(ctx);
    // Cron may well start while last night's 28-hour restore is still running: that is not an error. Backends that
    // report it in the listing are caught here; the others by their lock, below.
    const busy = busyGeneration(state);
    if (busy) return [...reports, busyReport(ctx, busy.name)];
    const unfinished = await unfinishedGeneration(ctx, state);
    const step = nextStep(ctx, state, options, unfinished, await hooksPending(ctx, state));
    if (!step) break;
    // One new generation per run: with a short guard the one just promoted could otherwise be followed at once by
    // another restore (a new minute, a new name), and cron would restore in a loop.
    if (step === "new" && reports.some((r) => r.step === "new")) break;
    let taken: StepReport[];
    try {
      taken = unfinished ? [await resumeGeneration(ctx, unfinished)] : await take(ctx, state, step as Exclude<NextStep, "resume">, options);
    } catch (error) {
      if (error instanceof DeclinedError) {
        // The person said no: what was done stays done and is reported; this step and the rest are skipped.
        return [...reports, { step: "skipped", generation: subjectOf(state, step, unfinished), detail: `declined at the prompt (${error.title}); not done, nor anything after it` }];
      }
      if (!(error instanceof StackLockedError)) throw error;
      return [...reports, busyReport(ctx, error.stackName)];
    }
    reports.push(...taken);
    triedRetire ||= step === "retire";
    // Retire is the last step; a promotion waiting for approval stays waiting until the next run.
    if (step === "retire" || taken.some((r) => r.step === "wait")) break;
  }
  // A promotion waiting for approval does not hold up retiring what is already forgotten.
  if (options.retire && !triedRetire && reports.at(-1)?.step === "wait") {
    const state = await load(ctx);
    if (retireDue(ctx, state)) reports.push(...(await retireGenerations(ctx, state)));
  }
  return reports;
}

/** Another run holds a stack of this echo: say so and stop (exit 0), doing nothing else this run, retire included. */
function busyReport(_ctx: StepContext, generation: string): StepReport {
  return { step: "busy", generation, detail: "another run is updating it" };
}

/** One step other than `resume`, which is taken with its generation (see `unfinishedGeneration`). */
async function take(ctx: StepContext, state: EchoState, step: Exclude<NextStep, "resume">, options: UpOptions): Promise<StepReport[]> {
  switch (step) {
    case "finish-promotion":
      return demoteStale(ctx, state, options);
    case "new":
      return [await newGeneration(ctx, state)];
    case "modify":
      return [await modifyGeneration(ctx, state)];
    case "reboot":
      return [await rebootGeneration(ctx, state)];
    case "hooks":
      return [await runAfterRestore(ctx, state)];
    case "promote":
      return promoteGeneration(ctx, state);
    case "retire":
      return retireGenerations(ctx, state);
  }
}

/** The generation a step is about, for the report of a declined one ("-" for a generation not created yet). */
function subjectOf(state: EchoState, step: NextStep, unfinished: Generation | undefined): string {
  if (unfinished) return unfinished.name;
  if (step === "finish-promotion") return byCondition(state, "promoted").at(-1)?.name ?? "-";
  if (step === "retire") return retireCandidates(state, 0)[0]?.name ?? "-";
  if (step === "new") return "-";
  return byCondition(state, "new", "modified", "rebooted").at(-1)?.name ?? "-";
}

/** Whether the newest in-flight generation is rebooted and still needs its afterRestore hooks (one settings read). */
export async function hooksPending(ctx: StepContext, state: EchoState): Promise<boolean> {
  const inFlight = byCondition(state, "new", "modified", "rebooted").at(-1);
  return inFlight?.condition === "rebooted" && (await scrubDue(ctx, inFlight.name));
}

/** Something for `--retire` to do: a generation to retire, or a retired one due to be archived (archive.ts). */
function retireDue(ctx: StepContext, state: EchoState): boolean {
  const { keep, archiveAfter } = ctx.definition.retire;
  return retireCandidates(state, keep).length > 0 || archiveCandidates(state, archiveAfter, ctx.ports.clock.now()).length > 0;
}

function load(ctx: StepContext): Promise<EchoState> {
  return loadEchoState(ctx.ports, ctx.definition);
}
