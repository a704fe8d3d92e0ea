import type { ApprovalPort, DnsPort, RdsPort } from "../../ports.js";
import { AwsApprovals } from "./approvals.js";
import { createRdsClient, createRoute53Client, type AwsClientOptions } from "./clients.js";
import { AwsRds } from "./rds.js";
import { AwsDns } from "./route53.js";

/**
 * The real RDS, Route 53 and approval ports. Import this module lazily (inside the commands that need AWS) so that
 * `rds-echo --help` never loads the SDK.
 * @param signer where the link-signing principal's keys are read from (the environment).
 */
export function createAwsPorts(options: AwsClientOptions & { signer: NodeJS.ProcessEnv }): { rds: RdsPort; dns: DnsPort; approvals: ApprovalPort } {
  return {
    rds: new AwsRds(createRdsClient(options)),
    dns: new AwsDns(createRoute53Client(options)),
    approvals: new AwsApprovals(options.region, options.signer, options.profile),
  };
}
