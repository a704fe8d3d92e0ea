/**
 * What a failed AWS call was: the service, the operation, the endpoint it went to and where that endpoint came from.
 * A middleware on every client (outside the SDK's retries, so it sees the last attempt's failure) turns a failure
 * that carries no AWS answer (refused, timed out, unresolvable, or an answer no AWS service sends: UnknownError)
 * into an AwsUnreachableError that says all of that. AWS's own answers (AccessDenied, throttling, not found) pass
 * untouched to mapAwsError, which the adapters branch on.
 */
import type { AwsCallSettings } from "./call-settings.js";

/** Node's codes for a connection that failed or broke (the SDK's own transient lists, plus the DNS ones). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** The names the SDK gives an error reply that names no AWS error code (its default error's name, by protocol). */
const UNKNOWN_NAMES = new Set(["UnknownError", "Unknown"]);

/** A call that got no usable answer from its endpoint, in words: what, where, from where, how long it was given. */
export class AwsUnreachableError extends Error {
  override readonly name = "AwsUnreachableError";
  constructor(
    readonly call: CallFacts,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface CallFacts {
  readonly service: string;
  readonly operation: string;
  readonly endpoint: string;
  readonly origin: string;
}

/**
 * Where the SDK takes a service's endpoint from, in its own order (@smithy/core endpoints, getEndpointFromConfig):
 * AWS_ENDPOINT_URL_<SERVICE ID>, then AWS_ENDPOINT_URL, then the profile's endpoint_url in the shared config file
 * (its `services` section first), else the service's default for the region. The config file is never read here:
 * an endpoint that is neither variable's nor AWS's own can only have come from it.
 */
export function endpointOrigin(serviceId: string, endpoint: string | undefined, env: NodeJS.ProcessEnv, profile?: string): string {
  const ignore = (env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] ?? "").toLowerCase() === "true";
  const specific = `AWS_ENDPOINT_URL_${serviceId.split(" ").map((w) => w.toUpperCase()).join("_")}`;
  if (!ignore && env[specific]) return specific;
  if (!ignore && env["AWS_ENDPOINT_URL"]) return "AWS_ENDPOINT_URL";
  if (endpoint === undefined || isAwsOwn(endpoint)) return `the default endpoint of ${serviceId}`;
  const name = profile ?? env["AWS_PROFILE"] ?? "default";
  return `endpoint_url of the profile "${name}" in ${env["AWS_CONFIG_FILE"] ?? "~/.aws/config"}`;
}

function isAwsOwn(endpoint: string): boolean {
  try {
    return /(^|\.)(amazonaws\.com(\.cn)?|api\.aws)$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The error to throw for a failed call: an AwsUnreachableError when no AWS answer came, else the error itself. */
export function describeFailure(error: unknown, facts: CallFacts, settings: AwsCallSettings): unknown {
  if (!(error instanceof Error)) return error;
  const what = failureKind(error, settings);
  if (what === undefined) return error;
  const attempts = numberIn(Reflect.get(error, "$metadata"), "attempts");
  const tries = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
  return new AwsUnreachableError(
    facts,
    `${facts.service} ${facts.operation} at ${facts.endpoint} (endpoint from ${facts.origin}): ${what}${tries} ` +
      `(connect timeout ${seconds(settings.connectTimeoutMs)}, request timeout ${seconds(settings.requestTimeoutMs)}, ` +
      `${settings.maxAttempts} attempts: RDS_ECHO_AWS_CONNECT_TIMEOUT, RDS_ECHO_AWS_REQUEST_TIMEOUT, RDS_ECHO_AWS_MAX_ATTEMPTS)`,
    { cause: error },
  );
}

function failureKind(error: Error, settings: AwsCallSettings): string | undefined {
  const code = Reflect.get(error, "code");
  if (error.name === "TimeoutError") {
    return /establish a connection/.test(error.message) ? `no connection within ${seconds(settings.connectTimeoutMs)}` : `no answer within ${seconds(settings.requestTimeoutMs)}`;
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) return `${NETWORK_WORDS[code] ?? "the connection failed"} (${code})`;
  // A reply the SDK could not read at all is a plain Error that carries the raw response (its $response).
  if (UNKNOWN_NAMES.has(error.name) || (error.name === "Error" && Reflect.has(error, "$response"))) {
    const status = numberIn(Reflect.get(error, "$metadata"), "httpStatusCode");
    const said = error.message.split("\n")[0] ?? "";
    return `it answered${status === undefined ? "" : ` HTTP ${status}`} with no error AWS would send (${error.name}${said && said !== error.name ? `: ${said}` : ""})`;
  }
  return undefined;
}

const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved now",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out",
};

function numberIn(value: unknown, key: string): number | undefined {
  const found: unknown = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  return typeof found === "number" ? found : undefined;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The part of an SDK v3 client this module needs (every client has it). */
interface ContextClient {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; endpointV2?: { url: URL } }) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize"; name: string; override?: boolean },
    ): void;
  };
  readonly config: { readonly serviceId?: string };
}

/**
 * Adds the middleware to a client and returns it. `env` is the environment the SDK resolved the endpoint from
 * (this process's); `profile` the profile the client was made with, if any.
 */
export function withCallContext<C>(client: C, settings: AwsCallSettings, env: NodeJS.ProcessEnv, profile?: string): C {
  const target = client as C & ContextClient;
  const service = target.config.serviceId ?? "AWS";
  target.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const endpoint = context.endpointV2?.url.href.replace(/\/$/, "");
        const facts = { service, operation: context.commandName?.replace(/Command$/, "") ?? "call", endpoint: endpoint ?? "(no endpoint resolved)", origin: endpointOrigin(service, endpoint, env, profile) };
        throw describeFailure(error, facts, settings);
      }
    },
    { step: "initialize", name: "rdsEchoCallContext", override: true },
  );
  return client;
}
