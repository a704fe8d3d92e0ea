/**
 * Archiving a retired generation on the real engine: its whole history (and the settings its last operation ran
 * with, which `stack history` carries) into the echo's archive, then `pulumi stack rm`. Two CLI processes per
 * generation, once in its life; afterwards the listing no longer carries it.
 */
import type { UpdateSummary } from "@pulumi/pulumi/automation/index.js";
import type { ArchivedGeneration, GenerationSettings } from "../../ports.js";
import { parseArchive, serializeArchive, withArchived, type EchoArchive } from "./archive-format.js";
import { ArchiveConflictError, type ArchiveStore } from "./archive-store.js";
import { settingsFromConfig } from "./config.js";
import { historyEntryFromSummary } from "./events.js";
import { pagedHistory } from "./history.js";
import { readHistoryPage, removeStack, type CliTarget } from "./stack-io.js";

export async function readArchive(store: ArchiveStore, echo: string): Promise<{ archive: EchoArchive; version?: string }> {
  const { text, version } = await store.read(echo);
  const archive = text === undefined ? { echo, generations: [] } : parseArchive(text, echo, store.where(echo));
  return { archive, ...(version !== undefined ? { version } : {}) };
}

/** Adds (or replaces) one generation's entry; a write that lost a race with another run is redone once on top of it. */
export async function addToArchive(store: ArchiveStore, echo: string, entry: ArchivedGeneration): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const { archive, version } = await readArchive(store, echo);
    try {
      await store.write(echo, serializeArchive(withArchived(archive, entry)), version);
      return;
    } catch (error) {
      if (!(error instanceof ArchiveConflictError) || attempt > 0) throw error;
    }
  }
}

/** The settings the stack's newest operation ran with, when its history says (plaintext values only). */
export function settingsOfNewest(generation: string, summaries: readonly UpdateSummary[]): GenerationSettings | undefined {
  const config = summaries[0]?.config;
  if (config === undefined) return undefined;
  try {
    return settingsFromConfig(generation, config);
  } catch {
    // A stack whose config does not read as rds-echo's settings still has its history archived, without them.
    return undefined;
  }
}

/** Archives the generation's history into the store, then removes its stack. */
export async function archiveStack(target: CliTarget, store: ArchiveStore, generation: string, echo: string, at: Date): Promise<void> {
  const summaries = await pagedHistory((size, page) => readHistoryPage(target, generation, size, page));
  const settings = settingsOfNewest(generation, summaries);
  await addToArchive(store, echo, { name: generation, archivedAt: at, ...(settings ? { settings } : {}), history: summaries.map(historyEntryFromSummary) });
  // Only once the archive holds it: a run killed here leaves the stack listed, and the next run archives it again.
  await removeStack(target, generation);
}
