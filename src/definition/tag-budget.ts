/**
 * RDS allows 50 tags per resource, and refuses a whole AddTagsToResource (a scrub mark, an approval request, a click
 * on a link) once a resource has them all; so the definition is checked against every tag rds-echo may ever write on
 * a generation, at its busiest: promoted, scrubbed, with an approval request that every approver both approved and
 * cancelled (a cancel has a key of its own, so that a later approve cannot overwrite it). Pure.
 */
import { MAX_TAGS_PER_RESOURCE } from "./tags.js";

/**
 * The program's tags (src/program/tags.ts): echo:managed, echo:generation, echo:stage, echo:snapshot and
 * echo:rolled-back (a rollback marks the promoted generation it leaves, so one generation can carry all five).
 */
export const PROGRAM_TAGS = 5;
/** The hooks step's mark, echo:scrubbed: counted always, since a mark from earlier hooks stays when they are removed. */
export const SCRUB_TAGS = 1;
/**
 * When rds-echo saw a request's decisions, echo:seen:<id> (older requests' are removed). The request itself is in the
 * generation's stack settings, not on the instance.
 */
export const REQUEST_TAGS = 1;
/** Per approver: echo:approval:<id>:<approver> and echo:approval:<id>:<approver>:cancel. */
export const TAGS_PER_APPROVER = 2;

/** What rds-echo may write besides the person's own tags, for a request to `approvers` approvers (0: no approval). */
export function echoTagCount(approvers: number): number {
  return PROGRAM_TAGS + SCRUB_TAGS + (approvers > 0 ? REQUEST_TAGS + TAGS_PER_APPROVER * approvers : 0);
}

/**
 * Why a generation could carry more tags than RDS allows, or undefined. `userTags` is the number of distinct keys of
 * the person's tags (instance or cluster tags plus promote.tags); `approvers` those a request names.
 */
export function tagBudgetProblem(userTags: number, approvers: number): string | undefined {
  const ours = echoTagCount(approvers);
  const total = userTags + ours;
  if (total <= MAX_TAGS_PER_RESOURCE) return undefined;
  const approval = approvers > 0 ? `, ${REQUEST_TAGS + TAGS_PER_APPROVER * approvers} for an approval request by ${approvers} approver(s) (each may approve and cancel)` : "";
  return (
    `a generation could carry ${total} tags, more than RDS's ${MAX_TAGS_PER_RESOURCE} per resource: ${userTags} of yours (tags and promote.tags), ` +
    `rds-echo's ${PROGRAM_TAGS} echo: tags, ${SCRUB_TAGS} scrub mark${approval}; ` +
    `remove ${total - MAX_TAGS_PER_RESOURCE} tag(s)${approvers > 0 ? " or name fewer approvers" : ""}`
  );
}

/** The approvers a definition's own check counts: those listed, or one when `promote --request` will name them. */
export function definedApprovers(promote: { approval?: { approvers?: readonly string[] | undefined } | undefined } | undefined): number {
  if (!promote?.approval) return 0;
  return promote.approval.approvers?.length ?? 1;
}
