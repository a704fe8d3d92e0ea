/**
 * Proofs that a decision tag came from a link the signer made. Anyone with tagging rights on the instance can write
 * `echo:approval:<request>:<approver>`, so the key proves nothing; the value does: `<decision>.<MAC>`, an HMAC-SHA256
 * under the decision key over the generation, the tag key (which names the request and the approver) and the decision.
 * The driver puts that value into each presigned link it makes (the signature covers it, so a link sets exactly its
 * own tag, and a leaked link sets nothing else), and computes the same values again when it reads the tags.
 *
 * The decision key is a secret of its own (`RDS_ECHO_SIGNER_DECISION_KEY`), not the signer's AWS keys: those only let
 * a link reach RDS; without the decision key they cannot make a value that counts. Deterministic, no I/O.
 */
import { createHmac } from "node:crypto";
import { UsageError } from "../errors.js";
import { type ApprovalDecision, type ApprovalRequest, approvalTagKey } from "./requests.js";

/** Where the driver finds the decision key (never on the command line, never printed). */
export const DECISION_KEY_ENV = "RDS_ECHO_SIGNER_DECISION_KEY";
/** A key shorter than this is refused: it must be random (`openssl rand -hex 32`), not a word. */
export const MIN_DECISION_KEY_LENGTH = 32;

/** The decision key from the environment, refused (exit 2, saying what to set) when missing or short. */
export function decisionKeyFrom(env: NodeJS.ProcessEnv): string {
  const key = env[DECISION_KEY_ENV];
  if (!key) {
    throw new UsageError(
      `approval decisions are proven with a secret the driver holds: set ${DECISION_KEY_ENV} ` +
        `(at least ${MIN_DECISION_KEY_LENGTH} random characters, e.g. \`openssl rand -hex 32\`; see README, "Approving a promotion")`,
    );
  }
  if (key.length < MIN_DECISION_KEY_LENGTH) {
    throw new UsageError(`${DECISION_KEY_ENV} has ${key.length} characters; use at least ${MIN_DECISION_KEY_LENGTH} random ones (e.g. \`openssl rand -hex 32\`)`);
  }
  return key;
}

/** The value a link sets for one decision of one approver on one request: `approved.<64 hex>`. */
export function decisionValue(key: string, generation: string, requestId: string, approver: string, decision: ApprovalDecision): string {
  const tagKey = approvalTagKey(requestId, approver, decision);
  // The generation too: a request id is only unique per generation, and a value copied to another generation's
  // instance under the same key must not count there.
  const mac = createHmac("sha256", key).update(`rds-echo decision v1\n${generation}\n${tagKey}\n${decision}`, "utf8").digest("hex");
  return `${decision}.${mac}`;
}

/** Every decision key of the request with the value that proves it: what `evaluateApproval` compares against. */
export function expectedProofs(key: string, request: ApprovalRequest): Map<string, string> {
  const proofs = new Map<string, string>();
  for (const approver of request.approvers) {
    for (const decision of ["approved", "cancelled"] as const) {
      proofs.set(approvalTagKey(request.id, approver, decision), decisionValue(key, request.generation, request.id, approver, decision));
    }
  }
  return proofs;
}
