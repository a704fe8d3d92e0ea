import { describe, expect, it } from "vitest";
import { decisionValue, expectedProofs } from "../../src/approval/proof.js";
import {
  type ApprovalRequest,
  approvalTagKey,
  assertSupersedes,
  evaluateApproval,
  newRequestId,
  openRequest,
  parseApprovalTag,
  staleApprovalTagKeys,
  TAG_CHARACTERS,
  validateRequest,
} from "../../src/approval/requests.js";
import { GuardError, UsageError } from "../../src/errors.js";

const NOW = new Date("2026-11-25T12:30:00Z");
const GEN = "development-20261125-1200";
const DAY = 24 * 3600;
const KEY = "unit-test-decision-key-0123456789abcdef";
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

type Decision = [string, string, "approved" | "cancelled"];

/** The instance's tags after these decisions, each set as its link sets it (the proven value). */
function tagsOf(decisions: Decision[] = [], generation = GEN): Record<string, string> {
  const tags: Record<string, string> = { "echo:managed": "development", "echo:stage": "rebooted" };
  for (const [id, approver, decision] of decisions) tags[approvalTagKey(id, approver, decision)] = decisionValue(KEY, generation, id, approver, decision);
  return tags;
}

/** evaluateApproval with the request as the stack records it and the proofs the driver expects. */
function evaluate(r: ApprovalRequest | undefined, tags: Record<string, string>, now: Date, generation = GEN) {
  return evaluateApproval({ generation, request: r, tags, proofs: r ? expectedProofs(KEY, r) : new Map(), now });
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

  it("approval keys round-trip; approvers compare lower-cased; other tags and values without a proof are ignored", () => {
    const key = approvalTagKey("r20261125t1230-ab12", "A.B+ops@Example.com");
    expect(key).toBe("echo:approval:r20261125t1230-ab12:a.b+ops@example.com");
    expect(TAG_CHARACTERS.test(key)).toBe(true);
    const proof = `approved.${"0".repeat(64)}`;
    expect(parseApprovalTag(key, proof)).toEqual({ requestId: "r20261125t1230-ab12", approver: "a.b+ops@example.com", decision: "approved" });
    expect(parseApprovalTag(`${key}:cancel`, `cancelled.${"0".repeat(64)}`)?.decision).toBe("cancelled");
    // A bare decision (what any tagger can write, and what links set before decisions carried proofs) is no decision.
    expect(parseApprovalTag(key, "approved")).toBeUndefined();
    expect(parseApprovalTag(key, "yes")).toBeUndefined();
    // A cancel's value on the approve key (or the other way round) is neither.
    expect(parseApprovalTag(key, `cancelled.${"0".repeat(64)}`)).toBeUndefined();
    expect(parseApprovalTag("echo:stage", proof)).toBeUndefined();
    expect(parseApprovalTag("echo:approval:r20261125t1230-ab12", proof)).toBeUndefined();
  });
});

describe("decision proofs", () => {
  it("are tag-safe, differ by key, generation, approver, decision and decision key, and fit an RDS tag value", () => {
    const value = decisionValue(KEY, GEN, "r20261125t1230-ab12", "a@example.com", "approved");
    expect(value).toMatch(/^approved\.[0-9a-f]{64}$/);
    expect(TAG_CHARACTERS.test(value) && value.length <= 256).toBe(true);
    const others = [
      decisionValue(KEY, "development-20261124-1200", "r20261125t1230-ab12", "a@example.com", "approved"),
      decisionValue(KEY, GEN, "r20261125t1230-zz99", "a@example.com", "approved"),
      decisionValue(KEY, GEN, "r20261125t1230-ab12", "b@example.com", "approved"),
      decisionValue(`${KEY}x`, GEN, "r20261125t1230-ab12", "a@example.com", "approved"),
    ];
    for (const other of others) expect(other).not.toBe(value);
    expect(decisionValue(KEY, GEN, "r20261125t1230-ab12", "a@example.com", "cancelled")).toMatch(/^cancelled\.[0-9a-f]{64}$/);
  });
});

describe("a new request supersedes the stack's", () => {
  it("only when the stack's request is older than now (not the same second, not a clock behind)", () => {
    const existing = request();
    expect(() => assertSupersedes(undefined, NOW)).not.toThrow();
    expect(() => assertSupersedes(existing, new Date(NOW.getTime() + 1000))).not.toThrow();
    for (const now of [NOW, new Date(NOW.getTime() + 999), at(-60)]) {
      let error: unknown;
      try {
        assertSupersedes(existing, now);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GuardError);
      expect((error as Error).message).toMatch(/was opened at 2026-11-25T12:30:00Z, not before now/);
    }
  });

  it("removing every other request's keys, well-formed or not, and the request tags of earlier versions", () => {
    const ID = "r20261125t1230-ab12";
    const tags: Record<string, string> = {
      ...tagsOf([[ID, "a@example.com", "approved"], ["r20261125t1229-zz99", "b@example.com", "cancelled"]]),
      "echo:request:r20261125t1229-zz99": "gen=x",
      "echo:request:mallory": "by=mallory@example.com",
      "echo:approval:junk": "approved",
      [`echo:seen:${ID}`]: "a@example.com=2026-11-25T12:31:00Z",
      "echo:seen:r20261125t1229-zz99": "b@example.com=2026-11-25T12:29:00Z",
    };
    expect(staleApprovalTagKeys(tags, ID).sort()).toEqual(
      ["echo:approval:junk", approvalTagKey("r20261125t1229-zz99", "b@example.com", "cancelled"), "echo:request:mallory", "echo:request:r20261125t1229-zz99", "echo:seen:r20261125t1229-zz99"].sort(),
    );
    // The new request's own keys stay; so do the program's.
    expect(staleApprovalTagKeys(tags, "r20261125t1231-new1")).toContain(approvalTagKey(ID, "a@example.com"));
    expect(staleApprovalTagKeys(tags, ID)).not.toContain("echo:stage");
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
    const one = evaluate(r, tagsOf([[ID, "a@example.com", "approved"]]), at(5));
    expect(one).toMatchObject({ granted: false, approvedBy: ["a@example.com"], cancelledBy: [], expired: false, ignored: [] });
    expect(one.request).toEqual(r);
    expect(one.missing).toBe("1 more approval needed from b@example.com, c@example.com (expires 2026-11-27T12:30Z)");
    const none = evaluate(r, tagsOf(), at(5));
    expect(none.missing).toBe("2 more approvals needed from a@example.com, b@example.com, c@example.com (expires 2026-11-27T12:30Z)");
    const two = evaluate(r, tagsOf([[ID, "a@example.com", "approved"], [ID, "c@example.com", "approved"]]), at(5));
    expect(two).toMatchObject({ granted: true, approvedBy: ["a@example.com", "c@example.com"], missing: "" });
  });

  it("counts no decision without its proof: a hand-written value, one copied from another key or generation, or one made with another key", () => {
    const r = request({ required: 1 });
    const forged: Record<string, string> = { [approvalTagKey(ID, "a@example.com")]: "approved" };
    expect(evaluate(r, forged, at(5))).toMatchObject({ granted: false, approvedBy: [], ignored: [approvalTagKey(ID, "a@example.com")] });
    // b's proof under a's key.
    const copied = { [approvalTagKey(ID, "a@example.com")]: decisionValue(KEY, GEN, ID, "b@example.com", "approved") };
    expect(evaluate(r, copied, at(5)).granted).toBe(false);
    // A proof for the same key on another generation's instance.
    expect(evaluate(r, tagsOf([[ID, "a@example.com", "approved"]], "development-20261124-1200"), at(5)).granted).toBe(false);
    // A proof made with another decision key (the signer's AWS keys alone do not make one).
    const otherKey = { [approvalTagKey(ID, "a@example.com")]: decisionValue("some-other-key-0123456789abcdef0123", GEN, ID, "a@example.com", "approved") };
    expect(evaluate(r, otherKey, at(5)).granted).toBe(false);
    // Nor does a forged cancel block.
    const cancel = { ...tagsOf([[ID, "a@example.com", "approved"]]), [approvalTagKey(ID, "b@example.com", "cancelled")]: "cancelled" };
    expect(evaluate(r, cancel, at(5))).toMatchObject({ granted: true, cancelledBy: [], ignored: [approvalTagKey(ID, "b@example.com", "cancelled")] });
  });

  it("lets one cancel win over any number of approvals", () => {
    const r = request({ required: 1 });
    const status = evaluate(r, tagsOf([[ID, "a@example.com", "approved"], [ID, "b@example.com", "approved"], [ID, "c@example.com", "cancelled"]]), at(5));
    expect(status).toMatchObject({ granted: false, approvedBy: ["a@example.com", "b@example.com"], cancelledBy: ["c@example.com"] });
    expect(status.missing).toBe(`request ${ID} was cancelled by c@example.com; open a new request to promote ${GEN}`);
  });

  it("never grants an expired request, however approved", () => {
    const r = request({ expiresInSeconds: 3600 });
    const tags = tagsOf([[ID, "a@example.com", "approved"]]);
    expect(evaluate(r, tags, at(59)).granted).toBe(true);
    const status = evaluate(r, tags, at(60));
    expect(status).toMatchObject({ granted: false, expired: true });
    expect(status.missing).toBe(`request ${ID} expired at 2026-11-25T13:30Z; open a new request to promote ${GEN}`);
  });

  it("counts only the stack's request: decisions for any other request id never count, proven or not", () => {
    const tags = tagsOf([["r20261125t1230-zz99", "a@example.com", "approved"]]);
    expect(evaluate(request(), tags, at(5))).toMatchObject({ granted: false, approvedBy: [] });
    // No request in the stack: nothing on the instance opens one.
    const none = evaluate(undefined, tagsOf([[ID, "a@example.com", "approved"]]), at(5));
    expect(none.granted).toBe(false);
    expect(none.request).toBeUndefined();
  });

  it("counts only listed approvers, each once", () => {
    const r = request({ required: 2 });
    const tags = tagsOf([[ID, "mallory@example.com", "approved"], [ID, "a@example.com", "approved"]]);
    tags[`echo:approval:${ID}:A@example.com`] = decisionValue(KEY, GEN, ID, "a@example.com", "approved"); // the same approver again, in another case
    const status = evaluate(r, tags, at(5));
    expect(status).toMatchObject({ granted: false, approvedBy: ["a@example.com"] });
    expect(status.ignored).toContain(approvalTagKey(ID, "mallory@example.com"));
    // Nor can a non-listed approver cancel.
    Object.assign(tags, tagsOf([[ID, "mallory@example.com", "cancelled"]]));
    expect(evaluate(r, tags, at(5)).cancelledBy).toEqual([]);
  });

  it("never lets a request for one generation promote another", () => {
    const other = "development-20261124-1200";
    const tags = tagsOf([[ID, "a@example.com", "approved"]]);
    expect(evaluate(request(), tags, at(5)).granted).toBe(true);
    const status = evaluate(request(), tags, at(5), other);
    expect(status).toMatchObject({ granted: false, approvedBy: [] });
    expect(status.request).toBeUndefined();
    expect(status.missing).toBe(`no approval request is open for ${other}; open one to send approval links`);
  });
});
