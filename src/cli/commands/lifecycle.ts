/**
 * The lifecycle commands: `new`, `modify`, `reboot`, `promote`, `retire`, `up`, `preview`, `status`, `history`.
 * Parsing only; the work is in ../handlers/lifecycle.ts, imported when a command runs.
 */
import type { Argv, CommandModule } from "yargs";
import { contextFrom, type GlobalArgs } from "../context.js";
import { run } from "../run.js";

export interface LifecycleArgs extends GlobalArgs {
  echo?: string;
  sandbox: boolean;
  backend?: string;
  installPulumi: boolean;
  // Each command declares only the flags that mean something for it.
  yes?: boolean;
  force?: boolean;
  promote?: boolean;
  retire?: boolean;
  generation?: string;
  request?: boolean;
  approver?: string[];
  required?: number;
  expires?: string;
}

export type LifecycleCommand = "new" | "modify" | "reboot" | "promote" | "retire" | "up" | "preview" | "status" | "history" | "approvals";

interface Spec {
  readonly describe: string;
  readonly mutating: boolean;
  readonly force?: string;
  readonly examples: readonly [string, string][];
  readonly extra?: (y: Argv) => Argv;
  readonly optionalEcho?: boolean;
}

/** `--promote` and `--retire`: what `up` may go on to do, and so what `preview` considers. */
function upOptions(y: Argv, prefix: string): Argv {
  return y
    .option("promote", { type: "boolean", default: false, describe: `${prefix}promote a rebooted generation` })
    .option("retire", { type: "boolean", default: false, describe: `${prefix}retire forgotten generations beyond retire.keep` });
}

const SPECS: Record<LifecycleCommand, Spec> = {
  new: {
    describe: "Restore the latest available snapshot into a new generation",
    mutating: true,
    force: "start even while the newest generation is younger than guard.minAgeHours or another is unpromoted",
    examples: [["$0 new development --yes", "restore a new generation of development"]],
  },
  modify: { describe: "Apply the settings RDS only accepts after create", mutating: true, examples: [["$0 modify development", "show the diff, ask, apply"]] },
  reboot: {
    describe: "Reboot so pending settings take effect (skipped when nothing is pending)",
    mutating: true,
    force: "reboot even when RDS reports nothing pending",
    examples: [["$0 reboot development --yes", "reboot if RDS reports pending settings"]],
  },
  promote: {
    describe: "Point the echo's CNAME at the rebooted generation (the previous one becomes forgotten), or --request approval",
    mutating: true,
    examples: [
      ["$0 promote development", "the CNAME flip (once approved, when approval is asked for)"],
      ["$0 promote development --request --approver alice@example.com --approver bob@example.com --required 1 --expires 2d", "send approval links"],
    ],
    extra: (y) =>
      y
        .option("request", { type: "boolean", default: false, describe: "open an approval request and print (or e-mail) signed approve/cancel links" })
        .option("approver", { type: "string", array: true, describe: "who may approve (repeat); default promote.approval.approvers" })
        .option("required", { type: "number", describe: "approvals needed (default promote.approval.required, else 1)" })
        .option("expires", { type: "string", describe: "how long the links stay valid, at most 7d (default promote.approval.expires, else 3d)" }),
  },
  retire: {
    describe: "Destroy forgotten generations beyond retire.keep, oldest first (stacks and history stay)",
    mutating: true,
    force: "with --generation: also retire an unpromoted generation (a failed restore)",
    examples: [["$0 retire development --yes", "retire what retire.keep does not keep"], ["$0 retire development --generation development-20261120-0300", "retire one forgotten generation"]],
    extra: (y) => y.option("generation", { type: "string", describe: "retire this forgotten generation" }),
  },
  up: {
    describe: "Advance the echo as far as it can go (idempotent; safe from cron)",
    mutating: true,
    examples: [["$0 up development --promote --retire --yes", "what a nightly cron job runs"], ["$0 up development --sandbox --promote --yes", "the whole lifecycle, offline"]],
    extra: (y) => upOptions(y, ""),
  },
  preview: {
    describe: "Show what the next step of `up` would change, changing nothing",
    mutating: false,
    examples: [["$0 preview development --promote", "the next step, promotion included"]],
    extra: (y) => upOptions(y, "consider: "),
  },
  status: {
    describe: "Every generation: stage, RDS status, endpoint, snapshot, age, and which one the CNAME serves",
    mutating: false,
    optionalEcho: true,
    examples: [["$0 status development --json", "as JSON"], ["$0 status", "every echo in stacks/"]],
  },
  history: { describe: "The merged stack histories of an echo's generations, newest first", mutating: false, examples: [["$0 history development --json", "the audit trail as JSON"]] },
  approvals: {
    describe: "Each open promotion approval request: approvals received (who, when), cancels, expiry",
    mutating: false,
    examples: [["$0 approvals development --json", "as JSON"]],
  },
};

function lifecycleCommand(name: LifecycleCommand): CommandModule<GlobalArgs, LifecycleArgs> {
  const spec = SPECS[name];
  return {
    command: spec.optionalEcho ? `${name} [echo]` : `${name} <echo>`,
    describe: spec.describe,
    builder: (yargs) => {
      // The options differ per command, so the builder chain is typed loosely and the result as LifecycleArgs.
      let y: Argv = (yargs as unknown as Argv)
        .positional("echo", { type: "string", describe: "echo name (stacks/<echo>.yaml)" })
        .option("sandbox", { type: "boolean", default: false, describe: "use the offline sandbox (.rds-echo/sandbox.json) instead of AWS and Pulumi" })
        .option("backend", { type: "string", describe: "Pulumi backend URL (default: PULUMI_BACKEND_URL, else file://.rds-echo/state)" })
        .option("install-pulumi", { type: "boolean", default: false, describe: "install the Pulumi CLI under .rds-echo/pulumi when it is missing" });
      if (spec.mutating) y = y.option("yes", { alias: "y", type: "boolean", default: false, describe: "do not ask (required without a TTY)" });
      if (spec.force) y = y.option("force", { type: "boolean", default: false, describe: spec.force });
      if (spec.extra) y = spec.extra(y);
      for (const [example, text] of spec.examples) y = y.example(example, text);
      return y as unknown as Argv<LifecycleArgs>;
    },
    handler: (args) =>
      run(args, async () => {
        const { runLifecycle } = await import("../handlers/lifecycle.js");
        return runLifecycle(contextFrom(args), name, args);
      }),
  };
}

export const lifecycleCommands = (Object.keys(SPECS) as LifecycleCommand[]).map(lifecycleCommand);
