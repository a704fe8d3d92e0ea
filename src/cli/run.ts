/**
 * Runs a command handler and turns its outcome into an exit code. Library code never calls process.exit; this is
 * the one place that sets it.
 */
import { exitCodeOf } from "../errors.js";
import { Reporter } from "./reporter.js";
import type { GlobalArgs } from "./context.js";
import { interrupt, SIGNAL_EXIT_CODES } from "./interrupt.js";

export async function run(args: GlobalArgs, handler: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await handler()) ?? 0;
  } catch (error) {
    if (interrupt.received !== undefined) {
      // The failure is the cancellation the signal asked for: say that, not the CLI's "update canceled" dump.
      new Reporter({ json: args.json, quiet: args.quiet }).error(interrupt.cancelledMessage(), SIGNAL_EXIT_CODES[interrupt.received]);
      process.exitCode = SIGNAL_EXIT_CODES[interrupt.received];
      return;
    }
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    new Reporter({ json: args.json, quiet: args.quiet }).error(message, code);
    if (code === 1 && process.env["RDS_ECHO_DEBUG"] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = code;
  }
}
