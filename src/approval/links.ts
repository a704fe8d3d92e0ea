/**
 * Approval links: SigV4 query-string presigned GET requests to the RDS Query API that set one approval tag on the
 * generation's instance. Clicking one is the approval — no service of ours runs; AWS checks the signature, the expiry
 * and the signing principal's IAM policy (policy.ts), and RDS stores the tag rds-echo reads before promoting.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { UsageError } from "../errors.js";
import { decisionValue } from "./proof.js";
import { type ApprovalDecision, type ApprovalRequest, approvalTagKey, MAX_REQUEST_SECONDS, RDS_API_VERSION } from "./requests.js";

export { RDS_API_VERSION } from "./requests.js";

/** Static credentials of the dedicated link-signing principal (see policy.ts); never the operator's own. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignApprovalLinkInput {
  region: string;
  /** `arn:aws:rds:<region>:<account>:db:<generation>`, or `…:cluster:<generation>` for a cluster echo. */
  instanceArn: string;
  requestId: string;
  approver: string;
  decision: ApprovalDecision;
  /** The tag value the link sets: the decision with its proof (proof.ts `decisionValue`). */
  value: string;
  /** 1..604800 (7 days, the SigV4 maximum). */
  expiresInSeconds: number;
  credentials: SigningCredentials;
  now: Date;
  /** Defaults to `https://rds.<region>.amazonaws.com`; a simulated endpoint in tests. Its path is ignored. */
  endpoint?: string;
}

/** RFC 3986 encoding for the URL (kept apart from verify.ts, which must share nothing with the signing side). */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A generation's DB instance, or (a cluster echo) its Aurora cluster: approval tags go on what the echo promotes. */
const RESOURCE_ARN = /^arn:aws[a-z-]*:rds:(?<region>[a-z0-9-]+):\d{12}:(db|cluster):[a-z][a-z0-9-]*$/;

/** The query parameters of AddTagsToResource setting one approval tag, before signing. */
export function approvalQuery(instanceArn: string, requestId: string, approver: string, decision: ApprovalDecision, value: string): Record<string, string> {
  return {
    Action: "AddTagsToResource",
    Version: RDS_API_VERSION,
    ResourceName: instanceArn,
    "Tags.Tag.1.Key": approvalTagKey(requestId, approver, decision),
    // The value is signed with the rest: whoever holds the link can set this one tag to this one value, nothing else.
    "Tags.Tag.1.Value": value,
  };
}

/** A presigned URL that, when opened, sets `echo:approval:<requestId>:<approver>` = the decision's proof on the instance. */
export async function presignApprovalLink(input: PresignApprovalLinkInput): Promise<string> {
  const arn = RESOURCE_ARN.exec(input.instanceArn);
  if (!arn) throw new UsageError(`"${input.instanceArn}" is not an RDS DB instance or cluster ARN (arn:aws:rds:<region>:<account>:db:<name> or …:cluster:<name>)`);
  if (arn.groups?.["region"] !== input.region) {
    throw new UsageError(`instance ${input.instanceArn} is not in ${input.region}; links must be signed for the instance's region`);
  }
  const expiresIn = input.expiresInSeconds;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_REQUEST_SECONDS) {
    throw new UsageError(`approval links expire after 1..${MAX_REQUEST_SECONDS} seconds (7 days); got ${expiresIn}`);
  }
  const endpoint = new URL(input.endpoint ?? `https://rds.${input.region}.amazonaws.com`);
  if (!input.value.startsWith(`${input.decision}.`)) throw new Error(`presignApprovalLink: the value must be the ${input.decision} proof`);
  const query = approvalQuery(input.instanceArn, input.requestId, input.approver, input.decision, input.value);
  const request = new HttpRequest({
    method: "GET",
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: "/",
    query,
    // The Host header as a browser sends it (with a non-default port), the only header signed.
    headers: { host: endpoint.host },
  });
  const signer = new SignatureV4({ service: "rds", region: input.region, credentials: input.credentials, sha256: Sha256 });
  const signed = await signer.presign(request, { expiresIn, signingDate: input.now });
  const search = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (v === null || v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((one) => `${encode(k)}=${encode(one)}`)))
    .join("&");
  return `${endpoint.protocol}//${endpoint.host}/?${search}`;
}

/** The two links one approver receives. */
export interface ApproverLinks {
  approver: string;
  approve: string;
  cancel: string;
}

/**
 * Approve and cancel links for every approver of a request, valid until the request expires (never longer, so a
 * link cannot outlive its request), each setting its decision's proof under `decisionKey`. Throws a `UsageError`
 * when the request has already expired.
 */
export async function approvalLinks(
  request: ApprovalRequest,
  options: { region: string; instanceArn: string; credentials: SigningCredentials; decisionKey: string; now: Date; endpoint?: string },
): Promise<ApproverLinks[]> {
  const expiresInSeconds = Math.floor((request.expiresAt.getTime() - options.now.getTime()) / 1000);
  if (expiresInSeconds < 1) throw new UsageError(`approval request ${request.id} has expired; open a new one`);
  const { decisionKey, ...signing } = options;
  const link = (approver: string, decision: ApprovalDecision) =>
    presignApprovalLink({
      ...signing,
      requestId: request.id,
      approver,
      decision,
      value: decisionValue(decisionKey, request.generation, request.id, approver, decision),
      expiresInSeconds: Math.min(expiresInSeconds, MAX_REQUEST_SECONDS),
    });
  return Promise.all(
    request.approvers.map(async (approver) => ({ approver, approve: await link(approver, "approved"), cancel: await link(approver, "cancelled") })),
  );
}
