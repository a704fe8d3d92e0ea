/**
 * `rds-echo hooks <echo>`: run a generation's afterRestore hooks (the scrub) by hand, from the first one that has not
 * succeeded; or, with --before-promote, its health check. Parsing only; the work is in ../handlers/hooks.ts.
 */
import type { Argv, CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

export interface HooksArgs extends GlobalArgs {
  echo: string;
  generation?: string;
  rerun: boolean;
  beforePromote: boolean;
  sandbox: boolean;
  backend?: string;
  installPulumi: boolean;
  yes: boolean;
}

export const hooksCommand: CommandModule<GlobalArgs, HooksArgs> = {
  command: "hooks <echo>",
  describe: "Run the afterRestore hooks (scrub) of the rebooted generation, from the first that has not succeeded",
  // yargs types "before-promote" and beforePromote apart; the parsed args carry both.
  builder: (y) =>
    y
      .positional("echo", { type: "string", demandOption: true, describe: "echo name (stacks/<echo>.yaml)" })
      .option("generation", { type: "string", describe: "this rebooted generation instead of the newest" })
      .option("rerun", { type: "boolean", default: false, describe: "run every afterRestore hook again, even on a scrubbed generation" })
      .option("before-promote", { type: "boolean", default: false, describe: "run the beforePromote checks instead (changes nothing)" })
      .option("sandbox", { type: "boolean", default: false, describe: "use the offline sandbox (.rds-echo/sandbox.json) instead of AWS and Pulumi" })
      .option("backend", { type: "string", describe: "Pulumi backend URL (default: PULUMI_BACKEND_URL, else file://.rds-echo/state)" })
      .option("install-pulumi", { type: "boolean", default: false, describe: "install the Pulumi CLI under .rds-echo/pulumi when it is missing" })
      .option("yes", { alias: "y", type: "boolean", default: false, describe: "do not ask (required without a TTY)" })
      .example("$0 hooks development --yes", "scrub the newest rebooted generation")
      .example("$0 hooks development --before-promote", "run the health check against it") as unknown as Argv<HooksArgs>,
  handler: (args) =>
    run(args, async () => {
      const { runHooks } = await import("../handlers/hooks.js");
      return runHooks(contextFrom(args), args);
    }),
};
