/**
 * The sandbox's RDS Query API on loopback: it accepts the same SigV4-presigned `GET ?Action=AddTagsToResource…`
 * that a clicked approval link sends to RDS, checks signature and expiry against the simulated signer's keys and
 * clock, enforces what the signer's IAM policy allows (only `echo:approval:*` keys on instances rds-echo manages),
 * applies the tag, and answers with RDS's XML.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { APPROVAL_TAG_PREFIX, RDS_API_VERSION } from "../../approval/requests.js";
import { verifyPresignedUrl } from "../../approval/verify.js";
import { TAG_MANAGED } from "../../program/tags.js";
import type { SimWorld } from "./world.js";

const XMLNS = `http://rds.amazonaws.com/doc/${RDS_API_VERSION}/`;

export interface EndpointReply {
  readonly status: number;
  readonly body: string;
}

/**
 * Handles one request URL against the world (no I/O, so tests can call it directly too).
 * @param world read at call time: the simulated clock decides expiry.
 */
export function handleQuery(world: SimWorld, url: string): EndpointReply {
  const verified = verifyPresignedUrl(url, {
    credentials: (id) => (id === world.approval.accessKeyId ? world.approval.secretAccessKey : undefined),
    now: new Date(world.now),
    region: world.region,
    service: "rds",
  });
  if (!verified.ok) {
    const code = /expired/.test(verified.reason) ? "ExpiredToken" : /unknown access key/.test(verified.reason) ? "InvalidClientTokenId" : "SignatureDoesNotMatch";
    return error(403, code, verified.reason);
  }
  const params = verified.params;
  if (params.get("Action") !== "AddTagsToResource" || params.get("Version") !== RDS_API_VERSION) {
    return error(403, "AccessDenied", `the link signer may only call AddTagsToResource (version ${RDS_API_VERSION})`);
  }
  const arn = params.get("ResourceName") ?? "";
  // A generation's instance, or a cluster echo's cluster.
  const instance = Object.values(world.rds.instances).find((i) => i.arn === arn) ?? Object.values(world.rds.clusters ?? {}).find((c) => c.arn === arn);
  if (!instance) return error(404, "DBInstanceNotFound", `DBInstance ${arn} not found.`);
  const tags: Record<string, string> = {};
  for (let n = 1; params.has(`Tags.Tag.${n}.Key`); n++) tags[params.get(`Tags.Tag.${n}.Key`)!] = params.get(`Tags.Tag.${n}.Value`) ?? "";
  // What the signer's policy allows (policy/approval-signer-policy.json): approval keys, on managed instances only.
  if (Object.keys(tags).length === 0 || Object.keys(tags).some((k) => !k.startsWith(APPROVAL_TAG_PREFIX)) || !instance.tags[TAG_MANAGED]) {
    return error(403, "AccessDenied", "User is not authorized to perform: rds:AddTagsToResource with these tags on this resource");
  }
  instance.tags = { ...instance.tags, ...tags };
  return {
    status: 200,
    body: `<AddTagsToResourceResponse xmlns="${XMLNS}">\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</AddTagsToResourceResponse>\n`,
  };
}

function error(status: number, code: string, message: string): EndpointReply {
  const escaped = message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return {
    status,
    body: `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${escaped}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

export interface RdsEndpointOptions {
  /**
   * Runs one request's work on the world. The CLI's reads the file afresh (to see other processes' changes), under
   * the world's lock, and saves what the work changed (world-file.ts, update).
   */
  readonly withWorld: <T>(work: (world: SimWorld) => T) => Promise<T>;
  readonly port: number;
  /** Loopback only: the sandbox never listens on another address. */
  readonly host?: "127.0.0.1" | "::1";
}

/** Starts the endpoint; resolves with its base URL once listening. */
export async function startRdsEndpoint(options: RdsEndpointOptions): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== "GET") return reply(res, error(405, "InvalidAction", "only the presigned GET form is served"));
        reply(res, await options.withWorld((world) => handleQuery(world, `http://${req.headers.host ?? host}${req.url ?? "/"}`)));
      } catch (e) {
        reply(res, error(500, "InternalFailure", (e as Error).message));
      }
    })();
  });
  // A port in use (or any listen failure) rejects here, for the caller to explain, instead of an unhandled 'error'.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  // Stopping ends every connection too: a client that keeps one alive (fetch pools them) would otherwise go on being
  // answered by a server that was told to stop, and keep the process alive.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: `http://${host}:${port}`, server, close };
}

function reply(res: import("node:http").ServerResponse, answer: EndpointReply): void {
  res.writeHead(answer.status, { "content-type": "text/xml" });
  res.end(answer.body);
}
