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
  /** Dotted key path inside the file, e.g. `modify.masterPassword`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
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
  override readonly name = "GuardError";
}

/** Exit code for an error: 2 for usage errors and refused guards, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? error.exitCode : 1;
}
