import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";

/** Where and as whom the adapter talks to AWS. */
export interface AwsClientOptions {
  readonly region: string;
  /** A named profile from the shared config/credentials files; the default chain when absent. */
  readonly profile?: string;
}

/**
 * Adaptive retries: the SDK backs off and rate-limits itself on throttling, so a burst of describes during a long
 * restore slows down instead of failing. Only what survives every attempt reaches us (as ThrottledError).
 */
export const RETRY = { retryMode: "adaptive", maxAttempts: 8 } as const;

/** The RDS client for the echo's region. */
export function createRdsClient(options: AwsClientOptions): RDSClient {
  return new RDSClient({ region: options.region, ...profileOf(options), ...RETRY });
}

/** Route 53 is a global service served from us-east-1, whatever the echo's region. */
export function createRoute53Client(options: AwsClientOptions): Route53Client {
  return new Route53Client({ region: "us-east-1", ...profileOf(options), ...RETRY });
}

// The clients' own `profile` option: no dependency on @aws-sdk/credential-providers (fromIni) is needed.
function profileOf(options: AwsClientOptions): { profile?: string } {
  return options.profile === undefined ? {} : { profile: options.profile };
}
