import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { awsClient, type AwsClientOptions } from "./aws-client.js";

export { awsClient, type AwsClientOptions } from "./aws-client.js";

/** The RDS client for the echo's region. */
export function createRdsClient(options: AwsClientOptions): RDSClient {
  return awsClient((config) => new RDSClient(config), options);
}

/** Route 53 is a global service served from us-east-1, whatever the echo's region. */
export function createRoute53Client(options: AwsClientOptions): Route53Client {
  return awsClient((config) => new Route53Client(config), { ...options, clientRegion: "us-east-1" });
}
