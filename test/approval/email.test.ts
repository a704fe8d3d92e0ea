import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { approvalEmail, sendApprovalEmails } from "../../src/approval/email.js";

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const base = {
  from: "rds-echo@example.com",
  echo: "development",
  generation: "development-20261125-1200",
  cname: "db.dev.example.com",
  snapshot: "rds:prod-2026-11-25-03-00",
  expiresAt: new Date("2026-11-27T12:30:00Z"),
};
const approvers = ["a@example.com", "b@example.com"];
const links = (to: string) => ({
  approve: `https://rds.eu-west-1.amazonaws.com/?Action=AddTagsToResource&Tags.Tag.1.Key=echo%3Aapproval%3Ar1%3A${encodeURIComponent(to)}&Tags.Tag.1.Value=approved`,
  cancel: `https://rds.eu-west-1.amazonaws.com/?Action=AddTagsToResource&Tags.Tag.1.Key=echo%3Aapproval%3Ar1%3A${encodeURIComponent(to)}&Tags.Tag.1.Value=cancelled`,
});

describe("approval e-mails", () => {
  it("say what will be promoted, behind which CNAME, from which snapshot, until when, with both links", () => {
    const { approve, cancel } = links("a@example.com");
    const message = approvalEmail({ ...base, to: "a@example.com", approve, cancel });
    expect(message.FromEmailAddress).toBe("rds-echo@example.com");
    expect(message.Destination).toEqual({ ToAddresses: ["a@example.com"] });
    const simple = message.Content?.Simple;
    expect(simple?.Subject?.Data).toBe("Approve promoting development-20261125-1200 behind db.dev.example.com?");
    const text = simple?.Body?.Text?.Data ?? "";
    const html = simple?.Body?.Html?.Data ?? "";
    for (const fact of [base.generation, base.cname, base.snapshot, "2026-11-27 12:30 UTC", "XML response"]) {
      expect(text).toContain(fact);
      expect(html).toContain(fact);
    }
    expect(text).toContain(`Approve: ${approve}`);
    expect(text).toContain(cancel);
    // In HTML the links are attribute-escaped ('&' as '&amp;') and must decode back to the exact signed URL.
    expect(html).toContain(`href="${approve.replaceAll("&", "&amp;")}"`);
    expect(html).toContain(`href="${cancel.replaceAll("&", "&amp;")}"`);
    expect(html).not.toMatch(/href="[^"]*&(?!amp;)/);
  });

  it("with a confirmation page, link only to the page, the signed URL in the fragment and nowhere a scanner would fetch", () => {
    const pageUrl = "https://approvals.example.com/rds-echo/approve.html";
    const signed = {
      approve: `${links("a@example.com").approve}&X-Amz-Signature=0123abcd`,
      cancel: `${links("a@example.com").cancel}&X-Amz-Signature=4567ef01`,
    };
    const message = approvalEmail({ ...base, to: "a@example.com", ...signed, pageUrl });
    const text = message.Content?.Simple?.Body?.Text?.Data ?? "";
    const html = message.Content?.Simple?.Body?.Html?.Data ?? "";
    expect(text).toContain("nothing is decided until you press its button");
    // Every URL in either body is the page; what a GET of it sends to a server (all before '#') carries no signature.
    for (const body of [text, html.replaceAll("&amp;", "&")]) {
      const urls = body.match(/https?:\/\/[^\s"<>]+/g) ?? [];
      expect(urls).toHaveLength(2);
      for (const url of urls) {
        expect(url.startsWith(`${pageUrl}#`)).toBe(true);
        expect(url.split("#")[0]).toBe(pageUrl);
      }
      expect(body).not.toContain("X-Amz-Signature=");
      expect(body).not.toContain("rds.eu-west-1.amazonaws.com");
    }
    // The fragments decode to the exact signed URLs, approve and cancel each under its own key.
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(hrefs.map((h) => h.slice(h.indexOf("#") + 1).split("=")[0])).toEqual(["approve", "cancel"]);
    expect(hrefs.map((h) => Buffer.from(h.slice(h.indexOf("=") + 1), "base64url").toString("utf8"))).toEqual([signed.approve, signed.cancel]);
  });

  it("escapes HTML in the facts", () => {
    const message = approvalEmail({ ...base, cname: "<b>x</b>.example.com", to: "a@example.com", ...links("a@example.com") });
    expect(message.Content?.Simple?.Body?.Html?.Data).toContain("&lt;b&gt;x&lt;/b&gt;.example.com");
  });

  it("are sent one SendEmail per approver, each with that approver's own links", async () => {
    ses.on(SendEmailCommand).callsFake((input: { Destination?: { ToAddresses?: string[] } }) => ({ MessageId: `id-${input.Destination?.ToAddresses?.[0]}` }));
    const messages = approvers.map((to) => approvalEmail({ ...base, to, ...links(to) }));
    const ids = await sendApprovalEmails(new SESv2Client({ region: "eu-west-1" }), messages);
    expect(ids).toEqual(["id-a@example.com", "id-b@example.com"]);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(2);
    calls.forEach((call, i) => {
      const input = call.args[0].input;
      const to = approvers[i]!;
      expect(input.FromEmailAddress).toBe("rds-echo@example.com");
      expect(input.Destination?.ToAddresses).toEqual([to]);
      expect(input.Content?.Simple?.Subject?.Data).toContain("development-20261125-1200");
      const text = input.Content?.Simple?.Body?.Text?.Data ?? "";
      expect(text).toContain(links(to).approve);
      expect(text).toContain(links(to).cancel);
      const other = approvers[1 - i]!;
      expect(text).not.toContain(encodeURIComponent(other));
    });
  });
});
