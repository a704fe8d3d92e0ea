/** `rds-echo policy <echo> [--role driver|source|signer]`: the IAM policy document of one role, filled in for the echo. */
import type { CommandModule } from "yargs";
import { UsageError } from "../../errors.js";
import { POLICY_ROLES, type PolicyRole } from "../../iam/roles.js";
import { contextFrom, type GlobalArgs } from "../context.js";
import type { PolicyRequest } from "../handlers/policy.js";
import { run } from "../run.js";

interface PolicyArgs extends GlobalArgs {
  echo: string;
  role: PolicyRole;
  account?: string;
  zoneId?: string;
  kmsKey?: string[];
}

export const policyCommand: CommandModule<GlobalArgs, PolicyArgs> = {
  command: "policy <echo>",
  describe: "Print the IAM policy of the driver (or --role source|signer), filled in for the echo from its definition",
  builder: (y) =>
    y
      .positional("echo", { type: "string", demandOption: true, describe: "echo name (stacks/<echo>.yaml)" })
      .option("role", { choices: POLICY_ROLES, default: "driver" as PolicyRole, describe: "whose policy: rds-echo's (driver), the source account's role, the link signer" })
      .option("account", { type: "string", describe: "the echo's 12-digit AWS account (default: asked of STS GetCallerIdentity)" })
      .option("zone-id", { type: "string", describe: "the CNAME's hosted zone id, when the definition has only promote.zoneName (default: found in Route 53)" })
      .option("kms-key", { type: "string", array: true, describe: "a customer-managed KMS key ARN the source's snapshots are encrypted under (repeatable)" })
      .example("$0 policy development --account 123456789012 > driver.json", "the driver's policy, no AWS call")
      .example("$0 policy development --role signer", "the link signer's policy (account from STS)"),
  handler: (args) =>
    run(args, async () => {
      const request = policyRequest(args);
      const { printPolicy } = await import("../handlers/policy.js");
      return printPolicy(contextFrom(args), request);
    }),
};

const ACCOUNT = /^\d{12}$/;
const ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The flags as one checked request: a malformed value is refused (exit 2) before the definition or AWS is read. */
function policyRequest(args: PolicyArgs): PolicyRequest {
  if (args.account !== undefined && !ACCOUNT.test(args.account)) throw new UsageError(`--account "${args.account}" must be a 12-digit AWS account id`);
  if (args.zoneId !== undefined && !ZONE_ID.test(args.zoneId)) throw new UsageError(`--zone-id "${args.zoneId}" must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ`);
  for (const key of args.kmsKey ?? []) {
    if (!KMS_KEY_ARN.test(key)) throw new UsageError(`--kms-key "${key}" must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`);
  }
  return {
    echo: args.echo,
    role: args.role,
    ...(args.account !== undefined ? { account: args.account } : {}),
    ...(args.zoneId !== undefined ? { zoneId: args.zoneId } : {}),
    kmsKeys: args.kmsKey ?? [],
  };
}
