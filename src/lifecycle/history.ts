/** `history`: the stack histories of all generations merged, newest first — the echo's audit trail. */
import { parseGenerationName } from "../definition/identifiers.js";
import type { HistoryEntry, Ports } from "../ports.js";

export interface EchoHistoryEntry extends HistoryEntry {
  readonly generation: string;
}

export async function echoHistory(ports: Pick<Ports, "engine">, echo: string): Promise<EchoHistoryEntry[]> {
  const stacks = (await ports.engine.list()).filter((s) => parseGenerationName(s.name)?.echo === echo);
  // One stack at a time: each history read is a Pulumi process with the real engine.
  const histories: EchoHistoryEntry[] = [];
  for (const s of stacks) histories.push(...(await ports.engine.history(s.name)).map((h) => ({ ...h, generation: s.name })));
  return histories.sort((a, b) => b.startTime.getTime() - a.startTime.getTime() || b.version - a.version);
}
