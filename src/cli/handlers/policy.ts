/**
 * `rds-echo policy`: reads the role's file from policy/ (shipped with the package), fills it in for the echo and
 * prints it. What the definition cannot tell is asked of AWS only when the document needs it and no flag gave it:
 * the account (STS GetCallerIdentity, which needs no permission) and a hosted zone named only by name (Route 53).
 * Each value's origin is said on stderr, so stdout is the document alone (`> policy.json`).
 */
import { readFile } from "node:fs/promises";
import { loadDefinition } from "../../definition/load.js";
import { UsageError } from "../../errors.js";
import { isClusterEcho, type EchoDefinition } from "../../definition/schema.js";
import type { PolicyDocument } from "../../approval/policy.js";
import { placeholderValues, unusedStatements, type CallerFacts } from "../../iam/placeholders.js";
import { placeholdersOf, renderPolicy } from "../../iam/render.js";
import { POLICY_FILES, type PolicyRole } from "../../iam/roles.js";
import type { CommandContext } from "../context.js";

/** What the command module hands over: the flags, checked once there. */
export interface PolicyRequest {
  readonly echo: string;
  readonly role: PolicyRole;
  readonly account?: string;
  readonly zoneId?: string;
  readonly kmsKeys: readonly string[];
}

/** policy/ of the installed package: src/cli/handlers and dist/cli/handlers are both three levels below it. */
const POLICY_DIR = new URL("../../../policy/", import.meta.url);

export async function readPolicyFile(role: PolicyRole): Promise<PolicyDocument> {
  return JSON.parse(await readFile(new URL(POLICY_FILES[role], POLICY_DIR), "utf8")) as PolicyDocument;
}

export async function printPolicy({ root, reporter }: CommandContext, request: PolicyRequest): Promise<number> {
  const definition = await loadDefinition(root, request.echo);
  if (request.role === "source" && (isClusterEcho(definition) || !definition.source.assumeRole)) {
    throw new UsageError(
      `${request.echo} assumes no role in a source account (source.assumeRole), so policy/${POLICY_FILES.source} does not apply to it; ` +
        "its snapshots are read with the driver's own rights (`rds-echo policy " + request.echo + "`)",
    );
  }
  const file = await readPolicyFile(request.role);
  const needed = new Set(placeholdersOf(file));
  const origins: string[] = [];
  const account = needed.has("Account") ? await accountOf(definition, request, origins) : undefined;
  const zoneId = needed.has("ZoneId") ? await zoneOf(definition, request, origins) : undefined;
  const facts: CallerFacts = { account, zoneId, kmsKeys: request.kmsKeys };
  const rendered = renderPolicy(file, placeholderValues(definition, facts), request.role === "driver" ? unusedStatements(definition) : {});

  for (const line of origins) reporter.note(line);
  for (const d of rendered.dropped) reporter.note(`left out ${d.sid}: ${d.reason}`);
  if (needed.has("KmsKeyArn") && request.kmsKeys.length === 0) {
    reporter.note("no --kms-key: no KMS permission for the source's snapshots' keys (none is needed under the AWS-managed aws/rds key)");
  }
  reporter.text(JSON.stringify(rendered.document, null, 2));
  reporter.data({ echo: request.echo, role: request.role, file: `policy/${POLICY_FILES[request.role]}`, origins, dropped: rendered.dropped, document: rendered.document });
  return 0;
}

async function accountOf(definition: EchoDefinition, request: PolicyRequest, origins: string[]): Promise<string> {
  if (request.account !== undefined) {
    origins.push(`account ${request.account} from --account`);
    return request.account;
  }
  const { createStsClient } = await import("../../adapters/aws/source-clients.js");
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = createStsClient({ region: definition.region, ...(definition.profile !== undefined ? { profile: definition.profile } : {}), calls: await callSettings() });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  if (!out.Account) throw new Error("STS GetCallerIdentity returned no account");
  origins.push(`account ${out.Account} from STS GetCallerIdentity (the credentials rds-echo runs with; --account skips the call)`);
  return out.Account;
}

async function zoneOf(definition: EchoDefinition, request: PolicyRequest, origins: string[]): Promise<string | undefined> {
  const promote = definition.promote;
  if (!promote?.cname) return undefined;
  if (promote.zoneId !== undefined) return promote.zoneId;
  if (request.zoneId !== undefined) {
    origins.push(`hosted zone ${request.zoneId} from --zone-id`);
    return request.zoneId;
  }
  const [{ createRoute53Client }, { AwsDns }] = await Promise.all([import("../../adapters/aws/clients.js"), import("../../adapters/aws/route53.js")]);
  const dns = new AwsDns(createRoute53Client({ region: definition.region, ...(definition.profile !== undefined ? { profile: definition.profile } : {}), calls: await callSettings() }));
  const zoneId = await dns.resolveZone(promote.cname, promote.zoneName !== undefined ? { zoneName: promote.zoneName } : {});
  origins.push(`hosted zone ${zoneId} of ${promote.cname} from Route 53 (--zone-id skips the call)`);
  return zoneId;
}

/** The timeouts of the calls `policy` makes (RDS_ECHO_AWS_*: exit 2 on a bad value, before the call). */
async function callSettings() {
  return (await import("./aws-calls.js")).awsCallSettingsFrom(process.env);
}
