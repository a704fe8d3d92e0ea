/**
 * `history`: the stack histories of all generations merged, newest first — the echo's audit trail. Generations
 * retired over `retire.archiveAfter` ago no longer have a stack: their history comes from the echo's archive, so
 * every operation ever made is still shown.
 */
import { parseGenerationName } from "../definition/identifiers.js";
import type { HistoryEntry, Ports } from "../ports.js";

export interface EchoHistoryEntry extends HistoryEntry {
  readonly generation: string;
  /** The generation's stack was removed; this entry comes from the echo's archive. */
  readonly archived?: true;
  /**
   * A demotion's deletes (`forget <generation>: …`, promote.ts): the CNAME record(s) leaving this stack with
   * retainOnDelete, handed over to the generation that serves now. Nothing was deleted in Route 53; the engine
   * counts it as a delete all the same, which alarms an auditor reading the counts alone.
   */
  readonly recordsHandedOver?: number;
}

export async function echoHistory(ports: Pick<Ports, "engine">, echo: string): Promise<EchoHistoryEntry[]> {
  const stacks = (await ports.engine.list()).filter((s) => parseGenerationName(s.name)?.echo === echo);
  // One stack at a time: each history read is a Pulumi process with the real engine.
  const histories: EchoHistoryEntry[] = [];
  for (const s of stacks) histories.push(...(await ports.engine.history(s.name)).map((h) => withHandover({ ...h, generation: s.name })));
  // A run killed between writing the archive and removing the stack leaves both: the stack's own history wins.
  const listed = new Set(stacks.map((s) => s.name));
  for (const g of await ports.engine.archived(echo)) {
    if (!listed.has(g.name)) histories.push(...g.history.map((h) => withHandover({ ...h, generation: g.name, archived: true as const })));
  }
  return histories.sort((a, b) => b.startTime.getTime() - a.startTime.getTime() || b.version - a.version);
}

/** The entry, with its deletes counted as records handed over when it is a demotion (see `recordsHandedOver`). */
function withHandover(entry: EchoHistoryEntry): EchoHistoryEntry {
  const deletes = entry.resourceChanges.delete ?? 0;
  const demotion = entry.kind === "update" && entry.message.startsWith(`forget ${entry.generation}:`);
  return demotion && deletes > 0 ? { ...entry, recordsHandedOver: deletes } : entry;
}
