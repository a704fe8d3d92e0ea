/**
 * What the instance is restored from: the pinned snapshot, or (source.from: point-in-time) the pinned source instance
 * at the pinned time. The provider's `restoreToPointInTime` is force-new as a whole (terraform-provider-aws
 * instance.go: `restore_to_point_in_time` ForceNew, ConflictsWith `snapshot_identifier`), so the block is declared
 * from pinned values only, identically at every stage; `latest` is never declared as `useLatestRestorableTime`,
 * which would restore a different time than the one recorded.
 */

/** A point-in-time restore, as pinned at `new`. */
export interface PointInTime {
  readonly sourceInstance: string;
  /** RFC 3339 UTC, e.g. `2026-11-25T12:25:00Z`. */
  readonly time: string;
}

/** The restore-source inputs of the instance: exactly one of snapshotIdentifier and restoreToPointInTime. */
export function restoreSourceArgs(spec: { readonly snapshot: string; readonly pointInTime?: PointInTime | undefined }) {
  if (spec.pointInTime) {
    return { restoreToPointInTime: { sourceDbInstanceIdentifier: spec.pointInTime.sourceInstance, restoreTime: spec.pointInTime.time } };
  }
  return { snapshotIdentifier: spec.snapshot };
}

/**
 * The `snapshot` setting of a point-in-time generation: not a snapshot, a label that `status`, the history and the
 * `echo:snapshot` tag show (RDS accepts `:` and `@` in tag values).
 */
export function pointInTimeLabel(pointInTime: PointInTime): string {
  return `point-in-time:${pointInTime.sourceInstance}@${pointInTime.time}`;
}

/** The pinned point in time of a generation's settings, if it has one (both keys or neither). */
export function pointInTimeOf(settings: { readonly restoreTime?: string | undefined; readonly sourceInstance?: string | undefined }): PointInTime | undefined {
  return settings.restoreTime !== undefined && settings.sourceInstance !== undefined ? { sourceInstance: settings.sourceInstance, time: settings.restoreTime } : undefined;
}
