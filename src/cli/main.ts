#!/usr/bin/env node
/**
 * rds-echo's command line. This module and the command modules it registers stay light: handlers import their
 * work (Pulumi, the AWS SDK) only when they run, so `rds-echo --help` starts fast.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { configCommand } from "./commands/config.js";
import { hooksCommand } from "./commands/hooks.js";
import { lifecycleCommands } from "./commands/lifecycle.js";
import { planCommand } from "./commands/plan.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { interrupt } from "./interrupt.js";
import { Reporter } from "./reporter.js";

interrupt.install();

await yargs(hideBin(process.argv))
  .scriptName("rds-echo")
  .usage("$0 <command> <echo> [options]\n\nKeep production-like RDS databases fresh: restore, modify, reboot, promote, retire.")
  .option("dir", { type: "string", default: ".", describe: "project root (holds stacks/ and Pulumi.yaml)", global: true })
  .option("json", { type: "boolean", default: false, describe: "print one JSON document", global: true })
  .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress output", global: true })
  .command(configCommand)
  .command(planCommand)
  .command(lifecycleCommands)
  .command(hooksCommand)
  .command(sandboxCommand)
  .demandCommand(1, "name a command; see rds-echo --help")
  .recommendCommands()
  .strict()
  .help()
  .alias("help", "h")
  .version()
  .wrap(Math.min(120, process.stdout.columns || 100))
  .fail((message, error) => {
    if (error) throw error;
    // Bad flags or arguments: nothing was touched. Exit 2, like every other input error.
    new Reporter({ json: process.argv.includes("--json"), quiet: false }).error(`${message} (see rds-echo --help)`, 2);
    process.exit(2);
  })
  .parseAsync();
