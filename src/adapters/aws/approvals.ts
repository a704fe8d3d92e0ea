/**
 * The real approval port: links signed with the dedicated signer principal's long-term keys (never the credentials
 * rds-echo itself runs with) and proven with the decision key (RDS_ECHO_SIGNER_DECISION_KEY), e-mails through SES v2.
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { approvalEmail, sendApprovalEmails, type ApprovalEmailInput } from "../../approval/email.js";
import { approvalLinks, type ApproverLinks, type SigningCredentials } from "../../approval/links.js";
import { decisionKeyFrom, expectedProofs } from "../../approval/proof.js";
import type { ApprovalRequest } from "../../approval/requests.js";
import { UsageError } from "../../errors.js";
import type { ApprovalPort } from "../../ports.js";
import type { AwsCallSettings } from "./call-settings.js";
import { awsClient } from "./aws-client.js";

export const SIGNER_KEY_ENV = "RDS_ECHO_SIGNER_ACCESS_KEY_ID";
export const SIGNER_SECRET_ENV = "RDS_ECHO_SIGNER_SECRET_ACCESS_KEY";

/**
 * The signer's keys from the environment. Only long-term IAM user keys (AKIA…) will do: a link signed with temporary
 * credentials dies with them, long before the request expires.
 */
export function signerCredentials(env: NodeJS.ProcessEnv): SigningCredentials {
  const accessKeyId = env[SIGNER_KEY_ENV];
  const secretAccessKey = env[SIGNER_SECRET_ENV];
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError(`approval links need the link-signing principal's keys: set ${SIGNER_KEY_ENV} and ${SIGNER_SECRET_ENV} (see README, "Approving a promotion")`);
  }
  if (!accessKeyId.startsWith("AKIA")) {
    throw new UsageError(`${SIGNER_KEY_ENV} must be a long-term IAM user access key (AKIA…); temporary credentials (ASIA…) would expire the links early`);
  }
  return { accessKeyId, secretAccessKey };
}

export class AwsApprovals implements ApprovalPort {
  #ses: SESv2Client | undefined;
  constructor(
    private readonly region: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly profile?: string,
    private readonly sesClient?: SESv2Client,
    private readonly calls?: AwsCallSettings,
  ) {}

  links(request: ApprovalRequest, instanceArn: string, now: Date): Promise<ApproverLinks[]> {
    return approvalLinks(request, { region: this.region, instanceArn, credentials: signerCredentials(this.env), decisionKey: decisionKeyFrom(this.env), now });
  }

  async proofs(request: ApprovalRequest): Promise<ReadonlyMap<string, string>> {
    return expectedProofs(decisionKeyFrom(this.env), request);
  }

  async send(messages: readonly ApprovalEmailInput[]): Promise<void> {
    this.#ses ??= this.sesClient ?? awsClient((config) => new SESv2Client(config), { region: this.region, ...(this.profile ? { profile: this.profile } : {}), ...(this.calls ? { calls: this.calls } : {}) });
    await sendApprovalEmails(this.#ses, messages.map(approvalEmail));
  }
}
