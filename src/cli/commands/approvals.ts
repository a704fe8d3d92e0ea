/** `rds-echo approvals <echo>`: each open promotion approval request, who approved (and when), cancels, expiry. */
import type { CommandModule } from "yargs";
import { approvalsNeeded } from "../../approval/requests.js";
import type { ApprovalView } from "../../lifecycle/approval.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import type { Reporter } from "../reporter.js";
import { run } from "../run.js";
import { echoCommandOptions, engineFlags, type EngineArgs } from "./options.js";

interface ApprovalsArgs extends EngineArgs {
  echo: string;
}

export const approvalsCommand: CommandModule<GlobalArgs, ApprovalsArgs> = {
  command: "approvals <echo>",
  describe: "Each open promotion approval request: approvals received (who, when), cancels, expiry",
  builder: (y) => echoCommandOptions(y).example("$0 approvals development --json", "as JSON"),
  handler: (args) =>
    run(args, async () => {
      const [{ withEcho }, { approvalsOf }, { loadEchoState }] = await Promise.all([
        import("../handlers/session.js"),
        import("../../lifecycle/approval.js"),
        import("../../lifecycle/echo-state.js"),
      ]);
      const command = contextFrom(args);
      const views = await withEcho(command, { echo: args.echo, engine: engineFlags(args), readsApprovals: true }, async (ctx) => approvalsOf(ctx, await loadEchoState(ctx.ports, ctx.definition)));
      command.reporter.data(views);
      printApprovals(command.reporter, views);
      return 0;
    }),
};

function printApprovals(reporter: Reporter, views: readonly ApprovalView[]): void {
  if (views.length === 0) reporter.text("no approval requests");
  for (const v of views) {
    const r = v.request!;
    reporter.text(`${v.generation}  request ${r.id}  ${approvalsNeeded(r.required, r.approvers.length, v.approvedBy.length)}  expires ${r.expiresAt.toISOString()}${v.granted ? "  GRANTED" : ""}`);
    for (const approver of r.approvers) {
      const decision = v.cancelledBy.includes(approver) ? "cancelled" : v.approvedBy.includes(approver) ? "approved" : "waiting";
      reporter.text(`  ${decision.padEnd(9)} ${approver}${v.seen[approver] ? `  (seen ${v.seen[approver]})` : ""}`);
    }
    if (!v.granted) reporter.text(`  ${v.missing}`);
    // Tags anyone with tagging rights could have written: they count for nothing, and a person should know they exist.
    if (v.ignored.length > 0) reporter.text(`  ignored (no valid proof): ${v.ignored.join(", ")}`);
  }
}
