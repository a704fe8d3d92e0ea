import type { ApprovalPort, DnsPort, RdsPort, SnapshotPort } from "../../ports.js";
import { AwsApprovals } from "./approvals.js";
import { createRdsClient, createRoute53Client } from "./clients.js";
import { AwsSnapshots } from "./snapshots.js";
import { createSourceRdsClient, createStsClient, type SourceClientOptions } from "./source-clients.js";
import { AwsRds } from "./rds.js";
import { AwsDns } from "./route53.js";

/**
 * The real RDS, Route 53 and approval ports. Import this module lazily (inside the commands that need AWS) so that
 * `rds-echo --help` never loads the SDK.
 * @param signer where the link-signing principal's keys are read from (the environment).
 */
export function createAwsPorts(options: SourceClientOptions & { signer: NodeJS.ProcessEnv }): { rds: RdsPort; dns: DnsPort; approvals: ApprovalPort; snapshots: SnapshotPort } {
  const rds = createRdsClient(options);
  return {
    rds: new AwsRds(rds),
    snapshots: new AwsSnapshots(rds, createSourceRdsClient(options, rds), createStsClient(options)),
    dns: new AwsDns(createRoute53Client(options)),
    approvals: new AwsApprovals(options.region, options.signer, options.profile, undefined, options.calls),
  };
}
