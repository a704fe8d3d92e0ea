/**
 * Promotion approval by signed links, with no service to run. `promote --request` records a request in the rebooted
 * generation's stack settings (an update of its own, so the stack's history shows who asked when) and hands out
 * presigned AddTagsToResource links; a click sets one `echo:approval:<request>:<approver>` tag whose value carries a
 * proof only the driver can make (src/approval/proof.ts); `promote` reads the stack's request and the instance's
 * tags and proceeds only when the request is granted by proven decisions. A cancel always wins, an expired request
 * never counts, a new request supersedes the old one (whose tags go), and a request is bound to one generation:
 * approvals read from A's instance can never promote B.
 */
import { randomBytes } from "node:crypto";
import type { ApprovalEmailInput } from "../approval/email.js";
import type { ApproverLinks } from "../approval/links.js";
import {
  approvalsNeeded,
  assertSupersedes,
  evaluateApproval,
  newRequestId,
  openRequest,
  SEEN_TAG_PREFIX,
  staleApprovalTagKeys,
  type ApprovalRequest,
  type ApprovalStatus,
} from "../approval/requests.js";
import { parseDuration } from "../definition/duration.js";
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import { tagBudgetProblem } from "../definition/tag-budget.js";
import { GuardError, UsageError } from "../errors.js";
import { snapshotFromTag, TAG_SNAPSHOT } from "../program/tags.js";
import type { GenerationSettings, InstanceInfo } from "../ports.js";
import { requestFields, requestOf } from "./approval-request.js";
import { confirmChanges } from "./confirm.js";
import { describeDatabase } from "./database.js";
import type { StepContext } from "./context.js";
import type { EchoState } from "./echo-state.js";
import { promotableGeneration, requireAvailable } from "./guards.js";
import { applyMove, previewMove, settingsOf } from "./stage-update.js";

const MAX_TAG_VALUE = 256;

export interface RequestOptions {
  /** Approvers; the definition's `promote.approval.approvers` when none are given. */
  readonly approvers?: readonly string[];
  readonly required?: number;
  /** A duration (`3d`); the definition's `promote.approval.expires` when absent. At most 7 days. */
  readonly expires?: string;
}

export interface OpenedRequest {
  readonly request: ApprovalRequest;
  readonly links: readonly ApproverLinks[];
  /** Approvers an e-mail was sent to (empty unless `promote.approval.email.from` is set). */
  readonly emailed: readonly string[];
}

/**
 * What a request will be opened with: the flags, else the definition's `promote.approval`, validated as the request
 * itself will be. Pure, so the CLI checks it before any cloud call.
 */
export function requestSettings(definition: EchoDefinition, options: RequestOptions, now: Date): { approvers: readonly string[]; required: number; expiresInSeconds: number } {
  const approval = definition.promote?.approval;
  const approvers = options.approvers?.length ? options.approvers : approval?.approvers;
  if (!approvers?.length) throw new UsageError("promote --request: name who may approve (--approver <email>, or promote.approval.approvers)");
  const expires = options.expires ?? approval?.expires ?? "3d";
  const minutes = parseDuration(expires);
  if (minutes === undefined) throw new UsageError(`--expires "${expires}" is not a duration such as 3d or 12h`);
  const settings = { approvers, required: options.required ?? approval?.required ?? 1, expiresInSeconds: minutes * 60 };
  if (settings.required > approvers.length) {
    throw new UsageError(
      `promote --request: ${settings.required} approvals required but only ${approvers.length} approver${approvers.length === 1 ? "" : "s"} named ` +
        `(${approvers.join(", ")}); name more with --approver, or ask for at most ${approvers.length} with --required`,
    );
  }
  // Every approver may both approve and cancel, each a tag of its own: all of them must fit RDS's 50 beside the rest.
  const userTags = new Set([...Object.keys(isClusterEcho(definition) ? definition.cluster.tags : definition.instance.tags), ...Object.keys(definition.promote?.tags ?? {})]).size;
  const tagProblem = tagBudgetProblem(userTags, approvers.length);
  if (tagProblem) throw new UsageError(`promote --request: ${tagProblem}`);
  // The same validation the real request gets, on a stand-in id and generation.
  openRequest({ id: "r20000101t0000-0000", generation: `${definition.echo}-20000101-0000`, now, ...settings });
  return settings;
}

export async function requestPromotion(ctx: StepContext, state: EchoState, options: RequestOptions): Promise<OpenedRequest> {
  const { ports, definition } = ctx;
  const promote = definition.promote;
  if (!promote?.cname) throw new GuardError(`promote --request: ${definition.echo} has no promote section in its definition`);
  const settings = requestSettings(definition, options, ports.clock.now());
  const generation = promotableGeneration(state, "promote --request");
  requireAvailable(generation, "promote --request");
  const instance = await describeDatabase(ports, ctx.definition, generation.name);
  if (!instance?.arn) throw new GuardError(`promote --request: ${generation.name} has no ARN in RDS`);

  const now = ports.clock.now();
  const current = await settingsOf(ctx, generation.name);
  const existing = requestOf(generation.name, current);
  // The stack holds one request; the new one replaces it, so it must be provably newer (same second, a clock behind).
  assertSupersedes(existing, now);
  let id = newRequestId(now, () => randomBytes(8).toString("hex"));
  while (id === existing?.id) id = newRequestId(now, () => randomBytes(8).toString("hex"));
  const request = openRequest({ id, generation: generation.name, now, ...settings });
  const next: GenerationSettings = { ...current, ...requestFields(request) };
  const message = `request approval ${generation.name} (${request.id})`;
  // Every approval tag that is not the new request's goes, whatever it looks like: no old link or cancel counts again.
  const stale = staleApprovalTagKeys(instance.tags, request.id);
  const update = await previewMove(ctx, generation.name, next, message);
  const deletes = stale.map((key) => ({ op: "delete" as const, type: "rds:tag", name: key }));
  await confirmChanges(ports, `open approval request ${request.id} for ${generation.name}`, [{ label: message, set: { changes: [...update.set.changes, ...deletes] } }], ctx.options);

  // Links first: if they cannot be signed, no request is left open without any.
  const links = await ports.approvals.links(request, instance.arn, now);
  // The stack's update is what opens the request (and closes the old one); the tags are only cleaned up after it.
  await applyMove(ctx, generation.name, next, message);
  if (stale.length > 0) await ports.rds.removeTags(instance.arn, stale);
  const from = promote.approval?.email?.from;
  const emailed: string[] = [];
  if (from) {
    const pageUrl = promote.approval?.pageUrl;
    if (!pageUrl) {
      ports.output.warn(
        "promote.approval.pageUrl is not set: the e-mails carry the signed links themselves, and a mail scanner that opens links " +
          "can approve or cancel with them; publish the confirmation page (`rds-echo approval page`) and set pageUrl (README, Approving a promotion)",
      );
    }
    const messages: ApprovalEmailInput[] = links.map((l) => ({
      from,
      to: l.approver,
      echo: definition.echo,
      generation: generation.name,
      cname: promote.cname!,
      snapshot: snapshotFromTag(instance.tags[TAG_SNAPSHOT] ?? ""),
      expiresAt: request.expiresAt,
      approve: l.approve,
      cancel: l.cancel,
      ...(pageUrl ? { pageUrl } : {}),
    }));
    await ports.approvals.send(messages);
    emailed.push(...messages.map((m) => m.to));
  }
  ports.output.step(`approval request ${request.id} for ${generation.name}: ${approvalsNeeded(request.required, request.approvers.length)}, valid until ${request.expiresAt.toISOString()}`);
  return { request, links, emailed };
}

export interface ApprovalView extends ApprovalStatus {
  readonly generation: string;
  /** Whether promotion of this generation waits for approval (the definition asks for it, or a request is open). */
  readonly required: boolean;
  /** When rds-echo first saw each decision of the open request, by approver (ISO time). */
  readonly seen: Readonly<Record<string, string>>;
  /** The newer, promoted generation that overtook this one: its approval no longer promotes anything. */
  readonly supersededBy?: string;
}

/** A generation as approval reads it: its name, its instance (with tags, as RDS reports them) and its stack's settings. */
export interface ApprovalSubject {
  readonly name: string;
  readonly instance: InstanceInfo;
  readonly settings?: GenerationSettings;
}

/**
 * Where approval of a generation stands: the request its stack records, the decisions on its instance that prove
 * themselves. Changes nothing. The decision key is only needed when a request is open.
 */
export async function approvalStatus(ctx: StepContext, subject: ApprovalSubject): Promise<ApprovalStatus & { readonly required: boolean }> {
  const request = requestOf(subject.name, subject.settings);
  const proofs = request ? await ctx.ports.approvals.proofs(request) : new Map<string, string>();
  const status = evaluateApproval({ generation: subject.name, request, tags: subject.instance.tags, proofs, now: ctx.ports.clock.now() });
  return { ...status, required: ctx.definition.promote?.approval !== undefined || status.request !== undefined };
}

/**
 * Where approval of a generation stands (see `approvalStatus`). Newly seen decisions get their time recorded (an
 * `echo:seen:<request>` tag, a display aid that decides nothing), so `approvals` can say when each arrived.
 */
export async function approvalOf(ctx: StepContext, subject: ApprovalSubject): Promise<ApprovalView> {
  const now = ctx.ports.clock.now();
  const status = await approvalStatus(ctx, subject);
  const { instance } = subject;
  let seen: Record<string, string> = {};
  if (status.request) {
    const key = `${SEEN_TAG_PREFIX}${status.request.id}`;
    seen = parseSeen(instance.tags[key]);
    const fresh = [...status.approvedBy, ...status.cancelledBy].filter((a) => !(a in seen));
    if (fresh.length > 0 && instance.arn) {
      for (const approver of fresh) seen[approver] = now.toISOString().replace(/\.\d{3}Z$/, "Z");
      await ctx.ports.rds.addTags(instance.arn, { [key]: formatSeen(seen) });
    }
  }
  return { ...status, generation: subject.name, seen };
}

/**
 * Approval read again from scratch (the stack's settings, the instance's tags) right before the CNAME moves: a cancel
 * that arrived during the prompt or the `beforePromote` hooks must stop the flip. Returns what is missing, or
 * undefined when the promotion may go on (granted, or no approval asked for).
 */
export async function approvalStillGranted(ctx: StepContext, generation: string): Promise<string | undefined> {
  const [settings, instance] = await Promise.all([ctx.ports.engine.settings(generation), describeDatabase(ctx.ports, ctx.definition, generation)]);
  if (!instance) return `${generation} is missing in RDS`;
  const status = await approvalStatus(ctx, { name: generation, instance, ...(settings ? { settings } : {}) });
  return status.required && !status.granted ? status.missing : undefined;
}

/**
 * The open request of each generation waiting for promotion (stage `rebooted`), newest first, and of each superseded
 * one (marked so: a late approval of it promotes nothing).
 */
export async function approvalsOf(ctx: StepContext, state: EchoState): Promise<ApprovalView[]> {
  const views: ApprovalView[] = [];
  for (const g of [...state.generations].reverse()) {
    if (!g.instance || (g.condition !== "rebooted" && g.condition !== "superseded")) continue;
    const view = await approvalOf(ctx, { name: g.name, instance: g.instance, ...(g.settings ? { settings: g.settings } : {}) });
    if (view.request) views.push(g.supersededBy ? { ...view, granted: false, supersededBy: g.supersededBy } : view);
  }
  return views;
}

/**
 * The approval of the newest rebooted generation, for what waits (changes nothing). A decision key that is missing
 * is said as what waits, not thrown: `up` without `--promote` must not fail on it.
 */
export async function approvalForWaits(ctx: StepContext, state: EchoState): Promise<(ApprovalStatus & { readonly required: boolean }) | undefined> {
  const g = [...state.generations].reverse().find((x) => x.condition === "rebooted");
  if (!g?.instance) return undefined;
  try {
    return await approvalStatus(ctx, { name: g.name, instance: g.instance, ...(g.settings ? { settings: g.settings } : {}) });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { approvedBy: [], cancelledBy: [], expired: false, ignored: [], granted: false, required: true, missing: error.message };
  }
}

function parseSeen(value: string | undefined): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const part of (value ?? "").split(" ")) {
    const at = part.lastIndexOf("=");
    if (at > 0) seen[part.slice(0, at)] = part.slice(at + 1);
  }
  return seen;
}

/** `a@x=2026-11-25T12:30:00Z b@y=…`, cut to RDS's 256-character value limit (the earliest decisions are kept). */
function formatSeen(seen: Record<string, string>): string {
  let value = "";
  for (const [approver, at] of Object.entries(seen)) {
    const next = value ? `${value} ${approver}=${at}` : `${approver}=${at}`;
    if (next.length > MAX_TAG_VALUE) break;
    value = next;
  }
  return value;
}
