import { describe, expect, it } from "vitest";
import {
  type ApprovalRequest,
  approvalTagKey,
  evaluateApproval,
  newRequestId,
  openRequest,
  parseApprovalTag,
  parseRequests,
  requestTags,
  supersededTagKeys,
  TAG_CHARACTERS,
  validateRequest,
} from "../../src/approval/requests.js";
import { UsageError } from "../../src/errors.js";

const NOW = new Date("2026-11-25T12:30:00Z");
const GEN = "development-20261125-1200";
const DAY = 24 * 3600;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function request(overrides: Partial<Parameters<typeof openRequest>[0]> = {}): ApprovalRequest {
  return openRequest({
    id: "r20261125t1230-ab12",
    generation: GEN,
    approvers: ["a@example.com", "b@example.com", "c@example.com"],
    required: 1,
    now: NOW,
    expiresInSeconds: 2 * DAY,
    ...overrides,
  });
}

/** The instance's tags after opening these requests and applying these decisions. */
function tagsOf(requests: ApprovalRequest[], decisions: Array<[string, string, "approved" | "cancelled"]> = []): Record<string, string> {
  const tags: Record<string, string> = { "echo:managed": "development", "echo:stage": "rebooted" };
  for (const r of requests) Object.assign(tags, requestTags(r));
  for (const [id, approver, decision] of decisions) tags[approvalTagKey(id, approver)] = decision;
  return tags;
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("request ids and tag keys", () => {
  it("newRequestId is short and tag-safe, from the UTC minute and 4 random characters", () => {
    expect(newRequestId(NOW, () => "AB12ff")).toBe("r20261125t1230-ab12");
    expect(newRequestId(NOW, () => "x-y_z!9q")).toBe("r20261125t1230-xyz9");
    expect(() => newRequestId(NOW, () => "a-b")).toThrow(/at least 4/);
  });

  it("approval keys round-trip; approvers compare lower-cased; other tags and unknown values are ignored", () => {
    const key = approvalTagKey("r20261125t1230-ab12", "A.B+ops@Example.com");
    expect(key).toBe("echo:approval:r20261125t1230-ab12:a.b+ops@example.com");
    expect(TAG_CHARACTERS.test(key)).toBe(true);
    expect(parseApprovalTag(key, "approved")).toEqual({ requestId: "r20261125t1230-ab12", approver: "a.b+ops@example.com", decision: "approved" });
    expect(parseApprovalTag(key, "cancelled")?.decision).toBe("cancelled");
    expect(parseApprovalTag(key, "yes")).toBeUndefined();
    expect(parseApprovalTag("echo:stage", "approved")).toBeUndefined();
    expect(parseApprovalTag("echo:approval:r20261125t1230-ab12", "approved")).toBeUndefined();
  });
});

describe("request tags", () => {
  it("store a request as one compact tag that parses back to the same request", () => {
    const r = request({ required: 2, now: new Date("2026-11-25T12:30:17.456Z") });
    const tags = requestTags(r);
    expect(tags).toEqual({
      "echo:request:r20261125t1230-ab12":
        `gen=${GEN} req=2 at=2026-11-25T12:30:17Z exp=2026-11-27T12:30:17Z by=a@example.com/b@example.com/c@example.com`,
    });
    // RDS allows no ';' or ',' in tag values: only letters, digits, space and _ . : / = + - @.
    for (const value of Object.values(tags)) expect(TAG_CHARACTERS.test(value)).toBe(true);
    expect(parseRequests(tags)).toEqual([r]);
  });

  it("skip malformed or hand-edited request tags instead of guessing", () => {
    expect(parseRequests({ "echo:request:r20261125t1230-ab12": "gen=x req=1" })).toEqual([]);
    expect(parseRequests({ "echo:request:r20261125t1230-ab12": `gen=${GEN} req=9 at=2026-11-25T12:30:00Z exp=2026-11-26T12:30:00Z by=a@x.io` })).toEqual([]);
    expect(parseRequests({ "echo:request:bad": `gen=${GEN} req=1 at=2026-11-25T12:30:00Z exp=2026-11-26T12:30:00Z by=a@x.io` })).toEqual([]);
  });
});

describe("validateRequest", () => {
  it("normalizes approvers to lower case and accepts exactly 7 days", () => {
    expect(request({ approvers: [" A@Example.com "] }).approvers).toEqual(["a@example.com"]);
    expect(() => request({ expiresInSeconds: 7 * DAY })).not.toThrow();
  });

  it("rejects what cannot be an approver, with what is expected", () => {
    expect(usageError(() => request({ approvers: ["not-an-address"] })).message).toMatch(/"not-an-address" is not a lower-case e-mail address/);
    expect(usageError(() => request({ approvers: ["a%b@example.com"] })).message).toMatch(/RDS tag keys allow no other characters/);
    expect(usageError(() => request({ approvers: ["a@example.com", "A@example.com"] })).message).toBe("approver a@example.com is listed twice");
    expect(usageError(() => request({ approvers: [] })).message).toMatch(/at least one approver/);
    const many = Array.from({ length: 21 }, (_, i) => `u${i}@x.io`);
    expect(usageError(() => request({ approvers: many })).message).toMatch(/at most 20 approvers \(got 21\)/);
  });

  it("rejects an approver whose tag key would exceed 128 characters", () => {
    // "echo:approval:r20261125t1230-ab12:" + address + ":cancel" (the longer, cancel key): 41 characters, leaving 87.
    const longest = `${"a".repeat(75)}@example.com`;
    expect(request({ approvers: [longest] }).approvers).toEqual([longest]);
    const tooLong = `${"a".repeat(76)}@example.com`;
    expect(usageError(() => request({ approvers: [tooLong] })).message).toMatch(/is too long: the tag key ".*" has 129 characters, RDS allows 128$/);
  });

  it("rejects approvers that do not fit the 256-character request tag value", () => {
    const approvers = Array.from({ length: 8 }, (_, i) => `approver-number-${i}@example.com`);
    expect(usageError(() => request({ approvers })).message).toMatch(/8 approvers do not fit in one RDS tag value \(\d+ of 256 characters\)/);
  });

  it("rejects a required count outside 1..approvers and expiries outside (0, 7 days]", () => {
    expect(usageError(() => request({ required: 0 })).message).toMatch(/from 1 to 3 \(got 0\)/);
    expect(usageError(() => request({ required: 4 })).message).toMatch(/from 1 to 3 \(got 4\)/);
    expect(usageError(() => request({ required: 1.5 })).message).toMatch(/whole number/);
    expect(usageError(() => request({ expiresInSeconds: 0 })).message).toMatch(/after the request is opened/);
    expect(usageError(() => request({ expiresInSeconds: 7 * DAY + 1 })).message).toMatch(/at most 7 days \(604800 s/);
  });

  it("rejects ids and generations that are not tag-safe", () => {
    expect(usageError(() => request({ id: "r1:x" })).message).toMatch(/must look like r20261125t1230-ab12/);
    expect(usageError(() => validateRequest({ ...request(), generation: "Dev;x" })).message).toMatch(/not a generation name/);
  });
});

describe("evaluateApproval", () => {
  const ID = "r20261125t1230-ab12";

  it("grants once the required number of listed approvers approved, and says what is missing before", () => {
    const r = request({ required: 2 });
    const one = evaluateApproval(tagsOf([r], [[ID, "a@example.com", "approved"]]), GEN, at(5));
    expect(one).toMatchObject({ granted: false, approvedBy: ["a@example.com"], cancelledBy: [], expired: false, superseded: [] });
    expect(one.request).toEqual(r);
    expect(one.missing).toBe("1 more approval needed from b@example.com, c@example.com (expires 2026-11-27T12:30Z)");
    const none = evaluateApproval(tagsOf([r]), GEN, at(5));
    expect(none.missing).toBe("2 more approvals needed from a@example.com, b@example.com, c@example.com (expires 2026-11-27T12:30Z)");
    const two = evaluateApproval(tagsOf([r], [[ID, "a@example.com", "approved"], [ID, "c@example.com", "approved"]]), GEN, at(5));
    expect(two).toMatchObject({ granted: true, approvedBy: ["a@example.com", "c@example.com"], missing: "" });
  });

  it("lets one cancel win over any number of approvals", () => {
    const r = request({ required: 1 });
    const status = evaluateApproval(
      tagsOf([r], [[ID, "a@example.com", "approved"], [ID, "b@example.com", "approved"], [ID, "c@example.com", "cancelled"]]),
      GEN,
      at(5),
    );
    expect(status).toMatchObject({ granted: false, approvedBy: ["a@example.com", "b@example.com"], cancelledBy: ["c@example.com"] });
    expect(status.missing).toBe(`request ${ID} was cancelled by c@example.com; open a new request to promote ${GEN}`);
  });

  it("never grants an expired request, however approved", () => {
    const r = request({ expiresInSeconds: 3600 });
    const tags = tagsOf([r], [[ID, "a@example.com", "approved"]]);
    expect(evaluateApproval(tags, GEN, at(59)).granted).toBe(true);
    const status = evaluateApproval(tags, GEN, at(60));
    expect(status).toMatchObject({ granted: false, expired: true });
    expect(status.missing).toBe(`request ${ID} expired at 2026-11-25T13:30Z; open a new request to promote ${GEN}`);
  });

  it("ignores decisions for another request id", () => {
    const tags = tagsOf([request()], [["r20261125t1230-zz99", "a@example.com", "approved"]]);
    expect(evaluateApproval(tags, GEN, at(5))).toMatchObject({ granted: false, approvedBy: [] });
  });

  it("lets a newer request supersede an older one: the older one's approvals never count", () => {
    const old = request();
    const newer = request({ id: "r20261125t1300-cd34", now: at(30) });
    const tags = tagsOf([newer, old], [[ID, "a@example.com", "approved"], [ID, "b@example.com", "cancelled"]]);
    const status = evaluateApproval(tags, GEN, at(40));
    expect(status).toMatchObject({ granted: false, approvedBy: [], cancelledBy: [], superseded: [ID] });
    expect(status.request?.id).toBe("r20261125t1300-cd34");
    tags[approvalTagKey("r20261125t1300-cd34", "b@example.com")] = "approved";
    expect(evaluateApproval(tags, GEN, at(40))).toMatchObject({ granted: true, approvedBy: ["b@example.com"] });
    expect(supersededTagKeys(tags, GEN).sort()).toEqual(
      [`echo:request:${ID}`, approvalTagKey(ID, "a@example.com"), approvalTagKey(ID, "b@example.com")].sort(),
    );
  });

  it("counts only listed approvers, each once", () => {
    const r = request({ required: 2 });
    const tags = tagsOf([r], [[ID, "mallory@example.com", "approved"], [ID, "a@example.com", "approved"]]);
    tags[`echo:approval:${ID}:A@example.com`] = "approved"; // the same approver again, in another case
    const status = evaluateApproval(tags, GEN, at(5));
    expect(status).toMatchObject({ granted: false, approvedBy: ["a@example.com"] });
    // Nor can a non-listed approver cancel.
    tags[approvalTagKey(ID, "mallory@example.com")] = "cancelled";
    expect(evaluateApproval(tags, GEN, at(5)).cancelledBy).toEqual([]);
  });

  it("never lets a request for one generation promote another", () => {
    const other = "development-20261124-1200";
    const tags = tagsOf([request()], [[ID, "a@example.com", "approved"]]);
    expect(evaluateApproval(tags, GEN, at(5)).granted).toBe(true);
    const status = evaluateApproval(tags, other, at(5));
    expect(status).toMatchObject({ granted: false, approvedBy: [] });
    expect(status.request).toBeUndefined();
    expect(status.missing).toBe(`no approval request is open for ${other}; open one to send approval links`);
  });
});
