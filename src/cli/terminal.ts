/** The lifecycle's prompt and output ports on a terminal: questions on the TTY, diffs and progress on stderr. */
import { createInterface } from "node:readline/promises";
import { CNAME_FLIP_TYPE, type ChangeSet, type LifecycleOutput, type Prompt, type ResourceChange } from "../ports.js";
import type { Reporter } from "./reporter.js";

const SYMBOL: Record<ResourceChange["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

/** A preview diff as lines: `~ aws:rds/instance:Instance db (parameterGroupName, tags)`; unchanged resources left out. */
export function formatChanges(title: string, set: ChangeSet): string[] {
  const changed = set.changes.filter((c) => c.op !== "same");
  const lines = changed.flatMap((c) => {
    if (c.type === CNAME_FLIP_TYPE) return [`  ${SYMBOL[c.op]} ${c.name}: ${c.diffs?.[0]?.old ?? "(no record)"} -> ${c.diffs?.[0]?.new ?? "(none)"}`];
    const head =
      `  ${SYMBOL[c.op]} ${c.type}  ${c.name}${c.keys?.length && !c.diffs?.length ? ` (${c.keys.join(", ")})` : ""}` +
      (c.retained ? "  (retained: leaves this stack only; the live resource stays)" : "");
    // Values, not only key names: a person confirms what will change, old -> new.
    return [head, ...(c.diffs ?? []).map((d) => `      ${d.key}: ${d.old ?? "(unset)"} -> ${d.new ?? "(unset)"}`)];
  });
  return [`${title}:`, ...(lines.length ? lines : ["  (no changes)"])];
}

export class TerminalPrompt implements Prompt {
  readonly interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  async confirm(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  }
}

export class ReporterOutput implements LifecycleOutput {
  #lastProgress = "";
  /** Titles of the diffs shown: the step that applies a diff announces itself by the same words, said once. */
  readonly #shown = new Set<string>();
  constructor(private readonly reporter: Reporter) {}
  step(message: string): void {
    if (this.#shown.delete(message)) return;
    this.reporter.note(message);
  }
  changes(title: string, set: ChangeSet): void {
    // Diffs are the audit of what is about to change: shown even with --quiet (on stderr, so --json stays clean).
    for (const line of formatChanges(title, set)) this.reporter.always(line);
    this.#shown.add(title);
  }
  progress(id: string, status: string, elapsedMs: number): void {
    const line = `  ${id}: ${status} (${formatElapsed(elapsedMs)} elapsed)`;
    if (line !== this.#lastProgress) this.reporter.note(line);
    this.#lastProgress = line;
  }
  warn(message: string): void {
    this.reporter.warn(message);
  }
}

export function formatElapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m` : `${minutes}m`;
}
