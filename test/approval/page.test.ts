import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { presignApprovalLink, type PresignApprovalLinkInput } from "../../src/approval/links.js";
import { decisionValue } from "../../src/approval/proof.js";
import { confirmationLink, confirmationPage } from "../../src/approval/page.js";
import { inlineScript, runPage } from "../helpers/page.js";

const PAGE_URL = "https://approvals.example.com/rds-echo/approve.html";
const ARN = "arn:aws:rds:eu-west-1:123456789012:db:development-20261125-1200";

/** A real presigned link, signed now (the page compares its expiry with the real clock). */
function link(overrides: Partial<PresignApprovalLinkInput> = {}): Promise<string> {
  const decision = overrides.decision ?? "approved";
  return presignApprovalLink({
    value: decisionValue("page-test-decision-key-0123456789abcdef", "development-20261125-1200", "r20261125t1230-ab12", "alice@example.com", decision),
    region: "eu-west-1",
    instanceArn: ARN,
    requestId: "r20261125t1230-ab12",
    approver: "alice@example.com",
    decision: "approved",
    expiresInSeconds: 3600,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    now: new Date(),
    ...overrides,
  });
}
const fragmentOf = (pageLink: string) => pageLink.slice(pageLink.indexOf("#"));
const fragment = (decision: "approved" | "cancelled", signed: string) => fragmentOf(confirmationLink(PAGE_URL, decision, signed));

describe("the confirmation page's HTML", () => {
  const html = confirmationPage();

  it("has a Content-Security-Policy meta tag, first in <head>, that allows only its own script and style (by hash)", () => {
    const head = html.slice(html.indexOf("<head>"), html.indexOf("</head>"));
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    expect(meta).not.toBeNull();
    expect(head.indexOf("Content-Security-Policy")).toBeLessThan(head.indexOf("<style>"));
    const directives = Object.fromEntries(meta![1]!.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(directives).toEqual({
      // Everything else (connect-src, img-src, font-src, frame-src, …) falls back to 'none': no request can leave the page.
      "default-src": ["'none'"],
      "script-src": [hash(inlineScript(html))],
      "style-src": [hash(style)],
      "base-uri": ["'none'"],
      "form-action": ["'none'"],
    });
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it("is self-contained: no external resource, no link, no form, no attribute that loads anything", () => {
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|form|base|audio|video|source)\b/i);
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster|background)\s*=/i);
    expect(/<style>([\s\S]*?)<\/style>/.exec(html)![1]).not.toMatch(/@import|url\(/i);
    // The one URL-looking text is the allowed-endpoint pattern inside the script.
    expect(html.replace(inlineScript(html), "")).not.toMatch(/https?:\/\//);
  });

  it("calls nothing on load: the script's only way out is location.assign, inside the button's click handler", () => {
    const code = inlineScript(html);
    expect(code).not.toMatch(/\b(fetch|XMLHttpRequest|sendBeacon|WebSocket|EventSource|Image|open|innerHTML|outerHTML|insertAdjacentHTML|createElement|write|src|href|submit|setTimeout|setInterval)\b/);
    expect(code.match(/location\.assign\(/g)).toHaveLength(1);
    const handler = code.slice(code.indexOf('button.addEventListener("click"'));
    expect(handler).toContain("location.assign(target)");
  });
});

describe("the confirmation page, run with a link in its fragment", () => {
  it("shows what the link does and sends the signed URL only when a person presses the button", async () => {
    const signed = await link();
    const page = runPage(confirmationPage(), fragmentOf(confirmationLink(PAGE_URL, "approved", signed)));
    expect(page.navigations).toEqual([]); // loading it decided nothing
    const button = page.elements.get("decide")!;
    expect(button).toMatchObject({ hidden: false, textContent: "Approve promotion" });
    expect(button.listeners.map((l) => l.type)).toEqual(["click"]);
    expect(page.elements.get("generation")?.textContent).toBe("development-20261125-1200");
    expect(page.elements.get("approver")?.textContent).toBe("alice@example.com");
    expect(page.elements.get("until")?.textContent).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    page.press(false); // another script's button.click()
    expect(page.navigations).toEqual([]);
    page.press(true);
    expect(page.navigations).toEqual([signed]);
    expect(button.disabled).toBe(true);
  });

  it("offers a cancel as a cancel", async () => {
    const signed = await link({ decision: "cancelled" });
    const page = runPage(confirmationPage(), fragmentOf(confirmationLink(PAGE_URL, "cancelled", signed)));
    expect(page.elements.get("decide")).toMatchObject({ hidden: false, textContent: "Cancel promotion", className: "cancel" });
    page.press();
    expect(page.navigations).toEqual([signed]);
  });

  it("refuses, offering no button, a missing fragment, another host, a mislabelled link, a non-approval action and an expired link", async () => {
    const approve = await link();
    const cases = {
      none: "",
      evil: fragment("approved", approve.replace("https://rds.eu-west-1.amazonaws.com/", "https://rds.eu-west-1.amazonaws.com.evil.example/")),
      loopback: fragment("approved", approve.replace("https://rds.eu-west-1.amazonaws.com/", "http://127.0.0.1:4599/")),
      mislabelled: fragment("cancelled", approve),
      action: fragment("approved", approve.replace("Action=AddTagsToResource", "Action=DeleteDBInstance")),
      expired: fragment("approved", await link({ now: new Date(Date.now() - 7200_000) })),
      percentEncoded: `#approve=${encodeURIComponent(approve)}`,
      // A value with no proof is no decision (the page says what the link does, and this one does nothing that counts).
      unproven: fragment("approved", approve.replace(/Tags\.Tag\.1\.Value=[^&]+/, "Tags.Tag.1.Value=approved")),
      damaged: "#approve=a",
    };
    for (const [name, hash] of Object.entries(cases)) {
      const page = runPage(confirmationPage(), hash);
      expect(page.elements.get("decide")?.hidden ?? true, name).toBe(true);
      expect(page.elements.get("decide")?.listeners ?? [], name).toEqual([]);
      expect(page.elements.get("note")?.className, name).toBe("problem");
      page.press();
      expect(page.navigations, name).toEqual([]);
    }
  });

  it("offers a cluster echo's link as it does an instance's (approval tags go on the cluster)", async () => {
    const signed = await link({ instanceArn: "arn:aws:rds:eu-west-1:123456789012:cluster:development-20261125-1200" });
    const page = runPage(confirmationPage(), fragmentOf(confirmationLink(PAGE_URL, "approved", signed)));
    expect(page.elements.get("generation")?.textContent).toBe("development-20261125-1200");
    page.press();
    expect(page.navigations).toEqual([signed]);
  });

  it("the sandbox's page also accepts the loopback endpoint of sandbox serve", async () => {
    const signed = await link({ endpoint: "http://127.0.0.1:4599" });
    const page = runPage(confirmationPage({ sandbox: true }), fragmentOf(confirmationLink(PAGE_URL, "approved", signed)));
    page.press();
    expect(page.navigations).toEqual([signed]);
  });
});
