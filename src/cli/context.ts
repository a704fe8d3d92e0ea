/** What every command handler gets: the project root and the reporter, built from the global flags. */
import path from "node:path";
import { Reporter } from "./reporter.js";

export interface GlobalArgs {
  readonly dir: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

export interface CommandContext {
  /** The project root: where `stacks/` and `Pulumi.yaml` are. */
  readonly root: string;
  readonly reporter: Reporter;
}

/** What decides where a suggested command acts, beyond the global flags: `--sandbox`, where a command has it. */
export interface HintArgs {
  readonly sandbox?: boolean;
}

export function contextFrom(args: GlobalArgs & HintArgs): CommandContext {
  return { root: path.resolve(args.dir), reporter: reporterFrom(args) };
}

/** The reporter of a run: its mode, and the flags its suggested commands must carry (see hints.ts). */
export function reporterFrom(args: GlobalArgs & HintArgs): Reporter {
  return new Reporter({ json: args.json, quiet: args.quiet, dir: args.dir, sandbox: args.sandbox === true });
}
