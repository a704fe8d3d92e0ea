/**
 * Commands suggested in messages (`rds-echo …` in backquotes) carry the flags the run had that decide where they act:
 * `--dir` (run from elsewhere than the project root) and `--sandbox`. A hint pasted without `--sandbox` would act on
 * real AWS with whatever credentials the shell has: a sandbox run's hints must never do that.
 */
import path from "node:path";

/** The commands that take `--sandbox` (yargs is strict: the others would refuse it). */
const TAKES_SANDBOX = new Set(["up", "new", "modify", "reboot", "promote", "retire", "rollback", "preview", "status", "history", "approvals", "approval", "hooks", "migrate"]);

export interface HintFlags {
  /** `--dir` as given on the command line. */
  readonly dir?: string | undefined;
  readonly sandbox?: boolean | undefined;
}

/** The flags to append, per command, or undefined when a hint needs none. */
export function hintRewriter(flags: HintFlags, cwd = process.cwd()): ((command: string) => string) | undefined {
  const dir = flags.dir !== undefined && path.resolve(flags.dir) !== cwd ? ` --dir ${/^[\w./~-]+$/.test(flags.dir) ? flags.dir : JSON.stringify(flags.dir)}` : "";
  const sandbox = flags.sandbox === true;
  if (!dir && !sandbox) return undefined;
  return (command) => {
    const words = command.split(/\s+/);
    const withSandbox = sandbox && TAKES_SANDBOX.has(words[1] ?? "") && !words.includes("--sandbox") ? `${command} --sandbox` : command;
    return dir && !words.includes("--dir") ? `${withSandbox}${dir}` : withSandbox;
  };
}

/** `line` with every backquoted `rds-echo …` command given the run's flags. */
export function withRunFlags(line: string, rewrite: ((command: string) => string) | undefined): string {
  if (!rewrite) return line;
  return line.replace(/`(rds-echo [^`]*)`/g, (_whole, command: string) => `\`${rewrite(command)}\``);
}
