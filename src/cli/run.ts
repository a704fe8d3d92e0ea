/**
 * Runs a command handler and turns its outcome into an exit code. Library code never calls process.exit; this is
 * the one place that sets it.
 */
import { exitCodeOf } from "../errors.js";
import { reporterFrom, type GlobalArgs, type HintArgs } from "./context.js";
import { interrupt, SIGNAL_EXIT_CODES } from "./interrupt.js";

export async function run(args: GlobalArgs & HintArgs & { readonly echo?: unknown }, handler: () => Promise<number | void>): Promise<void> {
  const reporter = reporterFrom(args);
  // A signal may come before the echo's ports are open (a preflight, a prompt): its hint names the echo all the same,
  // with the run's --sandbox and --dir, so it works as printed.
  if (typeof args.echo === "string") interrupt.naming(args.echo);
  interrupt.hintsWith((line) => reporter.hint(line));
  try {
    // Secrets mounted as files (RDS_ECHO_SECRET_<KEY>_FILE, …) become their variables before any handler reads one.
    await (await import("./handlers/secrets.js")).loadSecretFiles(process.env);
    process.exitCode = (await handler()) ?? 0;
  } catch (error) {
    if (interrupt.received !== undefined) {
      // The failure is the cancellation the signal asked for: say that, not the CLI's "update canceled" dump.
      reporter.error(interrupt.cancelledMessage(), SIGNAL_EXIT_CODES[interrupt.received]);
      process.exitCode = SIGNAL_EXIT_CODES[interrupt.received];
      return;
    }
    const { code, message } = failureOf(error);
    reporter.error(message, code, error);
    if (code === 1 && process.env["RDS_ECHO_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = code;
  }
}

/** AWS error names (by class or service error code) that mean "these credentials do not work": fixable by the user. */
const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "AuthFailure",
]);

const OFFLINE_HINT = "to try rds-echo offline, add --sandbox";

/**
 * The exit code and message of a failure. Errors from below arrive typed (see errors.ts); the few that come from the
 * SDKs untranslated are recognised by their class name, never by message text, and said in words, not dumped.
 */
export function failureOf(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && CREDENTIAL_ERRORS.has(error.name)) {
    return {
      code: 2,
      message:
        `AWS credentials: ${message.split("\n")[0]} (${error.name}). Set AWS_PROFILE or the definition's \`profile:\`, ` +
        `or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ${OFFLINE_HINT}`,
    };
  }
  if (error instanceof Error && error.name === "CommandError") {
    // The Automation API's failure of the Pulumi CLI: say what the CLI said, not the `code: stdout: stderr:` dump.
    const result: unknown = Reflect.get(error, "commandResult");
    const stderr = typeof result === "object" && result !== null ? Reflect.get(result, "stderr") : undefined;
    const exit = typeof result === "object" && result !== null ? Reflect.get(result, "code") : undefined;
    const said = typeof stderr === "string" && stderr.trim() ? stderr.trim().split("\n").slice(-5).join("\n  ") : "it printed nothing";
    // A negative code: the CLI could not even be started (missing, not executable): the machine needs fixing.
    if (typeof exit === "number" && exit < 0) return { code: 2, message: `the Pulumi CLI could not be run (${said}); install it (https://www.pulumi.com/docs/install/) or rerun with --install-pulumi; ${OFFLINE_HINT}` };
    return { code: 1, message: `the Pulumi CLI failed: ${said}` };
  }
  return { code: exitCodeOf(error), message };
}
