/**
 * Promotion approval requests and the decisions on them, all stored as tags on the generation's own DB instance, so
 * approval needs no service, table or queue: a signed link sets one `echo:approval:<requestId>:<approver>` tag, and
 * rds-echo reads the instance's tags before it promotes. Pure: no AWS, no clock, no randomness of its own.
 *
 * RDS tag rules shape the encoding: keys are at most 128 characters, values at most 256, and both may contain only
 * letters, digits, white space and `_ . : / = + - @` — so no JSON, no `;`, no `,` in anything stored here.
 */
import { UsageError } from "../errors.js";

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

/** One decision tag, parsed. */
export interface ApprovalTag {
  requestId: string;
  approver: string;
  decision: ApprovalDecision;
}

/** Where approval of one generation stands, as read from that generation's instance tags. */
export interface ApprovalStatus {
  /** The open request: the newest one for this generation; absent when none was opened. */
  request?: ApprovalRequest;
  /** Listed approvers who approved the open request (each once), in the request's approver order. */
  approvedBy: string[];
  /** Listed approvers who cancelled the open request; any one of them blocks it. */
  cancelledBy: string[];
  expired: boolean;
  /** Ids of older requests for this generation; their decisions never count. */
  superseded: string[];
  granted: boolean;
  /** A sentence saying what stands between this generation and promotion; empty when granted. */
  missing: string;
}

/** The RDS Query API version AddTagsToResource is called with (links and the sandbox's endpoint agree on it). */
export const RDS_API_VERSION = "2014-10-31";

/** Tag key prefix of decisions; the link-signing principal may set only keys under it (see policy.ts). */
export const APPROVAL_TAG_PREFIX = "echo:approval:";
/** Tag key prefix of request metadata; written by rds-echo itself, never by a link. */
export const REQUEST_TAG_PREFIX = "echo:request:";
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
const DECISIONS: readonly string[] = ["approved", "cancelled"];

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO 8601 to the second, `2026-11-25T12:30:00Z`: what request tags store (milliseconds would only cost length). */
function isoSeconds(at: Date): string {
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

/** A decision tag, or undefined for any other tag or an unknown value (a hand-set tag never counts by accident). */
export function parseApprovalTag(key: string, value: string): ApprovalTag | undefined {
  if (!key.startsWith(APPROVAL_TAG_PREFIX) || !DECISIONS.includes(value)) return undefined;
  const rest = key.slice(APPROVAL_TAG_PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon <= 0) return undefined;
  const requestId = rest.slice(0, colon);
  const cancelKey = rest.endsWith(CANCEL_SUFFIX);
  const approver = rest.slice(colon + 1, cancelKey ? -CANCEL_SUFFIX.length : undefined).toLowerCase();
  if (!REQUEST_ID.test(requestId) || !APPROVER_EMAIL.test(approver)) return undefined;
  if (cancelKey && value !== "cancelled") return undefined;
  return { requestId, approver, decision: value as ApprovalDecision };
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
 * tag key and value within RDS limits.
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
  const value = requestTagValue(request);
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    throw new UsageError(
      `approval request: ${approvers.length} approvers do not fit in one RDS tag value ` +
        `(${value.length} of ${MAX_TAG_VALUE_LENGTH} characters); name fewer or shorter addresses`,
    );
  }
  if (!TAG_CHARACTERS.test(value)) throw new UsageError(`approval request: "${value}" is not a valid RDS tag value`);
}

/** `gen=<generation> req=<n> at=<iso> exp=<iso> by=<a1>/<a2>`: space and `/` because RDS forbids `;` and `,`. */
function requestTagValue(request: ApprovalRequest): string {
  return [
    `gen=${request.generation}`,
    `req=${request.required}`,
    `at=${isoSeconds(request.createdAt)}`,
    `exp=${isoSeconds(request.expiresAt)}`,
    `by=${request.approvers.join("/")}`,
  ].join(" ");
}

/** The tags that store a request on its generation's instance: `echo:request:<id>` = compact metadata. Validates first. */
export function requestTags(request: ApprovalRequest): Record<string, string> {
  validateRequest(request);
  return { [`${REQUEST_TAG_PREFIX}${request.id}`]: requestTagValue(request) };
}

/** Every well-formed request in the tags, oldest first; malformed or hand-edited ones are skipped, never guessed at. */
export function parseRequests(tags: Readonly<Record<string, string>>): ApprovalRequest[] {
  const requests: ApprovalRequest[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(REQUEST_TAG_PREFIX)) continue;
    const request = parseRequestValue(key.slice(REQUEST_TAG_PREFIX.length), value);
    if (request) requests.push(request);
  }
  return requests.sort(byAge);
}

function parseRequestValue(id: string, value: string): ApprovalRequest | undefined {
  const fields = new Map<string, string>();
  for (const part of value.split(" ")) {
    const eq = part.indexOf("=");
    if (eq <= 0 || fields.has(part.slice(0, eq))) return undefined;
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const gen = fields.get("gen");
  const req = fields.get("req");
  const at = fields.get("at");
  const exp = fields.get("exp");
  const by = fields.get("by");
  if (gen === undefined || req === undefined || at === undefined || exp === undefined || by === undefined) return undefined;
  if (!/^\d+$/.test(req)) return undefined;
  const request: ApprovalRequest = {
    id,
    generation: gen,
    approvers: by.split("/"),
    required: Number(req),
    createdAt: new Date(at),
    expiresAt: new Date(exp),
  };
  if (Number.isNaN(request.createdAt.getTime()) || Number.isNaN(request.expiresAt.getTime())) return undefined;
  try {
    validateRequest(request);
  } catch {
    return undefined;
  }
  return request;
}

/** Oldest first: by creation time, then by id so two requests in the same second still have one order. */
function byAge(a: ApprovalRequest, b: ApprovalRequest): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Whether the generation may be promoted, from the tags of that generation's own instance.
 * The open request is the newest request for this generation; older ones are superseded and their decisions ignored.
 * Only listed approvers count, each once; any cancel blocks; an expired request is never granted; a request for
 * another generation (a tag copied over, say) is never taken for this one.
 */
export function evaluateApproval(tags: Readonly<Record<string, string>>, generation: string, now: Date): ApprovalStatus {
  const requests = parseRequests(tags).filter((r) => r.generation === generation);
  const request = requests.at(-1);
  if (!request) {
    return {
      approvedBy: [],
      cancelledBy: [],
      expired: false,
      superseded: [],
      granted: false,
      missing: `no approval request is open for ${generation}; open one to send approval links`,
    };
  }
  const superseded = requests.slice(0, -1).map((r) => r.id);
  const decisions = new Map<string, ApprovalDecision>();
  for (const [key, value] of Object.entries(tags)) {
    const tag = parseApprovalTag(key, value);
    if (!tag || tag.requestId !== request.id || !request.approvers.includes(tag.approver)) continue;
    // One key per approver and request, so at most one decision each; should case variants collide, cancel wins.
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
  return { request, approvedBy, cancelledBy, expired, superseded, granted, missing };
}

/**
 * Keys of tags that no longer matter for this generation: superseded requests and decisions on them.
 * RDS allows 50 tags per resource, so rds-echo should remove these when it opens a new request.
 */
export function supersededTagKeys(tags: Readonly<Record<string, string>>, generation: string): string[] {
  const { superseded } = evaluateApproval(tags, generation, new Date(0));
  const stale = new Set(superseded);
  return Object.keys(tags).filter((key) => {
    if (key.startsWith(REQUEST_TAG_PREFIX)) return stale.has(key.slice(REQUEST_TAG_PREFIX.length));
    if (!key.startsWith(APPROVAL_TAG_PREFIX)) return false;
    const rest = key.slice(APPROVAL_TAG_PREFIX.length);
    return stale.has(rest.slice(0, rest.indexOf(":")));
  });
}
