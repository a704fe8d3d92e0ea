/** The tags rds-echo puts on every instance it creates; `echo:managed` is what lets it touch an instance at all. */
export const TAG_MANAGED = "echo:managed";
export const TAG_GENERATION = "echo:generation";
export const TAG_STAGE = "echo:stage";
/**
 * The snapshot the generation was restored from, so `status` can show it from one DescribeDBInstances page. Its value
 * goes through `snapshotTagValue`: RDS refuses tag values starting with `rds:`, which automated snapshot ids do.
 */
export const TAG_SNAPSHOT = "echo:snapshot";

/**
 * On snapshots rds-echo itself makes (with echo:managed and echo:generation): `snapshot` (taken of the source now) or
 * `copy`. A final snapshot carries the instance's echo: tags (copyTagsToSnapshot) but never this one, so `retire`
 * cleans up only what it made for the source.
 */
export const TAG_MADE = "echo:made";

/** How an automated snapshot's `rds:` prefix is written in the tag. Manual ids never contain `:`, so it is unambiguous. */
const AUTOMATED_TAG_PREFIX = "automated:";

/** The `echo:snapshot` tag value for a snapshot id: `rds:x` becomes `automated:x`; every other id stays as it is. */
export function snapshotTagValue(snapshot: string): string {
  return snapshot.startsWith("rds:") ? `${AUTOMATED_TAG_PREFIX}${snapshot.slice("rds:".length)}` : snapshot;
}

/** The snapshot id an `echo:snapshot` tag value stands for (the inverse of snapshotTagValue). */
export function snapshotFromTag(value: string): string {
  return value.startsWith(AUTOMATED_TAG_PREFIX) ? `rds:${value.slice(AUTOMATED_TAG_PREFIX.length)}` : value;
}
/**
 * Tags written outside the program: approval requests (by rds-echo), decisions (by clicked links), when rds-echo
 * first saw a decision, and the scrub mark (by the hooks step). The AWS provider is told to ignore them, so no update ever removes them.
 */
export const OUT_OF_BAND_TAG_PREFIXES = ["echo:approval:", "echo:request:", "echo:seen:", "echo:scrubbed"] as const;
/**
 * The original rds-echo's own tags (`rdsecho:<name>:managed`, `rdsecho:<name>:stage`) on an instance adopted from it:
 * its provider ignores them, so adopting changes none of them.
 */
export const LEGACY_TAG_PREFIXES = ["rdsecho:"] as const;
/** The digest of the afterRestore hooks that all succeeded on this generation (mirrors its stack's `scrubbed` mark). */
export const TAG_SCRUBBED = "echo:scrubbed";
/**
 * The `rolled-back` mark (value: the generation the CNAME was rolled back to), declared by the program from the stack's
 * `rolledBack` setting, so the echo's state shows it from one DescribeDBInstances page.
 */
export const TAG_ROLLED_BACK = "echo:rolled-back";

/**
 * Whether a snapshot with these tags was made by rds-echo for an echo other than `echo` (a `new-snapshot` or a copy):
 * it is never that echo's latest snapshot of the source (SnapshotSource.echo).
 */
export function madeForAnotherEcho(tags: Readonly<Record<string, string>> | undefined, echo: string | undefined): boolean {
  return echo !== undefined && tags?.[TAG_MADE] !== undefined && tags[TAG_MANAGED] !== echo;
}
