/**
 * `rds-echo promote <echo>`: the CNAME flip (once approved, when approval is asked for), or with `--request` an
 * approval request whose signed links are printed (or e-mailed).
 */
import type { CommandModule } from "yargs";
import { approvalsNeeded } from "../../approval/requests.js";
import type { RequestOptions } from "../../lifecycle/approval.js";
import { contextFrom, type CommandContext, type GlobalArgs } from "../context.js";
import { run } from "../run.js";
import { confirmOptions, echoCommandOptions, engineFlags, type ConfirmArgs, type EngineArgs } from "./options.js";

interface PromoteArgs extends EngineArgs, ConfirmArgs {
  echo: string;
  request: boolean;
  approver?: string[];
  required?: number;
  expires?: string;
  "show-links": boolean;
}

export const promoteCommand: CommandModule<GlobalArgs, PromoteArgs> = {
  command: "promote <echo>",
  describe: "Point the echo's CNAME at the rebooted generation (the previous one becomes forgotten), or --request approval",
  builder: (y) =>
    confirmOptions(echoCommandOptions(y))
      .option("request", { type: "boolean", default: false, describe: "open an approval request and print (or e-mail) signed approve/cancel links" })
      .option("approver", { type: "string", array: true, describe: "who may approve (repeat); default promote.approval.approvers" })
      .option("required", { type: "number", describe: "approvals needed (default promote.approval.required, else 1)" })
      .option("expires", { type: "string", describe: "how long the links stay valid, at most 7d (default promote.approval.expires, else 3d)" })
      .option("show-links", {
        type: "boolean",
        default: false,
        describe: "with --request and e-mail: print the signed links too (by default only who was sent what: each approver's links are theirs)",
      })
      .example("$0 promote development", "the CNAME flip (once approved, when approval is asked for)")
      .example("$0 promote development --request --approver alice@example.com --approver bob@example.com --required 1 --expires 2d", "send approval links"),
  handler: (args) =>
    run(args, async () => {
      const request = { command: "promote", echo: args.echo, engine: engineFlags(args), yes: args.yes, promotes: true };
      if (args.request) return openRequest(contextFrom(args), request, requestOptions(args), args["show-links"]);
      const [{ runSteps }, { promoteGeneration }] = await Promise.all([import("../handlers/session.js"), import("../../lifecycle/promote.js")]);
      return runSteps(contextFrom(args), request, (ctx, state) => promoteGeneration(ctx, state), { promote: true, retire: false });
    }),
};

function requestOptions(args: PromoteArgs): RequestOptions {
  return {
    ...(args.approver ? { approvers: args.approver } : {}),
    ...(args.required !== undefined ? { required: args.required } : {}),
    ...(args.expires !== undefined ? { expires: args.expires } : {}),
  };
}

async function openRequest(command: CommandContext, request: import("../handlers/session.js").EchoRequest, options: RequestOptions, showLinks: boolean): Promise<number> {
  const [{ withDefinition }, { loadDefinition }, { requestSettings, requestPromotion }, { loadEchoState }, { decisionKeyFrom }, { whileHolding, busyDetail }] = await Promise.all([
    import("../handlers/session.js"),
    import("../../definition/load.js"),
    import("../../lifecycle/approval.js"),
    import("../../lifecycle/echo-state.js"),
    import("../../approval/proof.js"),
    import("../../lifecycle/hold.js"),
  ]);
  const definition = await loadDefinition(command.root, request.echo);
  // Everything `--request` is given is checked before any cloud call: approvers, counts, expiry, signer and decision keys.
  requestSettings(definition, options, new Date());
  // The signer's keys and the decision key join the preflight's list (session.ts): one run says all that is missing.
  const signer = request.engine.sandbox ? undefined : (await import("../../adapters/aws/approvals.js")).signerCredentials;
  const checked = signer ? { ...request, checks: [() => signer(process.env), () => decisionKeyFrom(process.env)] } : request;
  // Opening a request updates the generation's stack (and removes other requests' tags): this run's alone.
  const held = await withDefinition(command, definition, checked, async (ctx) => whileHolding(ctx, async () => requestPromotion(ctx, await loadEchoState(ctx.ports, ctx.definition), options)));
  const { reporter } = command;
  if (!held.held) {
    reporter.data({ echo: definition.echo, busy: held.holder });
    reporter.text(`${definition.echo}: busy - ${busyDetail(held.holder)}; no request was opened`);
    return 0;
  }
  const opened = held.value;
  const r = opened.request;
  const pageUrl = definition.promote?.approval?.pageUrl;
  // Each approver's links are that approver's own: once they are e-mailed, printing them would hand every approver's
  // decision to whoever reads this output (the requester, a CI log), and `required: 2` would separate nothing.
  const printLinks = showLinks || opened.emailed.length === 0;
  const sent = opened.emailed.map((to) => ({ approver: to, sent: pageUrl ? `approve and cancel links through the confirmation page ${pageUrl}` : "approve and cancel links (signed links in the e-mail)" }));
  reporter.data({
    request: { ...r, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() },
    emailed: opened.emailed,
    sent,
    ...(printLinks ? { links: opened.links } : {}),
  });
  reporter.text(`request ${r.id} for ${r.generation}: ${approvalsNeeded(r.required, r.approvers.length)}, links valid until ${r.expiresAt.toISOString()}`);
  for (const s of sent) reporter.text(`  e-mailed ${s.approver}: ${s.sent}`);
  if (!printLinks) return 0;
  for (const l of opened.links) {
    reporter.text(`\n${l.approver}${opened.emailed.includes(l.approver) ? " (e-mailed)" : ""}`);
    reporter.text(`  approve: ${l.approve}`);
    reporter.text(`  cancel:  ${l.cancel}`);
  }
  return 0;
}
