/**
 * Promotion approval requests and the decisions on them. The request (id, approvers, how many, expiry) is what the
 * driver recorded in the generation's stack settings, where only the driver writes; a decision is one tag on the
 * generation's own instance (or cluster), set by a signed link: `echo:approval:<requestId>:<approver>` =
 * `approved.<proof>`. Anyone with tagging rights can write a tag, so a decision counts only when its value is the
 * proof (proof.ts) the driver expects for that key: a value only a link the signer made for that request and approver
 * carries. Pure: no AWS, no clock, no randomness of its own; the expected proofs are passed in.
 *
 * RDS tag rules shape the encoding: keys are at most 128 characters, values at most 256, and both may contain only
 * letters, digits, white space and `_ . : / = + - @`.
 */
import { GuardError, UsageError } from "../errors.js";

/** An approval request for promoting one generation: who may approve, how many must, until when. */
export interface ApprovalRequest {
  /** Tag-safe id, e.g. `r20261125t1230-ab12`; part of every approval tag key, so a new request starts from zero. */
  id: string;
  /** The generation (instance identifier) this request is for. */
  generation: string;
  /** Lower-case e-mail addresses, unique, in the order given. */
  approvers: string[];
  /** Approvals needed, 1..approvers.length. */
  required: number;
  createdAt: Date;
  expiresAt: Date;
}

/** What an approver decided by clicking a link. */
export type ApprovalDecision = "approved" | "cancelled";

/** One decision tag, parsed (not yet proven: see `evaluateApproval`). */
export interface ApprovalTag {
  requestId: string;
  approver: string;
  decision: ApprovalDecision;
}

/** Where approval of one generation stands: its stack's request, and the proven decisions on its instance's tags. */
export interface ApprovalStatus {
  /** The open request, as the generation's stack settings record it; absent when none was opened. */
  request?: ApprovalRequest;
  /** Listed approvers who approved the open request (each once), in the request's approver order. */
  approvedBy: string[];
  /** Listed approvers who cancelled the open request; any one of them blocks it. */
  cancelledBy: string[];
  expired: boolean;
  /**
   * Decision tags for the open request that prove nothing (a hand-written value, an unlisted approver, a value copied
   * from another key): they never count, and `approvals` names them.
   */
  ignored: string[];
  granted: boolean;
  /** A sentence saying what stands between this generation and promotion; empty when granted. */
  missing: string;
}

/** The RDS Query API version AddTagsToResource is called with (links and the sandbox's endpoint agree on it). */
export const RDS_API_VERSION = "2014-10-31";

/** Tag key prefix of decisions; the link-signing principal may set only keys under it (see policy.ts). */
export const APPROVAL_TAG_PREFIX = "echo:approval:";
/**
 * Tag key prefix of the request tags earlier versions wrote (the request then lived on the instance). Never read any
 * more: opening a request removes them.
 */
export const REQUEST_TAG_PREFIX = "echo:request:";
/** When rds-echo first saw each decision of a request (`echo:seen:<request>`): RDS tags carry no time. A display aid. */
export const SEEN_TAG_PREFIX = "echo:seen:";
/** SigV4 presigned URLs live at most 7 days, so a request cannot outlive its links. */
export const MAX_REQUEST_SECONDS = 7 * 24 * 60 * 60;
export const MAX_APPROVERS = 20;
/** RDS limits. */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
/** Characters RDS allows in tag keys and values (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`). */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * E-mail addresses we accept as approvers: a deliberately narrow, tag-safe subset (RDS forbids `%`, `!`, `#`, … in tag
 * keys), so an address can sit in a tag key as is.
 */
export const APPROVER_EMAIL = /^[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const REQUEST_ID = /^r\d{8}t\d{4}-[a-z0-9]{4}$/;
/** A decision tag's value: the decision, a dot, and the proof (64 hex digits, see proof.ts). */
const DECISION_VALUE = /^(approved|cancelled)\.[0-9a-f]{64}$/;

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO 8601 to the second, `2026-11-25T12:30:00Z`: what request tags store (milliseconds would only cost length). */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** ISO 8601 to the minute, `2026-11-27T12:30Z`: what people read. */
function isoMinutes(at: Date): string {
  return at.toISOString().slice(0, 16) + "Z";
}

/**
 * A short, tag-safe request id from the moment (UTC, to the minute) and 4 random characters, `r20261125t1230-ab12`.
 * `random` supplies the characters (e.g. `() => randomBytes(2).toString("hex")`); only `[a-z0-9]` of it is used.
 */
export function newRequestId(now: Date, random: () => string): string {
  const suffix = random().toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 4);
  if (suffix.length < 4) throw new Error(`newRequestId: random() must give at least 4 letters or digits (got "${suffix}")`);
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  return `r${date}t${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}-${suffix}`;
}

/** The tag a link sets: `echo:approval:<requestId>:<approver>`. Approvers are compared lower-cased. */
export function approvalTagKey(requestId: string, approver: string, decision: ApprovalDecision = "approved"): string {
  // A cancel has a key of its own, so that a later click on the same approver's approve link cannot overwrite it.
  return `${APPROVAL_TAG_PREFIX}${requestId}:${approver.trim().toLowerCase()}${decision === "cancelled" ? CANCEL_SUFFIX : ""}`;
}

const CANCEL_SUFFIX = ":cancel";

/**
 * A decision tag, or undefined for any other tag or a value that is not a decision with a proof (`approved.<hex>`),
 * so a hand-set `approved` never counts by accident. The proof itself is checked by `evaluateApproval`.
 */
export function parseApprovalTag(key: string, value: string): ApprovalTag | undefined {
  const decision = DECISION_VALUE.exec(value)?.[1] as ApprovalDecision | undefined;
  if (!key.startsWith(APPROVAL_TAG_PREFIX) || !decision) return undefined;
  const rest = key.slice(APPROVAL_TAG_PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon <= 0) return undefined;
  const requestId = rest.slice(0, colon);
  const cancelKey = rest.endsWith(CANCEL_SUFFIX);
  const approver = rest.slice(colon + 1, cancelKey ? -CANCEL_SUFFIX.length : undefined).toLowerCase();
  if (!REQUEST_ID.test(requestId) || !APPROVER_EMAIL.test(approver)) return undefined;
  if (cancelKey !== (decision === "cancelled")) return undefined;
  return { requestId, approver, decision };
}

/** The request id a decision key names (`echo:approval:<id>:…`), or undefined for any other key. */
export function requestIdOfKey(key: string): string | undefined {
  if (!key.startsWith(APPROVAL_TAG_PREFIX)) return undefined;
  const rest = key.slice(APPROVAL_TAG_PREFIX.length);
  return rest.slice(0, rest.indexOf(":") < 0 ? undefined : rest.indexOf(":"));
}

/** Normalizes and validates a new request; the one way to make an `ApprovalRequest` from user input. */
export function openRequest(input: {
  id: string;
  generation: string;
  approvers: readonly string[];
  required?: number;
  now: Date;
  expiresInSeconds: number;
}): ApprovalRequest {
  // Whole seconds, so the request survives its round trip through tags unchanged.
  const createdAt = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  const request: ApprovalRequest = {
    id: input.id,
    generation: input.generation,
    approvers: input.approvers.map((a) => a.trim().toLowerCase()),
    required: input.required ?? 1,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + input.expiresInSeconds * 1000),
  };
  validateRequest(request);
  return request;
}

/**
 * Throws a `UsageError` saying what to fix when the request cannot be stored or signed: approvers must be 1..20
 * unique, tag-safe e-mail addresses; required 1..approvers; expiry after creation and at most 7 days later; every
 * decision tag key within RDS limits.
 */
export function validateRequest(request: ApprovalRequest): void {
  const { id, generation, approvers, required } = request;
  if (!REQUEST_ID.test(id)) throw new UsageError(`approval request id "${id}" must look like r20261125t1230-ab12`);
  if (!/^[a-z][a-z0-9-]*$/.test(generation)) throw new UsageError(`approval request: "${generation}" is not a generation name`);
  if (approvers.length === 0) throw new UsageError("approval request: name at least one approver");
  if (approvers.length > MAX_APPROVERS) {
    throw new UsageError(`approval request: at most ${MAX_APPROVERS} approvers (got ${approvers.length})`);
  }
  const seen = new Set<string>();
  for (const approver of approvers) {
    const normalized = approver.toLowerCase();
    if (approver !== normalized || !APPROVER_EMAIL.test(approver)) {
      throw new UsageError(
        `approver "${approver}" is not a lower-case e-mail address made of letters, digits and . _ + - ` +
          "(RDS tag keys allow no other characters)",
      );
    }
    if (seen.has(normalized)) throw new UsageError(`approver ${approver} is listed twice`);
    seen.add(normalized);
    const key = approvalTagKey(id, approver, "cancelled");
    if (key.length > MAX_TAG_KEY_LENGTH) {
      throw new UsageError(
        `approver ${approver} is too long: the tag key "${key}" has ${key.length} characters, RDS allows ${MAX_TAG_KEY_LENGTH}`,
      );
    }
  }
  if (!Number.isInteger(required) || required < 1 || required > approvers.length) {
    throw new UsageError(`approval request: required approvals must be a whole number from 1 to ${approvers.length} (got ${required})`);
  }
  const seconds = (request.expiresAt.getTime() - request.createdAt.getTime()) / 1000;
  if (!(seconds > 0)) throw new UsageError("approval request: the expiry must be after the request is opened");
  if (seconds > MAX_REQUEST_SECONDS) {
    throw new UsageError(`approval request: expiry is at most 7 days (${MAX_REQUEST_SECONDS} s, the limit of signed links); got ${seconds} s`);
  }
}

/**
 * Opening a request supersedes the one the stack records, which must be older than now: a request opened in the same
 * second, or by a host whose clock is behind, would otherwise leave two requests whose order nobody can tell, and the
 * older one's leaked links and cancels might keep counting. Throws a `GuardError` (exit 2) saying so.
 */
export function assertSupersedes(existing: ApprovalRequest | undefined, now: Date): void {
  if (!existing) return;
  const nowSeconds = Math.floor(now.getTime() / 1000) * 1000;
  if (existing.createdAt.getTime() < nowSeconds) return;
  throw new GuardError(
    `approval request ${existing.id} for ${existing.generation} was opened at ${isoSeconds(existing.createdAt)}, not before now ` +
      `(${isoSeconds(new Date(nowSeconds))}); a new request must be newer than the one it supersedes. Retry in a second, ` +
      "or check this host's clock",
  );
}

/**
 * Where approval of a generation stands. The request is the stack's (nothing on the instance can open, widen or
 * prolong one). A decision counts only when its tag names that request and a listed approver and its value is the
 * proof `proofs` expects for its key; each approver counts once; any proven cancel blocks; an expired request is never
 * granted.
 * @param proofs the value each decision key of the request must carry, from the approval port (see proof.ts)
 */
export function evaluateApproval(input: {
  readonly generation: string;
  readonly request: ApprovalRequest | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly proofs: ReadonlyMap<string, string>;
  readonly now: Date;
}): ApprovalStatus {
  const { generation, request, tags, proofs, now } = input;
  if (!request || request.generation !== generation) {
    return {
      approvedBy: [],
      cancelledBy: [],
      expired: false,
      ignored: [],
      granted: false,
      missing: `no approval request is open for ${generation}; open one to send approval links`,
    };
  }
  const decisions = new Map<string, ApprovalDecision>();
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (requestIdOfKey(key) !== request.id) continue;
    const tag = parseApprovalTag(key, value);
    const expected = proofs.get(key);
    if (!tag || !request.approvers.includes(tag.approver) || expected === undefined || expected !== value) {
      ignored.push(key);
      continue;
    }
    // One key per approver and decision; a cancel has a key of its own and always wins.
    if (decisions.get(tag.approver) !== "cancelled") decisions.set(tag.approver, tag.decision);
  }
  const approvedBy = request.approvers.filter((a) => decisions.get(a) === "approved");
  const cancelledBy = request.approvers.filter((a) => decisions.get(a) === "cancelled");
  const expired = now.getTime() >= request.expiresAt.getTime();
  const granted = !expired && cancelledBy.length === 0 && approvedBy.length >= request.required;

  let missing = "";
  if (cancelledBy.length > 0) {
    missing = `request ${request.id} was cancelled by ${cancelledBy.join(", ")}; open a new request to promote ${generation}`;
  } else if (expired) {
    missing = `request ${request.id} expired at ${isoMinutes(request.expiresAt)}; open a new request to promote ${generation}`;
  } else if (!granted) {
    const needed = request.required - approvedBy.length;
    const pending = request.approvers.filter((a) => !decisions.has(a));
    missing =
      `${needed} more approval${needed === 1 ? "" : "s"} needed from ${pending.join(", ")} ` +
      `(expires ${isoMinutes(request.expiresAt)})`;
  }
  return { request, approvedBy, cancelledBy, expired, ignored, granted, missing };
}

/**
 * How many approvals a request needs, said the same way wherever a count is shown (the request opened, the list of
 * requests): `1 approval needed from 2 approvers`, with `, 0 given` once decisions are counted.
 */
export function approvalsNeeded(required: number, approvers: number, given?: number): string {
  const counted = given === undefined ? "" : `, ${given} given`;
  return `${required} approval${required === 1 ? "" : "s"} needed from ${approvers} approver${approvers === 1 ? "" : "s"}${counted}`;
}

/**
 * Keys of every approval tag that is not the given request's own: decisions on (and the `seen` record of) any other
 * request, well-formed or not, and the request tags of earlier versions. Opening a request removes them, so nothing
 * of an earlier request is left to count or to take RDS's 50-tag budget.
 */
export function staleApprovalTagKeys(tags: Readonly<Record<string, string>>, keep: string): string[] {
  return Object.keys(tags).filter((key) => {
    if (key.startsWith(REQUEST_TAG_PREFIX)) return true;
    if (key.startsWith(SEEN_TAG_PREFIX)) return key !== `${SEEN_TAG_PREFIX}${keep}`;
    return key.startsWith(APPROVAL_TAG_PREFIX) && requestIdOfKey(key) !== keep;
  });
}
