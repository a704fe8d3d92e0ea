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

export function contextFrom(args: GlobalArgs): CommandContext {
  return { root: path.resolve(args.dir), reporter: new Reporter({ json: args.json, quiet: args.quiet, dir: args.dir }) };
}
