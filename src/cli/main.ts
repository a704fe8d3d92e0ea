#!/usr/bin/env node
/**
 * rds-echo's command line. This module and the command modules it registers stay light: handlers import their
 * work (Pulumi, the AWS SDK) only when they run, so `rds-echo --help` starts fast.
 */
// The AWS SDK warns on every command that Node 20 will be unsupported by its 2027 releases; the README says which
// Node versions rds-echo supports, so the warning only repeats that on every run. Set before the SDK loads.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { configCommand } from "./commands/config.js";
import { approvalCommand } from "./commands/approval.js";
import { approvalsCommand } from "./commands/approvals.js";
import { historyCommand } from "./commands/history.js";
import { migrateCommand } from "./commands/migrate.js";
import { modifyCommand } from "./commands/modify.js";
import { newCommand } from "./commands/new.js";
import { hooksCommand } from "./commands/hooks.js";
import { planCommand } from "./commands/plan.js";
import { policyCommand } from "./commands/policy.js";
import { previewCommand } from "./commands/preview.js";
import { promoteCommand } from "./commands/promote.js";
import { rebootCommand } from "./commands/reboot.js";
import { retireCommand } from "./commands/retire.js";
import { rollbackCommand } from "./commands/rollback.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { statusCommand } from "./commands/status.js";
import { upCommand } from "./commands/up.js";
import { interrupt } from "./interrupt.js";
import { Reporter } from "./reporter.js";
import { explainUsage, negativeValueProblem } from "./usage-errors.js";

/** Every long flag of every command, for "did you mean" (yargs does not hand the failing command's own to .fail). */
const KNOWN_FLAGS = ["dir", "json", "quiet", "help", "version", "sandbox", "backend", "install-pulumi", "yes", "force", "promote", "retire", "generation", "request", "approver", "required", "expires", "all", "stage", "parallel", "port", "rerun", "before-promote", "out", "name", "adopt", "legacy-name", "to", "preview", "role", "account", "zone-id", "kms-key"];

const EPILOGUE = [
  "Environment:",
  "  RDS_ECHO_SECRET_<KEY>        a secret the definition references, e.g. RDS_ECHO_SECRET_MASTER_PASSWORD,",
  "                               RDS_ECHO_SECRET_SLACK_WEBHOOK (notify.webhook.url)",
  "  <NAME>_FILE                  any secret here, read from a file (Kubernetes, ECS)",
  "  PULUMI_CONFIG_PASSPHRASE     encrypts each generation's secrets (or PULUMI_CONFIG_PASSPHRASE_FILE)",
  "                               or none: secretsProvider: awskms://… in the definition",
  "  PULUMI_BACKEND_URL           Pulumi backend (default file://<dir>/.rds-echo/state)",
  "  AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   AWS credentials (or profile: in the definition)",
  "  RDS_ECHO_SIGNER_ACCESS_KEY_ID, RDS_ECHO_SIGNER_SECRET_ACCESS_KEY   long-term keys that sign approval links",
  "  RDS_ECHO_AWS_*_TIMEOUT       CONNECT (default 3s), REQUEST (10s): limits of every AWS call",
  "  RDS_ECHO_AWS_MAX_ATTEMPTS    attempts of every AWS call (default 4)",
  "  RDS_ECHO_OPTS                migrate: the original rds-echo's -Dkey=value overrides, read with its properties file",
  "  RDS_ECHO_SANDBOX_SPEED       --sandbox: simulated ms per real ms (default 5400; max: never wait)",
  "",
  "Exit codes:",
  "  0  done; nothing to do (what waits is said); or \"n\" at a prompt (that step is listed as skipped)",
  "  1  failed (an AWS or engine error): rerun up to converge",
  "  2  bad input, a missing prerequisite, or a guard that refuses; nothing was changed by that step",
  "  130, 143  interrupted by SIGINT or SIGTERM (an operation in flight cancelled cleanly): rerun up",
  "  up --all, preview --all: the worst of the echoes' codes, 130/143 over 2 over 1 over 0",
  "",
  "More: README.md, docs/design.md",
].join("\n");

// A reader that stops early (`rds-echo plan development | head -1`) closes the pipe: that is its choice, not a
// failure of ours. End quietly, as other command-line tools do, instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

interrupt.install();

// Before yargs reads them: it would take `-5h` for flags (`-h`: help, exit 0), and the command would do nothing.
const negative = negativeValueProblem(hideBin(process.argv));
if (negative !== undefined) {
  new Reporter({ json: hideBin(process.argv).includes("--json"), quiet: false }).error(`${negative} (see rds-echo --help)`, 2);
  process.exit(2);
}

await yargs(hideBin(process.argv))
  .scriptName("rds-echo")
  .usage("$0 <command> <echo> [options]\n\nKeep production-like RDS databases fresh: restore, modify, reboot, promote, retire.")
  .option("dir", { type: "string", default: ".", describe: "project root (holds stacks/ and Pulumi.yaml)", global: true })
  .option("json", { type: "boolean", default: false, describe: "print one JSON document", global: true })
  .option("quiet", { alias: "q", type: "boolean", default: false, describe: "no progress; a run that changed nothing prints nothing (warnings and errors still do)", global: true })
  .command(configCommand)
  .command(planCommand)
  .command(newCommand)
  .command(modifyCommand)
  .command(rebootCommand)
  .command(promoteCommand)
  .command(retireCommand)
  .command(rollbackCommand)
  .command(upCommand)
  .command(previewCommand)
  .command(statusCommand)
  .command(historyCommand)
  .command(approvalsCommand)
  .command(approvalCommand)
  .command(hooksCommand)
  .command(migrateCommand)
  .command(policyCommand)
  .command(sandboxCommand)
  .demandCommand(1, "name a command")
  .recommendCommands()
  .strict()
  .help()
  .alias("help", "h")
  .version()
  .wrap(Math.min(120, process.stdout.columns || 100))
  .epilogue(EPILOGUE)
  .fail((message, error) => {
    if (error) throw error;
    // Bad flags or arguments: nothing was touched. Exit 2, like every other input error.
    const argv = hideBin(process.argv);
    new Reporter({ json: argv.includes("--json"), quiet: false }).error(`${explainUsage(message, argv, KNOWN_FLAGS)} (see rds-echo --help)`, 2);
    process.exit(2);
  })
  .parseAsync();
