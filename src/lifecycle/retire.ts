/**
 * `retire`: destroy forgotten generations beyond `retire.keep`, oldest first. Never a promoted or unpromoted one,
 * never one demoted less than the CNAME's TTL ago, never one whose address the live CNAME still serves.
 * The stack stays, with its history: the audit trail outlives the database.
 */
import { GuardError } from "../errors.js";
import { confirmChanges } from "./confirm.js";
import type { StepContext, StepReport } from "./context.js";
import { byCondition, isManagedBy, type EchoState, type Generation } from "./echo-state.js";
import { promotionTarget } from "./zone.js";

export interface RetireOptions {
  /** Retire this generation (it must be forgotten), whatever `keep` says. */
  readonly generation?: string;
}

export async function retireGenerations(ctx: StepContext, state: EchoState, options: RetireOptions = {}): Promise<StepReport[]> {
  const { ports, definition } = ctx;
  const candidates = options.generation ? [named(state, options.generation)] : beyondKeep(state, definition.retire.keep);
  if (candidates.length === 0) {
    ports.output.step(`retire: nothing to retire (keeping ${definition.retire.keep} forgotten generation(s) for rollback)`);
    return [];
  }
  const liveTarget = await liveCnameTarget(ctx);
  const ttlMs = (definition.promote?.ttl ?? 0) * 1000;
  const reports: StepReport[] = [];
  for (const g of candidates) {
    const demotedAt = g.stack.lastUpdate?.getTime() ?? 0;
    const sinceDemotion = ports.clock.now().getTime() - demotedAt;
    if (sinceDemotion < ttlMs) {
      ports.output.step(`retire: ${g.name} was demoted ${Math.round(sinceDemotion / 1000)} s ago, less than the CNAME's TTL (${ttlMs / 1000} s); resolvers may still hand out its address. Later.`);
      continue;
    }
    if (!g.instance || !isManagedBy(definition.echo, g.name, g.instance)) {
      throw new GuardError(`retire: ${g.name}'s instance does not carry this echo's tags; refusing to destroy it`);
    }
    if (liveTarget !== undefined && g.instance.address === liveTarget) {
      throw new GuardError(`retire: ${definition.promote?.cname} still points at ${g.name}; refusing to destroy the instance it serves`);
    }
    const message = `retire ${g.name}`;
    await confirmChanges(ports, message, [{ label: message, set: await ports.engine.previewDestroy(g.name) }], { ...ctx.options, destroys: true });
    ports.output.step(message);
    await ports.engine.destroy(g.name, { message });
    const snapshot = definition.retire.skipFinalSnapshot ? "no final snapshot" : "final snapshot taken";
    reports.push({ step: "retire", generation: g.name, detail: snapshot });
  }
  return reports;
}

function named(state: EchoState, name: string): Generation {
  const g = state.generations.find((x) => x.name === name);
  if (!g) throw new GuardError(`retire: ${name} is not a generation of ${state.echo}`);
  if (g.condition !== "forgotten") {
    throw new GuardError(`retire: ${name} is ${g.condition}; only forgotten generations are retired`);
  }
  return g;
}

/** Forgotten generations beyond the newest `keep`, oldest first. */
function beyondKeep(state: EchoState, keep: number): Generation[] {
  const forgotten = byCondition(state, "forgotten");
  return forgotten.slice(0, Math.max(0, forgotten.length - keep));
}

async function liveCnameTarget(ctx: StepContext): Promise<string | undefined> {
  const target = await promotionTarget(ctx.ports, ctx.definition);
  return target && (await ctx.ports.dns.readCname(target.zoneId, target.cname))?.target;
}
