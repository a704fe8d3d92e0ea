/**
 * RDS naming rules and the generation naming scheme `<echo>-<yyyymmdd>-<hhmm>` (UTC).
 * Every check returns a message saying what is expected, or undefined when the name is fine.
 */

/** RDS caps DB instance identifiers at 63 characters. */
export const MAX_INSTANCE_IDENTIFIER = 63;
/** `-yyyymmdd-hhmm` appended to the echo name. */
export const GENERATION_SUFFIX_LENGTH = "-20261125-1230".length;
/** The longest echo name whose generations still fit an RDS identifier. */
export const MAX_ECHO_NAME = MAX_INSTANCE_IDENTIFIER - GENERATION_SUFFIX_LENGTH;

/**
 * RDS identifier rules (instances, parameter groups, manual snapshots): a letter first, then letters, digits or hyphens,
 * no `--`, no trailing hyphen. We insist on lower case because RDS stores identifiers lower-cased and a stack name
 * that differs from its instance only by case would be a trap.
 */
export function identifierProblem(value: string, maxLength: number): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > maxLength) return `must be at most ${maxLength} characters (got ${value.length})`;
  if (!/^[a-z]/.test(value)) return "must start with a lower-case letter";
  if (!/^[a-z0-9-]+$/.test(value)) return "may contain only lower-case letters, digits and hyphens";
  if (value.includes("--")) return "must not contain two consecutive hyphens";
  if (value.endsWith("-")) return "must not end with a hyphen";
  return undefined;
}

/** An echo name: an RDS identifier short enough that `<echo>-<yyyymmdd>-<hhmm>` fits in 63 characters. */
export function echoNameProblem(echo: string): string | undefined {
  const problem = identifierProblem(echo, Number.MAX_SAFE_INTEGER);
  if (problem) return problem;
  if (echo.length > MAX_ECHO_NAME) {
    return (
      `is ${echo.length} characters; generation names "<echo>-<yyyymmdd>-<hhmm>" must fit in ` +
      `${MAX_INSTANCE_IDENTIFIER}, so the echo name may have at most ${MAX_ECHO_NAME}`
    );
  }
  return undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The generation (stack and instance) name for an echo at a moment, in UTC: `development-20261125-1230`. */
export function generationName(echo: string, at: Date): string {
  const date = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  return `${echo}-${date}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}`;
}

const GENERATION_PATTERN = /^(?<echo>.+)-(?<y>\d{4})(?<mo>\d{2})(?<d>\d{2})-(?<h>\d{2})(?<mi>\d{2})$/;

/** Splits a generation name back into its echo and creation minute; undefined when it is not one. */
export function parseGenerationName(name: string): { echo: string; createdAt: Date } | undefined {
  const m = GENERATION_PATTERN.exec(name);
  if (!m?.groups) return undefined;
  const { echo, y, mo, d, h, mi } = m.groups as Record<string, string>;
  const createdAt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)));
  if (Number.isNaN(createdAt.getTime()) || generationName(echo!, createdAt) !== name) return undefined;
  return { echo: echo!, createdAt };
}

/** True when `name` is a generation of `echo` (and not of an echo whose name merely starts the same). */
export function isGenerationOf(echo: string, name: string): boolean {
  return parseGenerationName(name)?.echo === echo;
}

const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:[A-Za-z0-9:-]+$/;
const SNAPSHOT_ID = /^(rds:|awsbackup:)?[A-Za-z][A-Za-z0-9-]*$/;

/** An explicit snapshot: a manual id, an automated `rds:` id, an AWS Backup `awsbackup:` id, or a snapshot ARN. */
export function snapshotReferenceProblem(value: string): string | undefined {
  if (SNAPSHOT_ARN.test(value)) return undefined;
  if (SNAPSHOT_ID.test(value) && value.length <= 255 && !value.includes("--") && !value.endsWith("-")) return undefined;
  return "must be a DB snapshot identifier (e.g. rds:production-2026-11-24-03-10 or my-snapshot) or a snapshot ARN (arn:aws:rds:<region>:<account>:snapshot:<name>)";
}

/** Placeholders a final snapshot name pattern may use. */
export const FINAL_SNAPSHOT_PLACEHOLDERS = ["{echo}", "{generation}"] as const;

/** Expands a final snapshot name pattern for one generation. */
export function finalSnapshotName(pattern: string, echo: string, generation: string): string {
  return pattern.replaceAll("{echo}", echo).replaceAll("{generation}", generation);
}

/**
 * Another echo whose names read as this echo's, or the other way round: `development` and `development-eu`, since
 * every name made for the second (`development-eu-20261125-1230`) starts with the first's `development-`. IAM
 * patterns written as `<echo>-*` and listings by prefix cannot tell the two apart, so one echo's driver could act on
 * the other's resources. Returns the first such echo among `others`, or undefined. Pure.
 */
export function echoPrefixConflict(echo: string, others: readonly string[]): string | undefined {
  return others.find((other) => other !== echo && (other.startsWith(`${echo}-`) || echo.startsWith(`${other}-`)));
}
