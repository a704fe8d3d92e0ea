/**
 * Verification of SigV4 query-string presigned GET URLs, written from the AWS specification with node:crypto only.
 * It deliberately shares no code with @smithy/signature-v4: tests use it to prove that the approval links are signed
 * the way AWS checks them, and a simulated RDS endpoint uses it to accept or refuse a click as AWS would.
 *
 * Scope: what approval links use — GET, `X-Amz-SignedHeaders=host`, no body (RDS, like every service but S3, hashes the
 * empty payload: e3b0c442…b855).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The credentials a verifier knows: secret access key by access key id. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

export interface VerifyOptions {
  credentials: SecretLookup;
  now: Date;
  region: string;
  service: string;
}

export type VerifyResult = { ok: true; params: URLSearchParams } | { ok: false; reason: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
/** Hex SHA-256 of the empty string: the payload hash of a bodiless request outside S3. */
export const EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** Presigned URLs are valid for at most 7 days. */
const MAX_EXPIRES = 604800;
/** Clock skew allowed for a link dated in the future. */
const MAX_SKEW_MS = 5 * 60 * 1000;
const REQUIRED = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"];

/** RFC 3986 percent-encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~`, upper-case hex. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Canonical query string: pairs encoded, then sorted by encoded name and value, joined with `&`. */
export function canonicalQueryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** The SigV4 signing key: HMAC chain over date, region, service and `aws4_request`, keyed by `AWS4<secret>`. */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac("sha256", `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac("sha256", kDate).update(region).digest();
  const kService = createHmac("sha256", kRegion).update(service).digest();
  return createHmac("sha256", kService).update("aws4_request").digest();
}

/** Hex signature of a canonical request: string to sign = algorithm, amz date, scope, hex SHA-256 of the request. */
export function signCanonicalRequest(
  canonicalRequest: string,
  { secret, amzDate, region, service }: { secret: string; amzDate: string; region: string; service: string },
): string {
  const date = amzDate.slice(0, 8);
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${date}/${region}/${service}/aws4_request`,
    createHash("sha256").update(canonicalRequest, "utf8").digest("hex"),
  ].join("\n");
  return createHmac("sha256", deriveSigningKey(secret, date, region, service)).update(stringToSign, "utf8").digest("hex");
}

/** The raw query, decoded pair by pair without treating `+` as a space (SigV4 signs the decoded values). */
function queryPairs(search: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = [];
  const raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw === "") return pairs;
  try {
    for (const part of raw.split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const k = eq < 0 ? part : part.slice(0, eq);
      const v = eq < 0 ? "" : part.slice(eq + 1);
      pairs.push([decodeURIComponent(k), decodeURIComponent(v)]);
    }
  } catch {
    return undefined;
  }
  return pairs;
}

/** Canonical URI outside S3: each path segment URI-encoded (again) as it appears on the wire. */
function canonicalPath(pathname: string): string {
  return pathname === "" ? "/" : pathname.split("/").map(rfc3986).join("/");
}

/** `20261125T123000Z` as a Date, or undefined. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z" !== value ? undefined : date;
}

/**
 * Checks a presigned URL as AWS would: the parameters, the credential scope (region, service), the key, the signature
 * (constant-time comparison), then the validity window. Returns all query parameters when it holds, else one reason.
 */
export function verifyPresignedUrl(url: string, options: VerifyOptions): VerifyResult {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  const pairs = queryPairs(parsed.search);
  if (!pairs) return { ok: false, reason: "malformed query string" };
  const params = new URLSearchParams();
  for (const [k, v] of pairs) params.append(k, v);

  for (const name of REQUIRED) {
    const values = params.getAll(name);
    if (values.length === 0) return { ok: false, reason: `missing ${name} parameter` };
    if (values.length > 1) return { ok: false, reason: `${name} given more than once` };
  }
  const get = (name: string) => params.get(name) ?? "";
  if (get("X-Amz-Algorithm") !== ALGORITHM) return { ok: false, reason: `unsupported algorithm ${get("X-Amz-Algorithm")}` };

  const scope = get("X-Amz-Credential").split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") return { ok: false, reason: "malformed X-Amz-Credential parameter" };
  const [accessKeyId, scopeDate, region, service] = scope as [string, string, string, string, string];
  if (region !== options.region || service !== options.service) {
    return { ok: false, reason: `link signed for another region/service (${region}/${service}, expected ${options.region}/${options.service})` };
  }
  const amzDate = get("X-Amz-Date");
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return { ok: false, reason: "malformed X-Amz-Date parameter" };
  if (scopeDate !== amzDate.slice(0, 8)) return { ok: false, reason: "X-Amz-Credential date does not match X-Amz-Date" };
  const expiresText = get("X-Amz-Expires");
  const expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!(expires >= 1 && expires <= MAX_EXPIRES)) return { ok: false, reason: `X-Amz-Expires must be 1..${MAX_EXPIRES} seconds` };
  if (get("X-Amz-SignedHeaders") !== "host") return { ok: false, reason: "only X-Amz-SignedHeaders=host is supported" };

  const secret = options.credentials(accessKeyId);
  if (secret === undefined) return { ok: false, reason: "unknown access key" };

  const canonicalRequest = [
    "GET",
    canonicalPath(parsed.pathname),
    canonicalQueryString(pairs.filter(([k]) => k !== "X-Amz-Signature")),
    `host:${parsed.host}\n`,
    "host",
    EMPTY_PAYLOAD_SHA256,
  ].join("\n");
  const expected = Buffer.from(signCanonicalRequest(canonicalRequest, { secret, amzDate, region, service }), "hex");
  const givenHex = get("X-Amz-Signature");
  const given = /^[0-9a-f]{64}$/.test(givenHex) ? Buffer.from(givenHex, "hex") : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature does not match" };

  if (signedAt.getTime() - options.now.getTime() > MAX_SKEW_MS) {
    return { ok: false, reason: `link dated in the future (${signedAt.toISOString()})` };
  }
  const expiresAt = new Date(signedAt.getTime() + expires * 1000);
  if (options.now.getTime() > expiresAt.getTime()) return { ok: false, reason: `link expired at ${expiresAt.toISOString()}` };
  return { ok: true, params };
}
