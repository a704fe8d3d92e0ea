/**
 * What waits, and what would move it. Every "nothing to do" says this, so a cron job that stalls (a rebooted
 * generation nobody promotes, an approval nobody gives) is visible in its log. Pure: the echo's state in, reasons out.
 */
import type { ApprovalStatus } from "../approval/requests.js";
import type { StepContext } from "./context.js";
import { byCondition, newestForGuard, type EchoState } from "./echo-state.js";
import { retireCandidates } from "./retire.js";

export interface Waiting {
  /** The generation that waits, when one does (none for "the next generation is not due yet"). */
  readonly generation?: string;
  /** What waits, and for what. */
  readonly reason: string;
  /** What would move it: a flag, a command, a person, or time. */
  readonly next: string;
  /** When it lifts by itself (ISO time), for waits that only time ends. */
  readonly until?: string;
}

export interface WaitOptions {
  /** `--promote` was given: a rebooted generation is promoted once it may be. */
  readonly promote: boolean;
  /** `--retire` was given: forgotten and superseded generations are retired once they may be. */
  readonly retire: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * @param approval the newest rebooted generation's approval (approval.ts `approvalForWaits`): proving decisions takes
 *   the approval port, so the caller reads it and this stays pure
 */
export function whatWaits(ctx: StepContext, state: EchoState, options: WaitOptions, approval?: ApprovalStatus & { readonly required: boolean }): Waiting[] {
  const { definition } = ctx;
  const echo = definition.echo;
  const now = ctx.ports.clock.now();
  const waiting: Waiting[] = [];

  const busy = state.generations.find((g) => g.stack.updateInProgress);
  if (busy) waiting.push({ generation: busy.name, reason: "another run is updating it", next: "nothing: the next `rds-echo up` carries on once that run ends" });

  const rebooted = byCondition(state, "rebooted").at(-1);
  if (rebooted) {
    const required = definition.promote?.approval !== undefined || approval?.required === true;
    if (!definition.promote) {
      waiting.push({ generation: rebooted.name, reason: "rebooted; this echo has no promote section", next: `add promote.cname to stacks/${echo}.yaml, or retire it` });
    } else if (required && approval && !approval.granted) {
      waiting.push({ generation: rebooted.name, reason: `rebooted, waits for approval: ${approval.missing}`, next: `an approver clicks a link of \`rds-echo promote ${echo} --request\`` });
    } else if (!options.promote) {
      waiting.push({ generation: rebooted.name, reason: "rebooted, ready to be promoted", next: `rerun with --promote, or run \`rds-echo promote ${echo}\`` });
    }
  }

  const candidates = retireCandidates(state, definition.retire.keep);
  if (candidates.length > 0 && !options.retire) {
    waiting.push({
      reason: `${candidates.map((g) => `${g.name} (${g.condition}${g.supersededBy ? ` by ${g.supersededBy}` : ""})`).join(", ")} can be retired`,
      next: `rerun with --retire, or run \`rds-echo retire ${echo}\``,
    });
  }

  // Asked to retire, with nothing beyond what retire.keep keeps: say what is kept and why, not just "nothing to do".
  if (candidates.length === 0 && options.retire) {
    const kept = byCondition(state, "forgotten").filter((g) => g.rolledBackTo === undefined);
    if (kept.length > 0) {
      waiting.push({
        generation: kept.at(-1)!.name,
        reason: `forgotten, kept for a rollback: retire.keep is ${definition.retire.keep}, and ${kept.length === 1 ? "it is the only forgotten generation" : `${kept.map((g) => g.name).join(", ")} are the ${kept.length} forgotten generations`}`,
        next: `nothing: the oldest kept one is retired once a newer generation is forgotten; \`rds-echo retire ${echo} --generation ${kept[0]!.name}\` retires it now`,
      });
    }
  }

  // The next generation: only once nothing is on its way to promotion.
  if (byCondition(state, "new", "modified", "rebooted", "incomplete").length === 0) {
    const newest = newestForGuard(state);
    if (newest) {
      const due = new Date(newest.createdAt.getTime() + definition.guard.minAgeHours * HOUR_MS);
      if (due.getTime() > now.getTime()) {
        waiting.push({
          reason: `the next generation is due at ${iso(due)} (guard.minAgeHours: ${definition.guard.minAgeHours} h after ${newest.name})`,
          next: `\`rds-echo up ${echo}\` after that (cron will), or \`rds-echo new ${echo} --force\` now`,
          until: due.toISOString(),
        });
      }
    }
  }
  return waiting;
}

function iso(date: Date): string {
  return date.toISOString().replace(/:\d\d\.\d{3}Z$/, "Z");
}
