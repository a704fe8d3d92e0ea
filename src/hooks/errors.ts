/**
 * Hook failures, typed once at the edge so the lifecycle and the CLI branch on the type, never on message text. Each
 * carries two texts: the full one for the terminal (the server's message, the hook's output) and a `summary` that
 * holds no data from the database, for notifications that leave the machine (SNS, e-mail, a webhook): a failed scrub
 * is by definition a run on unscrubbed production data, and the server's message quotes it.
 */
import { describeSqlstate, isSqlstate } from "./sqlstate.js";

export interface DatabaseErrorDetail {
  /** The SQLSTATE the server reported (`22P02`), when it did. */
  readonly sqlstate?: string;
  /** The client's error code for a failure without one (`ECONNREFUSED`, `ERR_TLS_CERT_ALTNAME_INVALID`). */
  readonly code?: string;
  /** The failure was the connection's, not a statement's. */
  readonly connecting?: boolean;
}

/** A database refused or failed a hook's SQL (or the connection). The message is the server's, password redacted. */
export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
  constructor(
    message: string,
    readonly detail: DatabaseErrorDetail = {},
  ) {
    super(message);
  }

  /** What failed and its SQLSTATE class, without the server's message. */
  get summary(): string {
    const { sqlstate, code, connecting } = this.detail;
    const what = connecting ? "could not connect to the database" : "the database reported an error";
    const why = sqlstate !== undefined && isSqlstate(sqlstate) ? describeSqlstate(sqlstate) : code !== undefined && /^[A-Z0-9_]{2,64}$/.test(code) ? code : undefined;
    return why ? `${what}: ${why}` : what;
  }
}

/** A hook failed: the step stopped there (exit 1). The message carries the hook's output. */
export class HookFailedError extends Error {
  override readonly name = "HookFailedError";
  /** The hook and why it failed, with no value from the database and none of its output: what notifications say. */
  readonly summary: string;
  constructor(
    readonly hook: string,
    readonly reason: string,
    readonly output: string,
    /** The reason without data from the database (a value that did not match `expect`); default: the reason. */
    readonly publicReason: string = reason,
  ) {
    super(`${hook} failed: ${reason}${output.trim() ? `\n${indent(output)}` : ""}`);
    this.summary = `${hook} failed: ${publicReason}`;
  }
}

/**
 * The text a notification may carry for an error: a hook failure's summary, never its output or the server's
 * message; undefined for other errors (those carry names and AWS's messages, not rows).
 */
export function dataFreeText(error: unknown): string | undefined {
  if (error instanceof HookFailedError) return `${error.summary} (the full error is in the run's output)`;
  if (error instanceof DatabaseError) return `${error.summary} (the full error is in the run's output)`;
  return undefined;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
