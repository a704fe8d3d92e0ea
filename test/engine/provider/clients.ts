/**
 * The AWS SDK clients the stand-in calls moto through. No endpoint code: the SDK reads the standard
 * AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_RDS / _ROUTE_53) from the environment the Pulumi CLI passes to its plugins,
 * exactly as it would reach LocalStack. Region and profile come from the provider configuration, like the real
 * provider's `region` / `profile` settings; with neither, the SDK's own chain (AWS_REGION, AWS_PROFILE) applies.
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import type { ProviderConfig } from "./config.js";

export interface AwsClients {
  readonly rds: RDSClient;
  readonly route53: Route53Client;
}

export function clientsFor(config: ProviderConfig): AwsClients {
  const common = {
    ...(config.region ? { region: config.region } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    // The real provider retries throttling up to max_retries (25); the SDK's adaptive mode is the nearest kind.
    retryMode: "adaptive",
    maxAttempts: 10,
  };
  // Route 53 is a global service: the real provider signs its calls for us-east-1 whatever the configured region.
  return { rds: new RDSClient(common), route53: new Route53Client({ ...common, region: "us-east-1" }) };
}
