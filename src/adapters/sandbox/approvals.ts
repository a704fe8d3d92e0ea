/**
 * The sandbox's approval port: links signed with the simulated signer's keys and proven with the world's decision
 * key, e-mails kept in the world's outbox.
 */
import { approvalEmail } from "../../approval/email.js";
import type { ApprovalEmailInput } from "../../approval/email.js";
import type { ApproverLinks } from "../../approval/links.js";
import { expectedProofs } from "../../approval/proof.js";
import type { ApprovalRequest } from "../../approval/requests.js";
import type { ApprovalPort } from "../../ports.js";
import type { Faults } from "./faults.js";
import { decisionKeyOf, type SimWorld } from "./world.js";

export class SandboxApprovals implements ApprovalPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
  ) {}

  async links(request: ApprovalRequest, instanceArn: string, now: Date): Promise<ApproverLinks[]> {
    // The SigV4 signer is loaded only when links are made.
    const { approvalLinks } = await import("../../approval/links.js");
    const { accessKeyId, secretAccessKey, endpoint } = this.world.approval;
    return approvalLinks(request, { region: this.world.region, instanceArn, credentials: { accessKeyId, secretAccessKey }, decisionKey: decisionKeyOf(this.world), now, endpoint });
  }

  async proofs(request: ApprovalRequest): Promise<ReadonlyMap<string, string>> {
    return expectedProofs(decisionKeyOf(this.world), request);
  }

  async send(messages: readonly ApprovalEmailInput[]): Promise<void> {
    for (const message of messages) {
      this.faults.enter("ses.SendEmail");
      // Built exactly as for SES, then kept: `rds-echo sandbox show` lists what would have been sent.
      const input = approvalEmail(message);
      this.world.outbox.push({
        from: input.FromEmailAddress ?? message.from,
        to: input.Destination?.ToAddresses?.join(", ") ?? message.to,
        subject: input.Content?.Simple?.Subject?.Data ?? "",
        text: input.Content?.Simple?.Body?.Text?.Data ?? "",
      });
    }
  }
}
