/**
 * `retire.keepFinalSnapshots`: the newest N final snapshots of an echo are kept, older ones are deleted after a retire.
 * Only snapshots rds-echo made are ever touched: the name must be the definition's `finalSnapshotName` pattern expanded
 * for a generation of this echo, AND the snapshot must carry the `echo:managed`/`echo:generation` tags the instance had
 * (copied by CopyTagsToSnapshot, which the definition requires with this key). A deletion that fails is a warning: the
 * retire itself already succeeded, and the next retire tries again.
 */
import { finalSnapshotName, isGenerationOf } from "../definition/identifiers.js";
import { DEFAULT_FINAL_SNAPSHOT_NAME, type EchoDefinition } from "../definition/schema.js";
import { TAG_GENERATION, TAG_MADE, TAG_MANAGED } from "../program/tags.js";
import type { ChangeSet, ManualSnapshot } from "../ports.js";
import type { StepContext, StepReport } from "./context.js";

/** The change type a final snapshot deletion shows as in a retire's confirmation and in `preview --retire`. */
export const FINAL_SNAPSHOT_TYPE = "rds:final-snapshot";

/** One of this echo's final snapshots, with the generation it was taken of. */
export interface FinalSnapshot extends ManualSnapshot {
  readonly generation: string;
}

/** The final snapshot the program names for a generation (see restoreArgs). */
export function finalSnapshotOf(definition: EchoDefinition, generation: string): string {
  return finalSnapshotName(definition.retire.finalSnapshotName ?? DEFAULT_FINAL_SNAPSHOT_NAME, definition.echo, generation);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A matcher for names the pattern makes: `{echo}` is this echo, `{generation}` captures a generation (the same each time). */
function patternMatcher(pattern: string, echo: string): RegExp {
  let generationSeen = false;
  const source = pattern
    .split(/(\{echo\}|\{generation\})/)
    .map((part) => {
      if (part === "{echo}") return escape(echo);
      if (part !== "{generation}") return escape(part);
      if (generationSeen) return "\\k<generation>";
      generationSeen = true;
      return "(?<generation>[a-z][a-z0-9-]*)";
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** This echo's final snapshots among the listed ones: by name pattern and by tags, both. Pure. */
export function ownFinalSnapshots(definition: EchoDefinition, snapshots: readonly ManualSnapshot[]): FinalSnapshot[] {
  const echo = definition.echo;
  const matcher = patternMatcher(definition.retire.finalSnapshotName ?? DEFAULT_FINAL_SNAPSHOT_NAME, echo);
  const own: FinalSnapshot[] = [];
  for (const s of snapshots) {
    const generation = matcher.exec(s.id)?.groups?.["generation"];
    if (generation === undefined || !isGenerationOf(echo, generation)) continue;
    if (s.tags[TAG_MANAGED] !== echo || s.tags[TAG_GENERATION] !== generation) continue;
    // A snapshot rds-echo made for a generation's source carries the same two tags: source.keep decides on those.
    if (s.tags[TAG_MADE] !== undefined) continue;
    own.push({ ...s, generation });
  }
  return own;
}

/**
 * Which final snapshots go, given the ones about to be made (`coming`: they are the newest, listed yet or not, since a
 * listing right after a delete may not show them). One still being created, and the definition's explicit
 * `source.snapshot`, are never deleted. Oldest first, the order they are deleted in. Pure.
 */
export function finalSnapshotsToDelete(definition: EchoDefinition, own: readonly FinalSnapshot[], coming: readonly string[]): FinalSnapshot[] {
  const keep = definition.retire.keepFinalSnapshots;
  if (keep === undefined || definition.retire.skipFinalSnapshot) return [];
  const newestFirst = own
    .filter((s) => !coming.includes(s.id))
    // Undefined time: still being created, so the newest; equal times fall back to the name (it holds the generation).
    .sort((a, b) => (b.createdAt?.getTime() ?? Infinity) - (a.createdAt?.getTime() ?? Infinity) || b.id.localeCompare(a.id));
  return newestFirst
    .slice(Math.max(0, keep - new Set(coming).size))
    .filter((s) => s.status === "available" && s.id !== definition.source.snapshot)
    .reverse();
}

/** What a retire of `coming`'s generations would delete; a listing that fails is a warning and deletes nothing. */
export async function plannedDeletions(ctx: StepContext, coming: readonly string[]): Promise<FinalSnapshot[]> {
  if (ctx.definition.retire.keepFinalSnapshots === undefined || ctx.definition.retire.skipFinalSnapshot) return [];
  try {
    return finalSnapshotsToDelete(ctx.definition, ownFinalSnapshots(ctx.definition, await ctx.ports.rds.manualSnapshots()), coming);
  } catch (error) {
    ctx.ports.output.warn(`retire: cannot list final snapshots, none will be deleted this time: ${(error as Error).message}`);
    return [];
  }
}

/** The deletions as a change set, for the confirmation and `preview --retire`. */
export function deletionPreview(definition: EchoDefinition, doomed: readonly FinalSnapshot[]): { label: string; set: ChangeSet } {
  return {
    label: `delete final snapshots beyond the newest ${definition.retire.keepFinalSnapshots} (retire.keepFinalSnapshots)`,
    set: { changes: doomed.map((s) => ({ op: "delete" as const, type: FINAL_SNAPSHOT_TYPE, name: s.id })) },
  };
}

/** After a retire: lists again and deletes what is beyond the kept ones. Failures are warnings. */
export async function deleteOldFinalSnapshots(ctx: StepContext, retired: readonly string[]): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const s of await plannedDeletions(ctx, retired)) {
    try {
      await ctx.ports.rds.deleteSnapshot(s.id);
      reports.push({ step: "prune", generation: s.generation, detail: `final snapshot ${s.id} deleted (retire.keepFinalSnapshots: ${ctx.definition.retire.keepFinalSnapshots})` });
    } catch (error) {
      ctx.ports.output.warn(`retire: final snapshot ${s.id} was not deleted (the next retire tries again): ${(error as Error).message}`);
    }
  }
  return reports;
}
