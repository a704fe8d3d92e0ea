/**
 * Pulumi Automation API failures mapped once, at the adapter edge, to the typed errors the lifecycle branches on.
 * The SDK already classifies the CLI's output into its own error classes (see `automation/errors.ts`); we translate
 * those by `instanceof` and never look at message text ourselves.
 */
import {
  CommandError,
  ConcurrentUpdateError,
  StackAlreadyExistsError,
  StackNotFoundError as PulumiStackNotFoundError,
} from "@pulumi/pulumi/automation/index.js";
import { EnvironmentError, StackExistsError, StackLockedError, StackNotFoundError } from "../../errors.js";

/** What to do when no usable Pulumi CLI is found: said the same way by the engine and by `ensurePulumiCli`. */
export const CLI_NOT_FOUND =
  "the Pulumi CLI was not found; install it (https://www.pulumi.com/docs/install/) or rerun with --install-pulumi";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * The error code of the process spawn behind a CommandError (`ENOENT` when the `pulumi` binary does not exist).
 * The SDK keeps the spawn error on a private `commandResult.err`; reading its `code` is structural, not message text.
 */
export function spawnErrorCode(error: unknown): string | undefined {
  if (!(error instanceof CommandError)) return undefined;
  const result: unknown = Reflect.get(error, "commandResult");
  const cause = isRecord(result) ? result["err"] : undefined;
  const code = isRecord(cause) ? cause["code"] : undefined;
  return typeof code === "string" ? code : undefined;
}

/** True when a CommandError means the CLI binary could not be started at all (it is not installed there). */
export function isCliMissing(error: unknown): boolean {
  return spawnErrorCode(error) === "ENOENT";
}

/**
 * Converts an Automation API error into the error to throw: StackLockedError, StackNotFoundError, StackExistsError
 * or EnvironmentError (CLI missing); anything else is returned as is (a CommandError still carries the CLI's output).
 * `stack` names the stack the call was about. The original error stays reachable as `cause`.
 */
export function mapPulumiError(error: unknown, stack: string): unknown {
  const mapped = translate(error, stack);
  if (mapped !== error && mapped instanceof Error) mapped.cause = error;
  return mapped;
}

function translate(error: unknown, stack: string): unknown {
  if (error instanceof ConcurrentUpdateError) return new StackLockedError(stack);
  if (error instanceof PulumiStackNotFoundError) return new StackNotFoundError(stack);
  if (error instanceof StackAlreadyExistsError) return new StackExistsError(stack);
  if (isCliMissing(error)) return new EnvironmentError(CLI_NOT_FOUND);
  if (error instanceof CommandError) return new PulumiCommandFailed(stack, cliErrorLines(error));
  return error;
}

/** A Pulumi CLI command failed for a reason the lifecycle does not branch on; the message is the CLI's own errors. */
export class PulumiCommandFailed extends Error {
  override readonly name = "PulumiCommandFailed";
  constructor(
    readonly stackName: string,
    readonly lines: readonly string[],
  ) {
    super(`pulumi failed on ${stackName}:\n  ${lines.join("\n  ")}`);
  }
}

/**
 * What the person needs from a failed CLI run: its `error:` lines (the engine's diagnostics on stdout, the command's
 * on stderr), each once, instead of the SDK's `code: … stdout: … stderr: …` dump; the tail of stderr when there are
 * none. The full output was already streamed as progress.
 */
export function cliErrorLines(error: CommandError): string[] {
  const result: unknown = Reflect.get(error, "commandResult");
  const field = (key: string): string => {
    const value: unknown = isRecord(result) ? result[key] : undefined;
    return typeof value === "string" ? value : "";
  };
  const all = `${field("stdout")}\n${field("stderr")}`.split("\n").map((line) => line.trim());
  // An error's details follow it as `* …` lines ("error: 1 error occurred:" then "* RDS returned …").
  const errors: string[] = [];
  all.forEach((line, i) => {
    if (!/^error:/i.test(line)) return;
    const details = [];
    for (let j = i + 1; j < all.length && all[j]!.startsWith("*"); j++) details.push(all[j]);
    errors.push([line, ...details].join(" "));
  });
  return errors.length > 0 ? [...new Set(errors)] : stderrTail(field("stderr"), error);
}

function stderrTail(stderr: string, error: CommandError): string[] {
  const tail = stderr.split("\n").map((line) => line.trim()).filter((line) => line !== "").slice(-5);
  return tail.length > 0 ? tail : [error.message.trim().split("\n")[0] ?? "unknown error"];
}

/** Every occurrence of each secret value replaced by `[secret]`. */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) if (secret !== "") result = result.split(secret).join("[secret]");
  return result;
}

/**
 * The error to let out of the adapter: unchanged when no secret value appears anywhere in it (message, stack, the
 * CLI output a CommandError carries, its causes); otherwise a plain Error of the same name with the text redacted
 * and nothing else attached, since any field left on it could be printed.
 */
export function withoutSecrets(error: unknown, secrets: ReadonlySet<string>): unknown {
  if (secrets.size === 0) return error;
  const text = describeDeep(error);
  if (![...secrets].some((secret) => secret !== "" && text.includes(secret))) return error;
  const redacted = new Error(redact(error instanceof Error ? error.message : String(error), secrets));
  redacted.name = error instanceof Error ? error.name : "Error";
  redacted.stack = `${redacted.name}: ${redacted.message}`;
  return redacted;
}

function describeDeep(error: unknown, depth = 0): string {
  if (depth > 5 || error === undefined || error === null) return "";
  if (!(error instanceof Error)) return String(error);
  const result: unknown = Reflect.get(error, "commandResult");
  return [error.message, error.stack ?? "", isRecord(result) ? JSON.stringify(result) : "", describeDeep(error.cause, depth + 1)].join("\n");
}
