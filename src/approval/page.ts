/**
 * The approval confirmation page: one self-contained static HTML file, published anywhere (an S3 bucket, any static
 * host) at `promote.approval.pageUrl`. Mail security scanners fetch the links in incoming mail; a presigned GET that
 * approves would be approved (or cancelled) by the scanner. So e-mails link to this page instead, with the signed URL
 * in the fragment (`#approve=<signed URL>`): a browser never sends the fragment to the server, and the page loads
 * nothing and calls nothing by itself. Only when a person presses its button does it navigate to the signed URL, and
 * RDS records the decision as before. Signing and verification are unchanged: the page only carries the link.
 *
 * The Content-Security-Policy allows exactly the page's own inline script and style (by hash) and nothing else: no
 * fetch, XHR, beacon, image or font can leave the page even if a scanner runs its script. A top-level navigation
 * (the button's) is not something CSP restricts; it happens only in the click handler.
 */
import { createHash } from "node:crypto";
import type { ApprovalDecision } from "./requests.js";

/** The fragment keys: `#approve=…` and `#cancel=…`. */
const FRAGMENT_KEY: Record<ApprovalDecision, string> = { approved: "approve", cancelled: "cancel" };

/**
 * The page link an e-mail carries for one decision: the signed URL base64url-encoded into the fragment. Not merely
 * percent-encoded: that would leave `rds.<region>.amazonaws.com…` readable, and a linkifier that spots bare domain
 * names could turn it back into a link to fetch.
 */
export function confirmationLink(pageUrl: string, decision: ApprovalDecision, signedUrl: string): string {
  return `${pageUrl}#${FRAGMENT_KEY[decision]}=${Buffer.from(signedUrl, "utf8").toString("base64url")}`;
}

/**
 * Endpoints the page will send a person to: the RDS Query API of any AWS region (standard, FIPS, China). The sandbox
 * page adds loopback, where `rds-echo sandbox serve` answers. Anything else in a fragment is refused, so the page is
 * no open redirect.
 */
export const RDS_ENDPOINT_PATTERN = "^https://rds(-fips)?\\.[a-z]{2}(-[a-z]+)+-\\d\\.amazonaws\\.com(\\.cn)?/\\?";
export const LOOPBACK_ENDPOINT_PATTERN = "^http://127\\.0\\.0\\.1:\\d{1,5}/\\?";

export interface PageOptions {
  /** Also accept the sandbox's loopback endpoint. */
  readonly sandbox?: boolean;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
dt{font-weight:600}dd{margin:0 0 .5rem 0;font-family:monospace}
button{font-size:1.1rem;padding:.6rem 1.2rem;cursor:pointer}button.cancel{background:#b00020;color:#fff;border:0}
.problem{color:#b00020}`;

/**
 * The page's only script. It reads the fragment, checks the link is an approval link to an allowed endpoint, shows
 * what it will do and until when, and navigates to it only from the button's click handler. `isTrusted` refuses a
 * click made by another script (`button.click()`): a crawler that only runs scripts does not decide anything.
 */
function script(patterns: readonly string[]): string {
  return `"use strict";
(function () {
  var allowed = ${JSON.stringify(patterns)}.map(function (p) { return new RegExp(p); });
  var note = document.getElementById("note");
  var button = document.getElementById("decide");
  function show(id, text) { document.getElementById(id).textContent = text; }
  function refuse(why) { note.textContent = why; note.className = "problem"; }
  var match = /^#(approve|cancel)=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) return refuse("This page needs the whole link from your approval e-mail (with the part after #). Open the link from the e-mail again.");
  var target;
  try { target = atob(match[2].replace(/-/g, "+").replace(/_/g, "/")); } catch (e) { return refuse("The link is damaged. Open it from the e-mail again."); }
  if (!allowed.some(function (r) { return r.test(target); })) return refuse("This is not an rds-echo approval link; nothing was done.");
  var query = new URL(target).searchParams;
  var parts = (query.get("Tags.Tag.1.Key") || "").split(":");
  // The value is the decision and its proof (\`approved.<64 hex>\`): what the button says must be what the link does,
  // so the value's decision decides, and the fragment must agree with it.
  var value = /^(approved|cancelled)\\.[0-9a-f]{64}$/.exec(query.get("Tags.Tag.1.Value") || "");
  var approve = value !== null && value[1] === "approved";
  if (query.get("Action") !== "AddTagsToResource" || parts[0] !== "echo" || parts[1] !== "approval" || !value || (approve ? "approve" : "cancel") !== match[1]) {
    return refuse("This is not an rds-echo approval link; nothing was done.");
  }
  var resource = query.get("ResourceName") || "";
  var generation = resource.slice(resource.lastIndexOf(":") + 1);
  var signed = /^(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})Z$/.exec(query.get("X-Amz-Date") || "");
  var until = signed ? Date.UTC(+signed[1], +signed[2] - 1, +signed[3], +signed[4], +signed[5], +signed[6]) + 1000 * Number(query.get("X-Amz-Expires")) : NaN;
  show("generation", generation);
  show("approver", parts[3] || "");
  show("request", parts[2] || "");
  show("until", isNaN(until) ? "unknown" : new Date(until).toISOString().slice(0, 16).replace("T", " ") + " UTC");
  if (!isNaN(until) && Date.now() > until) return refuse("This link has expired; ask for a new approval request.");
  note.textContent = approve
    ? "Nothing has been decided yet. Press the button to approve promoting " + generation + "."
    : "Nothing has been decided yet. Press the button to cancel the promotion of " + generation + " (a cancel blocks it, whatever others decide).";
  button.textContent = approve ? "Approve promotion" : "Cancel promotion";
  if (!approve) button.className = "cancel";
  button.hidden = false;
  button.addEventListener("click", function (event) {
    if (!event.isTrusted) return;
    button.disabled = true;
    location.assign(target);
  });
})();
`;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The whole page. Deterministic: the same options give the same bytes (so a published copy can be compared). */
export function confirmationPage(options: PageOptions = {}): string {
  const patterns = [RDS_ENDPOINT_PATTERN, ...(options.sandbox ? [LOOPBACK_ENDPOINT_PATTERN] : [])];
  const code = script(patterns);
  const csp = `default-src 'none'; script-src ${sha256(code)}; style-src ${sha256(STYLE)}; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rds-echo: confirm your decision</title>
<style>${STYLE}</style>
</head>
<body>
<h1>rds-echo promotion approval</h1>
<p id="note">This page needs JavaScript to show your approval link; nothing is decided until you press its button.</p>
<dl>
<dt>Generation (DB instance)</dt><dd id="generation"></dd>
<dt>Approver</dt><dd id="approver"></dd>
<dt>Request</dt><dd id="request"></dd>
<dt>Valid until</dt><dd id="until"></dd>
</dl>
<p><button id="decide" type="button" hidden>Decide</button></p>
<p>After you press the button, Amazon RDS answers with XML (<code>AddTagsToResourceResponse</code>): that means your
decision was recorded. An <code>ErrorResponse</code> (<code>ExpiredToken</code>, <code>SignatureDoesNotMatch</code>)
means the link expired or was altered.</p>
<script>${code}</script>
</body>
</html>
`;
}
