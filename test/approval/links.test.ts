import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { approvalLinks, presignApprovalLink, type PresignApprovalLinkInput } from "../../src/approval/links.js";
import { decisionValue, expectedProofs } from "../../src/approval/proof.js";
import { approvalTagKey, evaluateApproval, openRequest } from "../../src/approval/requests.js";
import { canonicalQueryString, deriveSigningKey, signCanonicalRequest, verifyPresignedUrl } from "../../src/approval/verify.js";
import { UsageError } from "../../src/errors.js";

const NOW = new Date("2026-11-25T12:30:00Z");
const REGION = "eu-west-1";
const ARN = "arn:aws:rds:eu-west-1:123456789012:db:development-20261125-1200";
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const ID = "r20261125t1230-ab12";
const DECISION_KEY = "links-test-decision-key-0123456789abcdef";
const VALUE = decisionValue(DECISION_KEY, "development-20261125-1200", ID, "a.b+ops@example.com", "approved");

const input = (overrides: Partial<PresignApprovalLinkInput> = {}): PresignApprovalLinkInput => ({
  region: REGION,
  instanceArn: ARN,
  requestId: ID,
  approver: "a.b+ops@example.com",
  decision: "approved",
  value: VALUE,
  expiresInSeconds: 3600,
  credentials: CREDENTIALS,
  now: NOW,
  ...overrides,
});

const secrets = (id: string) => (id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined);
const verify = (url: string, now = NOW, region = REGION, service = "rds") => verifyPresignedUrl(url, { credentials: secrets, now, region, service });
const reason = (result: ReturnType<typeof verify>) => (result.ok ? "ok" : result.reason);

describe("the verifier itself (independent of @smithy)", () => {
  it("reproduces the AWS documentation's SigV4 example (IAM ListUsers, 2015-08-30)", () => {
    expect(deriveSigningKey(CREDENTIALS.secretAccessKey, "20150830", "us-east-1", "iam").toString("hex")).toBe(
      "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
    );
    const canonicalRequest = [
      "GET",
      "/",
      canonicalQueryString([["Version", "2010-05-08"], ["Action", "ListUsers"]]),
      "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n",
      "content-type;host;x-amz-date",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ].join("\n");
    expect(signCanonicalRequest(canonicalRequest, { secret: CREDENTIALS.secretAccessKey, amzDate: "20150830T123600Z", region: "us-east-1", service: "iam" })).toBe(
      "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    );
  });

  it("encodes the canonical query per RFC 3986 and sorts by encoded name", () => {
    expect(canonicalQueryString([["b", "x y"], ["a", "a+b@c:d/e*"], ["A", "~"]])).toBe("A=~&a=a%2Bb%40c%3Ad%2Fe%2A&b=x%20y");
  });
});

describe("presignApprovalLink", () => {
  it("is a GET to the regional RDS endpoint setting exactly one approval tag, and verifies with the same key and clock", async () => {
    const url = await presignApprovalLink(input());
    expect(url.startsWith("https://rds.eu-west-1.amazonaws.com/?")).toBe(true);
    const result = verify(url);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.fromEntries([...result.params].filter(([k]) => !k.startsWith("X-Amz-")))).toEqual({
      Action: "AddTagsToResource",
      Version: "2014-10-31",
      ResourceName: ARN,
      "Tags.Tag.1.Key": `echo:approval:${ID}:a.b+ops@example.com`,
      "Tags.Tag.1.Value": VALUE,
    });
    expect(result.params.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20261125/eu-west-1/rds/aws4_request");
    expect(result.params.get("X-Amz-Date")).toBe("20261125T123000Z");
    expect(result.params.get("X-Amz-Expires")).toBe("3600");
    expect(result.params.get("X-Amz-SignedHeaders")).toBe("host");
    // '+' in the address is percent-encoded, so no server can read it as a space.
    expect(url).toContain("a.b%2Bops%40example.com");
  });

  it("carries a session token inside the signature", async () => {
    const url = await presignApprovalLink(input({ credentials: { ...CREDENTIALS, sessionToken: "token/with+chars=" } }));
    const result = verify(url);
    expect(result.ok && result.params.get("X-Amz-Security-Token")).toBe("token/with+chars=");
    expect(reason(verify(url.replace("X-Amz-Security-Token=token", "X-Amz-Security-Token=other")))).toBe("signature does not match");
  });

  it("signs for a custom endpoint's host and port", async () => {
    const url = await presignApprovalLink(input({ endpoint: "http://127.0.0.1:8123" }));
    expect(url.startsWith("http://127.0.0.1:8123/?")).toBe(true);
    expect(reason(verify(url))).toBe("ok");
    expect(reason(verify(url.replace("127.0.0.1:8123", "127.0.0.1:8124")))).toBe("signature does not match");
  });

  it("is refused once tampered with: tag value, approver, resource, action, expiry", async () => {
    const url = await presignApprovalLink(input());
    const tampered = [
      url.replace(`Tags.Tag.1.Value=${VALUE}`, `Tags.Tag.1.Value=${VALUE.replace("approved.", "cancelled.")}`),
      url.replace("a.b%2Bops%40example.com", "mallory%40example.com"),
      url.replace("development-20261125-1200", "development-20261124-1200"),
      url.replace("Action=AddTagsToResource", "Action=RemoveTagsFromResource"),
      url.replace("X-Amz-Expires=3600", "X-Amz-Expires=604800"),
      `${url}&Tags.Tag.2.Key=echo%3Astage&Tags.Tag.2.Value=promoted`,
    ];
    for (const t of tampered) {
      expect(t).not.toBe(url);
      expect(reason(verify(t))).toBe("signature does not match");
    }
  });

  it("is refused after it expires, and when dated more than 5 minutes ahead", async () => {
    const url = await presignApprovalLink(input());
    expect(reason(verify(url, new Date(NOW.getTime() + 3600_000)))).toBe("ok");
    expect(reason(verify(url, new Date(NOW.getTime() + 3600_001)))).toBe("link expired at 2026-11-25T13:30:00.000Z");
    expect(reason(verify(url, new Date(NOW.getTime() - 5 * 60_000)))).toBe("ok");
    expect(reason(verify(url, new Date(NOW.getTime() - 5 * 60_000 - 1000)))).toBe("link dated in the future (2026-11-25T12:30:00.000Z)");
  });

  it("is refused under another secret, key, region or service, or with a parameter missing", async () => {
    const url = await presignApprovalLink(input());
    expect(reason(verifyPresignedUrl(url, { credentials: () => "wrong-secret", now: NOW, region: REGION, service: "rds" }))).toBe("signature does not match");
    expect(reason(verifyPresignedUrl(url, { credentials: () => undefined, now: NOW, region: REGION, service: "rds" }))).toBe("unknown access key");
    expect(reason(verify(url, NOW, "us-east-1"))).toMatch(/^link signed for another region\/service \(eu-west-1\/rds/);
    expect(reason(verify(url, NOW, REGION, "iam"))).toMatch(/^link signed for another region\/service/);
    expect(reason(verify(url.replace(/&?X-Amz-Signature=[0-9a-f]+/, "")))).toBe("missing X-Amz-Signature parameter");
    expect(reason(verify(url.replace(/&?X-Amz-Date=[0-9TZ]+/, "")))).toBe("missing X-Amz-Date parameter");
  });

  it("signs for an Aurora cluster too: a cluster echo's approval tags go on its cluster", async () => {
    const cluster = "arn:aws:rds:eu-west-1:123456789012:cluster:development-20261125-1200";
    const result = verify(await presignApprovalLink(input({ instanceArn: cluster })));
    expect(result.ok && result.params.get("ResourceName")).toBe(cluster);
  });

  it("refuses bad input with usage errors: not an instance or cluster ARN, ARN in another region, expiry beyond 7 days", async () => {
    await expect(presignApprovalLink(input({ instanceArn: "arn:aws:rds:eu-west-1:123456789012:snapshot:x" }))).rejects.toThrow(UsageError);
    await expect(presignApprovalLink(input({ instanceArn: "arn:aws:rds:eu-west-1:123456789012:db:x", value: "approved" }))).rejects.toThrow(/proof/);
    await expect(presignApprovalLink(input({ region: "us-east-1" }))).rejects.toThrow(/not in us-east-1/);
    await expect(presignApprovalLink(input({ expiresInSeconds: 604801 }))).rejects.toThrow(/1\.\.604800 seconds/);
    await expect(presignApprovalLink(input({ expiresInSeconds: 604800 }))).resolves.toMatch(/X-Amz-Expires=604800/);
  });
});

describe("approvalLinks", () => {
  const request = openRequest({ id: ID, generation: "development-20261125-1200", approvers: ["a@example.com", "b@example.com"], now: NOW, expiresInSeconds: 2 * 24 * 3600 });

  it("gives each approver an approve and a cancel link for their own key, valid until the request expires", async () => {
    const links = await approvalLinks(request, { region: REGION, instanceArn: ARN, credentials: CREDENTIALS, decisionKey: DECISION_KEY, now: new Date(NOW.getTime() + 60_000) });
    expect(links.map((l) => l.approver)).toEqual(["a@example.com", "b@example.com"]);
    for (const { approver, approve, cancel } of links) {
      const a = verify(approve, new Date(NOW.getTime() + 60_000));
      const c = verify(cancel, new Date(NOW.getTime() + 60_000));
      expect(a.ok && [a.params.get("Tags.Tag.1.Key"), a.params.get("Tags.Tag.1.Value"), a.params.get("X-Amz-Expires")]).toEqual([
        approvalTagKey(ID, approver),
        decisionValue(DECISION_KEY, request.generation, ID, approver, "approved"),
        String(2 * 24 * 3600 - 60),
      ]);
      expect(c.ok && [c.params.get("Tags.Tag.1.Key"), c.params.get("Tags.Tag.1.Value")]).toEqual([approvalTagKey(ID, approver, "cancelled"), decisionValue(DECISION_KEY, request.generation, ID, approver, "cancelled")]);
    }
    expect(reason(verify(links[0]!.approve, request.expiresAt))).toBe("ok");
    expect(reason(verify(links[0]!.approve, new Date(request.expiresAt.getTime() + 1000)))).toMatch(/^link expired at/);
  });

  it("refuses to sign for an expired request", async () => {
    await expect(approvalLinks(request, { region: REGION, instanceArn: ARN, credentials: CREDENTIALS, decisionKey: DECISION_KEY, now: request.expiresAt })).rejects.toThrow(/has expired/);
  });

  it("end to end against a simulated RDS endpoint: a click sets the tag, and the generation becomes promotable", async () => {
    const tags: Record<string, string> = { "echo:managed": "development" };
    const evaluate = () => evaluateApproval({ generation: request.generation, request, tags, proofs: expectedProofs(DECISION_KEY, request), now: NOW });
    const clock = { now: NOW };
    const server = createServer((req, res) => {
      const result = verifyPresignedUrl(`http://${req.headers.host}${req.url}`, { credentials: secrets, now: clock.now, region: REGION, service: "rds" });
      const p = result.ok ? result.params : undefined;
      if (!p || p.get("Action") !== "AddTagsToResource" || p.get("ResourceName") !== ARN) {
        res.writeHead(403, { "content-type": "text/xml" }).end(`<ErrorResponse><Error><Message>${result.ok ? "bad request" : result.reason}</Message></Error></ErrorResponse>`);
        return;
      }
      tags[p.get("Tags.Tag.1.Key")!] = p.get("Tags.Tag.1.Value")!;
      res.writeHead(200, { "content-type": "text/xml" }).end("<AddTagsToResourceResponse/>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const [a] = await approvalLinks(request, { region: REGION, instanceArn: ARN, credentials: CREDENTIALS, decisionKey: DECISION_KEY, now: NOW, endpoint });
      expect(evaluate().granted).toBe(false);
      const forged = a!.approve.replace("a%40example.com", "b%40example.com");
      expect((await fetch(forged)).status).toBe(403);
      const response = await fetch(a!.approve);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("AddTagsToResourceResponse");
      expect(evaluate()).toMatchObject({ granted: true, approvedBy: ["a@example.com"] });
      clock.now = new Date(request.expiresAt.getTime() + 1000);
      const late = await fetch(a!.cancel);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain("link expired at");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
