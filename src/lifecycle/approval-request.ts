/**
 * A generation's approval request as its stack settings record it, both ways. Pure. The settings are the request's
 * only truth: the driver writes them (with an update of their own), and nothing on the instance can open a request,
 * add an approver, lower the count or push the expiry.
 */
import { isoSeconds, validateRequest, type ApprovalRequest } from "../approval/requests.js";
import type { GenerationSettings } from "../ports.js";

/** The settings fields that record `request` (what `promote --request` adds to the generation's settings). */
export function requestFields(request: ApprovalRequest): Pick<GenerationSettings, "approvalRequest" | "approvalApprovers" | "approvalRequired" | "approvalOpened" | "approvalExpires"> {
  validateRequest(request);
  return {
    approvalRequest: request.id,
    approvalApprovers: request.approvers.join(","),
    approvalRequired: request.required,
    approvalOpened: isoSeconds(request.createdAt),
    approvalExpires: isoSeconds(request.expiresAt),
  };
}

/**
 * The request the settings record for this generation, or undefined when none was opened. A record that is
 * incomplete or does not validate (a hand-edited config) opens nothing: it is never guessed at.
 */
export function requestOf(generation: string, settings: GenerationSettings | undefined): ApprovalRequest | undefined {
  const id = settings?.approvalRequest;
  const approvers = settings?.approvalApprovers;
  const required = settings?.approvalRequired;
  const opened = settings?.approvalOpened;
  const expires = settings?.approvalExpires;
  if (id === undefined || approvers === undefined || required === undefined || opened === undefined || expires === undefined) return undefined;
  const request: ApprovalRequest = { id, generation, approvers: approvers.split(","), required, createdAt: new Date(opened), expiresAt: new Date(expires) };
  if (Number.isNaN(request.createdAt.getTime()) || Number.isNaN(request.expiresAt.getTime())) return undefined;
  try {
    validateRequest(request);
  } catch {
    return undefined;
  }
  return request;
}
