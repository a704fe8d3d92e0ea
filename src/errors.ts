/**
 * Typed errors, raised once at the edge and branched on by type (never by message text).
 * The CLI maps them to exit codes: 2 for anything the user must fix before any cloud call, 1 for failures.
 */

/** Something the user must fix (definition, flag, name) or a guard that refused. Exit code 2. */
export class UsageError extends Error {
  override readonly name: string = "UsageError";
  readonly exitCode = 2;
}

/** One problem in an echo definition: where it is and what is expected. */
export interface DefinitionIssue {
  /** Dotted key path inside the file, e.g. `modify.masterPassword (line 31)`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  /** The key path alone (`modify.masterPassword`), when `path` carries a line too. */
  readonly key?: string;
  /** The line of the key (or of the YAML error) in the file, when known. */
  readonly line?: number;
}

/** An echo definition that does not validate. Carries every issue, each with its key path. */
export class DefinitionError extends UsageError {
  override readonly name = "DefinitionError";
  constructor(
    readonly file: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n` +
        issues.map((i) => `  ${i.path || "(document)"}: ${i.message}`).join("\n"),
    );
  }
}

/** A guard refused the step (wrong stage, too young, not available, no confirmation). Exit code 2. */
export class GuardError extends UsageError {
  override readonly name: string = "GuardError";
}

/**
 * A person answered "no" at a confirmation prompt. Not a failure: the command reports what it did before the prompt
 * and that the declined step was skipped, and exits 0. Nothing was changed by the declined step.
 */
export class DeclinedError extends GuardError {
  override readonly name = "DeclinedError";
  constructor(readonly title: string) {
    super(`${title}: declined at the prompt; nothing was changed by it`);
  }
}

/** Exit code for an error: 2 for usage errors and refused guards, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? error.exitCode : 1;
}

// Engine and cloud errors, mapped once at the adapter edge so the lifecycle branches on types, never on messages.

/** A stack that should not exist yet does. */
export class StackExistsError extends Error {
  override readonly name = "StackExistsError";
  constructor(readonly stackName: string) {
    super(`stack ${stackName} already exists`);
  }
}

/** A stack that should exist does not. */
export class StackNotFoundError extends Error {
  override readonly name = "StackNotFoundError";
  constructor(readonly stackName: string) {
    super(`stack ${stackName} does not exist`);
  }
}

/** Another update holds the stack's lock (another rds-echo run, or someone running pulumi by hand). */
export class StackLockedError extends Error {
  override readonly name = "StackLockedError";
  constructor(readonly stackName: string, detail?: string) {
    super(
      `stack ${stackName} is locked by another update${detail ? ` (${detail})` : ""}; wait for it to finish. ` +
        "If that run was killed, clear Pulumi's lock (README, Interrupted runs) and rerun `rds-echo up`",
    );
  }
}

/** AWS throttled the call beyond the SDK's retries. */
export class ThrottledError extends Error {
  override readonly name = "ThrottledError";
}

/** No snapshot matches the source (none available, or the explicit one is missing). */
export class SnapshotNotFoundError extends Error {
  override readonly name = "SnapshotNotFoundError";
}

/** The hosted zone for a CNAME cannot be determined (missing or ambiguous); the user must name it. */
export class ZoneLookupError extends UsageError {
  override readonly name = "ZoneLookupError";
}

/** A prerequisite on this machine is missing (Pulumi CLI, passphrase); nothing was changed. */
export class EnvironmentError extends UsageError {
  override readonly name: string = "EnvironmentError";
}

/**
 * Everything this machine (or the environment) lacks before the real adapters may run, found together so that a
 * newcomer meets the whole list at once: each item says what is missing and how to fix it. `--json` lists them apart.
 */
export class PreflightError extends EnvironmentError {
  override readonly name = "PreflightError";
  constructor(readonly items: readonly string[]) {
    super(
      `${items.length} thing${items.length === 1 ? "" : "s"} missing before rds-echo can talk to AWS and Pulumi:\n` +
        items.map((m) => `  - ${m}`).join("\n") +
        "\nTo try rds-echo offline first (no AWS account, no Pulumi CLI), add --sandbox.",
    );
  }
}

/** The stack has operations a dead process left unfinished; they must be resolved (imported or cleared) first. */
export class PendingOperationsError extends Error {
  override readonly name = "PendingOperationsError";
  constructor(readonly stackName: string, readonly count: number) {
    super(`stack ${stackName} has ${count} pending operation(s) left by an interrupted run; rerun \`rds-echo up\` to recover`);
  }
}
