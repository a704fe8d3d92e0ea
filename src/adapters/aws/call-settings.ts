/**
 * How long one AWS call may take, for every client rds-echo makes: the SDK's own request handler (NodeHttpHandler's
 * connectionTimeout, requestTimeout with throwOnRequestTimeout, socketTimeout) and its own retry strategy (adaptive,
 * bounded attempts). Pure: the settings are chosen (and overridden from the environment) at the CLI edge.
 */

export interface AwsCallSettings {
  /** The TCP (and TLS) connect of one attempt. */
  readonly connectTimeoutMs: number;
  /** One attempt from the request's start to its response; also the longest a socket may sit idle mid-body. */
  readonly requestTimeoutMs: number;
  /** Attempts in all (the first plus the retries) of a call that fails with a retryable error. */
  readonly maxAttempts: number;
}

/**
 * A black-hole endpoint (accepts, never answers) ends a call within worstCaseMs(DEFAULT) = 47 s. Every RDS, STS,
 * SES or SNS call rds-echo makes is a small control-plane request that AWS answers in well under a second; the long
 * work (a restore) is polled, not held open. Four attempts with the adaptive mode's backoff ride out a throttling
 * burst; what survives them is a ThrottledError, which the status polls of a long wait back off from and retry.
 */
export const DEFAULT_AWS_CALL_SETTINGS: AwsCallSettings = { connectTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 4 };

/** The stated bound on one call: no default may exceed it (a unit test holds the defaults to it). */
export const AWS_CALL_BOUND_MS = 60_000;

/** The SDK's longest delay before retry i (0-based) of a throttled call: min(1 s × 2^i, 20 s) (@smithy/core retry). */
function longestBackoffMs(retry: number): number {
  return Math.min(1_000 * 2 ** retry, 20_000);
}

/**
 * The longest one call can take with these settings when every attempt hangs: each attempt ends at requestTimeoutMs
 * (the connect is part of it), plus the longest backoff before each retry (the throttling base, the larger one).
 */
export function worstCaseMs(settings: AwsCallSettings): number {
  let total = settings.maxAttempts * settings.requestTimeoutMs;
  for (let retry = 0; retry < settings.maxAttempts - 1; retry++) total += longestBackoffMs(retry);
  return total;
}

/** What every client's constructor takes: the handler's options (the client builds its NodeHttpHandler) and retries. */
export function clientCallConfig(settings: AwsCallSettings = DEFAULT_AWS_CALL_SETTINGS) {
  return {
    requestHandler: {
      connectionTimeout: settings.connectTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // Without it a request past requestTimeout only logs a warning (the handler's documented opt-in).
      throwOnRequestTimeout: true,
      // A response whose body stalls: the request timer stops at the headers, the socket's idle timer does not.
      socketTimeout: settings.requestTimeoutMs,
    },
    retryMode: "adaptive",
    maxAttempts: settings.maxAttempts,
  } as const;
}
