/**
 * The approval e-mail: one message per approver, saying exactly what a click will promote (generation, CNAME,
 * snapshot) and until when the links work, with both links. Sent through SES v2; building is pure, sending is not.
 * With a confirmation page (`promote.approval.pageUrl`, see page.ts) the links open the page, the signed URL only in
 * their fragment, so a mail scanner that fetches every link decides nothing; the signed URL appears nowhere else.
 */
import type { SendEmailCommandInput, SESv2Client } from "@aws-sdk/client-sesv2";
import { confirmationLink } from "./page.js";

export interface ApprovalEmailInput {
  /** A verified SES identity. */
  from: string;
  /** The approver. */
  to: string;
  echo: string;
  generation: string;
  cname: string;
  snapshot: string;
  expiresAt: Date;
  /** This approver's presigned approve link. */
  approve: string;
  /** This approver's presigned cancel link. */
  cancel: string;
  /** The published confirmation page (`promote.approval.pageUrl`); absent: the e-mail carries the signed links. */
  pageUrl?: string;
}

const html = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const when = (at: Date) => at.toISOString().replace(/:\d{2}\.\d{3}Z$/, " UTC").replace("T", " ");

/** The SES v2 input for one approver: plain text and HTML bodies with the same content. */
export function approvalEmail(input: ApprovalEmailInput): SendEmailCommandInput {
  const { echo, generation, cname, snapshot, expiresAt, pageUrl } = input;
  const approve = pageUrl ? confirmationLink(pageUrl, "approved", input.approve) : input.approve;
  const cancel = pageUrl ? confirmationLink(pageUrl, "cancelled", input.cancel) : input.cancel;
  const until = when(expiresAt);
  const subject = `Approve promoting ${generation} behind ${cname}?`;
  const explanation = pageUrl
    ? [
        "Each link opens a confirmation page; nothing is decided until you press its button (so a mail scanner that",
        "opens links decides nothing). Then Amazon RDS answers with XML (AddTagsToResourceResponse). That is expected: it",
        "means your decision was recorded as a tag on the DB instance. rds-echo checks the tags before it promotes.",
      ]
    : [
        "Clicking a link shows an XML response from Amazon RDS (AddTagsToResourceResponse). That is expected: it means",
        "your decision was recorded as a tag on the DB instance. rds-echo checks the tags before it promotes.",
      ];
  const text = [
    `rds-echo asks you to approve a promotion for the echo "${echo}".`,
    "",
    `Generation (DB instance): ${generation}`,
    `Restored from snapshot:   ${snapshot}`,
    `Will be promoted behind:  ${cname}`,
    `Links valid until:        ${until}`,
    "",
    `Approve: ${approve}`,
    "",
    `Cancel (blocks this promotion, whatever others decide): ${cancel}`,
    "",
    ...explanation,
    "The links are personal; do not forward this message.",
  ].join("\n");
  const body = `<!doctype html>
<html><body style="font-family: sans-serif">
<p>rds-echo asks you to approve a promotion for the echo <b>${html(echo)}</b>.</p>
<table>
<tr><td>Generation (DB instance)</td><td><code>${html(generation)}</code></td></tr>
<tr><td>Restored from snapshot</td><td><code>${html(snapshot)}</code></td></tr>
<tr><td>Will be promoted behind</td><td><code>${html(cname)}</code></td></tr>
<tr><td>Links valid until</td><td>${html(until)}</td></tr>
</table>
<p><a href="${html(approve)}">Approve</a></p>
<p><a href="${html(cancel)}">Cancel</a> (blocks this promotion, whatever others decide)</p>
<p>${html(explanation.join(" "))}
The links are personal; do not forward this message.</p>
</body></html>`;
  return {
    FromEmailAddress: input.from,
    Destination: { ToAddresses: [input.to] },
    Content: {
      Simple: {
        Subject: { Data: subject, Charset: "UTF-8" },
        Body: { Text: { Data: text, Charset: "UTF-8" }, Html: { Data: body, Charset: "UTF-8" } },
      },
    },
  };
}

/** Sends each message (one per approver) in turn; returns the SES message ids in the same order. */
export async function sendApprovalEmails(client: SESv2Client, messages: readonly SendEmailCommandInput[]): Promise<string[]> {
  // Loaded here, not at the top: building a message (the sandbox does) must not load the SES client.
  const { SendEmailCommand } = await import("@aws-sdk/client-sesv2");
  const ids: string[] = [];
  for (const message of messages) {
    const result = await client.send(new SendEmailCommand(message));
    ids.push(result.MessageId ?? "");
  }
  return ids;
}
