/**
 * Deleting the snapshots rds-echo made for a generation's source (source.from: new-snapshot, source.copy) once the
 * generation is retired, keeping those of the newest `source.keep` retired generations. Found by their tags, on both
 * sides, so what a crashed run made is found too. Never a snapshot of a generation that still exists (a resumed
 * restore may still need it), never one rds-echo did not make (no echo:made tag, e.g. a final snapshot).
 */
import { makesSnapshots } from "../definition/source.js";
import { SNAPSHOT_CHANGE_TYPE, type ManagedSnapshot, type ResourceChange, type SnapshotSide } from "../ports.js";
import type { InstanceStepContext, StepContext } from "./context.js";
import { isClusterEcho } from "../definition/schema.js";
import type { EchoState } from "./echo-state.js";

/** True when the source side is another account or region than the echo's (so it is listed on its own). */
export function sourceElsewhere(ctx: InstanceStepContext): boolean {
  const { source, region } = ctx.definition;
  return source.assumeRole !== undefined || (source.copy?.region !== undefined && source.copy.region !== region);
}

/** The made snapshots to delete once `retiring` are retired (beyond source.keep), oldest generation first. */
export async function planSnapshotCleanup(ctx: StepContext, state: EchoState, retiring: readonly string[]): Promise<ManagedSnapshot[]> {
  const { definition, ports } = ctx;
  // A cluster echo restores or clones what exists: it makes no source snapshots (cluster-new.ts).
  if (isClusterEcho(definition) || !makesSnapshots(definition.source)) return [];
  const sides: SnapshotSide[] = sourceElsewhere({ ...ctx, definition }) ? ["echo", "source"] : ["echo"];
  const made = (await Promise.all(sides.map((side) => ports.snapshots.managed(side, definition.echo)))).flat();
  const alive = new Set(state.generations.filter((g) => g.condition !== "retired" && !retiring.includes(g.name)).map((g) => g.name));
  const byGeneration = new Map<string, ManagedSnapshot[]>();
  for (const s of made.filter((x) => !alive.has(x.generation))) byGeneration.set(s.generation, [...(byGeneration.get(s.generation) ?? []), s]);
  // Generation names sort by their creation minute (<echo>-<yyyymmdd>-<hhmm>): keep the newest `keep` of them.
  const generations = [...byGeneration.keys()].sort();
  const kept = new Set(generations.slice(Math.max(0, generations.length - (definition.source.keep ?? 0))));
  const deletes: ManagedSnapshot[] = [];
  for (const g of generations.filter((x) => !kept.has(x))) {
    for (const s of byGeneration.get(g)!) {
      // RDS deletes only a settled snapshot; one still being made goes at a later retire.
      if (s.status === "available") deletes.push(s);
      else ports.output.warn(`retire: ${s.id} is ${s.status}; it is deleted at a later retire`);
    }
  }
  return deletes;
}

export function cleanupChanges(deletes: readonly ManagedSnapshot[]): { label: string; set: { changes: ResourceChange[] } } {
  return {
    label: "delete the snapshots rds-echo made for retired generations (beyond source.keep)",
    set: { changes: deletes.map((s) => ({ op: "delete" as const, type: SNAPSHOT_CHANGE_TYPE, name: `${s.id}${s.side === "source" ? " (source side)" : ""}` })) },
  };
}

/** Deletes them; returns the ids deleted per generation. */
export async function applySnapshotCleanup(ctx: StepContext, deletes: readonly ManagedSnapshot[]): Promise<Map<string, string[]>> {
  const done = new Map<string, string[]>();
  for (const s of deletes) {
    ctx.ports.output.step(`delete snapshot ${s.id} (made for ${s.generation})`);
    await ctx.ports.snapshots.delete(s.side, s.id);
    done.set(s.generation, [...(done.get(s.generation) ?? []), s.id]);
  }
  return done;
}
