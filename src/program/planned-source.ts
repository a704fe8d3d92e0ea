/**
 * What `plan` (offline) and `preview` say a new generation will restore from, before `new` pins it: the explicit
 * snapshot, or a description of what `new` will resolve (no cloud call is made here).
 */
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import { sourceFrom } from "../definition/source.js";
import type { PointInTime } from "./restore-source.js";

export interface PlannedSource {
  /** The snapshotIdentifier input (a description when only `new` can know it). */
  readonly snapshot: string;
  /** Declared instead of the snapshot for source.from: point-in-time. */
  readonly pointInTime?: PointInTime;
}

export function plannedSource(definition: EchoDefinition, generation: string): PlannedSource {
  if (isClusterEcho(definition)) {
    const { source } = definition;
    if (source.from === "clone") return { snapshot: `clone:${source.cluster}` };
    return { snapshot: source.snapshot ?? `<latest available ${source.snapshotTypes.join("/")} cluster snapshot of ${source.cluster}, pinned at new>` };
  }
  const { source } = definition;
  const from = sourceFrom(source);
  if (from === "point-in-time") {
    const time = source.pointInTime === undefined || source.pointInTime === "latest" ? "<latest restorable time, pinned at new>" : source.pointInTime;
    return { snapshot: `point-in-time:${source.instance}@${time}`, pointInTime: { sourceInstance: source.instance, time } };
  }
  // What rds-echo makes is named after the generation, so the name is known now (see lifecycle/source-plan.ts).
  if (source.copy) return { snapshot: `${generation}-copy` };
  if (from === "new-snapshot") return { snapshot: `${generation}-source` };
  return { snapshot: source.snapshot ?? `<latest available ${source.snapshotTypes.join("/")} snapshot of ${source.instance}, pinned at new>` };
}

/** One line on where the data comes from, for `preview` and `plan`. */
export function sourceSummary(definition: EchoDefinition): string {
  if (isClusterEcho(definition)) {
    const { source } = definition;
    if (source.from === "clone") return `clone ${source.cluster} (copy-on-write)`;
    return `restore ${source.snapshot ?? `the latest cluster snapshot of ${source.cluster}`}`;
  }
  const { source } = definition;
  const from = sourceFrom(source);
  const copied = source.copy ? `, copied into this account${source.copy.region ? ` from ${source.copy.region}` : ""} under ${source.copy.kmsKeyId}` : "";
  if (from === "point-in-time") return `restore ${source.instance} as of ${source.pointInTime ?? "latest"} (point in time)`;
  if (from === "new-snapshot") return `take a new snapshot of ${source.instance}${source.assumeRole ? ` as ${source.assumeRole.roleArn}` : ""}${copied}, and restore it`;
  return `restore ${source.snapshot ?? `the latest snapshot of ${source.instance}`}${copied}`;
}
