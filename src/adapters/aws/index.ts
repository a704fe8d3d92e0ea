import type { DnsPort, RdsPort } from "../../ports.js";
import { createRdsClient, createRoute53Client, type AwsClientOptions } from "./clients.js";
import { AwsRds } from "./rds.js";
import { AwsDns } from "./route53.js";

/**
 * The real RDS and Route 53 ports. Import this module lazily (inside the commands that need AWS) so that
 * `rds-echo --help` never loads the SDK.
 */
export function createAwsPorts(options: AwsClientOptions): { rds: RdsPort; dns: DnsPort } {
  return { rds: new AwsRds(createRdsClient(options)), dns: new AwsDns(createRoute53Client(options)) };
}
