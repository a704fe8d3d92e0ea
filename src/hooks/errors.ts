/** Hook failures, typed once at the edge so the lifecycle and the CLI branch on the type, never on message text. */

/** A database refused or failed a hook's SQL (or the connection). The message is the server's, password redacted. */
export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
}

/** A hook failed: the step stopped there (exit 1). The message carries the hook's output. */
export class HookFailedError extends Error {
  override readonly name = "HookFailedError";
  constructor(
    readonly hook: string,
    readonly reason: string,
    readonly output: string,
  ) {
    super(`${hook} failed: ${reason}${output.trim() ? `\n${indent(output)}` : ""}`);
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
