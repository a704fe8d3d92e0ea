/**
 * Archiving retired generations (`retire.archiveAfter`): a retired generation's stack holds nothing but its history,
 * and every run starts with a listing of every stack, so a stack retired long enough ago has its whole history moved
 * into the echo's archive (where `history` reads it) and is removed. The audit trail stays whole; the listing holds
 * the live generations and the few retired recently.
 *
 * Only a retired generation whose stack can no longer matter to any decision is archived: the state reads the
 * rolled-back mark of the newest generation and of retired ones newer than an unpromoted one (echo-state.ts,
 * readRetiredMarks), and the guard counts from the newest that still exists or was rolled back from (newestForGuard).
 * So it must be older than some generation that is not retired, and no unfinished generation may be older than it.
 */
import { parseDuration } from "../definition/duration.js";
import type { ChangeSet } from "../ports.js";
import type { StepContext, StepReport } from "./context.js";
import type { Condition, EchoState, Generation } from "./echo-state.js";

/** Generations whose stage is not settled: a retired generation newer than one of them may still decide its fate. */
const UNSETTLED: readonly Condition[] = ["new", "modified", "rebooted", "incomplete", "superseded"];

/** The retired generations to archive now, oldest first (none with `archiveAfter: never`). */
export function archiveCandidates(state: EchoState, archiveAfter: string, now: Date): Generation[] {
  const minutes = archiveAfter === "never" ? undefined : parseDuration(archiveAfter);
  if (minutes === undefined) return [];
  const cutoff = now.getTime() - minutes * 60_000;
  const newestLive = state.generations.map((g) => g.condition !== "retired").lastIndexOf(true);
  const firstUnsettled = state.generations.findIndex((g) => UNSETTLED.includes(g.condition));
  const bound = Math.min(newestLive, firstUnsettled < 0 ? Infinity : firstUnsettled);
  return state.generations.filter(
    (g, i) =>
      i < bound &&
      g.condition === "retired" &&
      !g.stack.updateInProgress &&
      // Retired that long ago: the last operation on a retired stack is its destroy.
      g.stack.lastUpdate !== undefined &&
      g.stack.lastUpdate.getTime() <= cutoff,
  );
}

/** What archiving these changes, for the confirmation: stacks removed, their history kept. */
export function archivePreview(generations: readonly Generation[]): { label: string; set: ChangeSet } {
  return {
    label: `archive ${generations.length} retired generation${generations.length === 1 ? "" : "s"}: the stack removed, its whole history kept in the echo's archive (\`history\` shows it)`,
    set: { changes: generations.map((g) => ({ op: "delete" as const, type: "pulumi:pulumi:Stack", name: g.name })) },
  };
}

/** Archives each generation (oldest first), saying so; reports one `archive` step per generation archived. */
export async function archiveGenerations(ctx: StepContext, generations: readonly Generation[]): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const g of generations) {
    const archived = await ctx.ports.engine.archive(g.name, { echo: ctx.definition.echo, at: ctx.ports.clock.now() });
    if (!archived) {
      // The same for every generation: the backend has no place for an archive. Said once, nothing else tried.
      ctx.ports.output.warn(`archive: this backend keeps no archive; retired stacks stay listed (${generations.length} due)`);
      break;
    }
    ctx.ports.output.step(`archive ${g.name}`);
    reports.push({ step: "archive", generation: g.name, detail: "history archived, stack removed" });
  }
  return reports;
}
