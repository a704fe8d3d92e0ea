/** Guards shared by the steps: each refusal is a GuardError (exit 2) that says what to do. */
import { GuardError } from "../errors.js";
import { isUsable } from "./rds-status.js";
import type { Condition, EchoState, Generation } from "./echo-state.js";

/** The newest generation in one of the conditions; refuses (naming what there is instead) when there is none. */
export function generationIn(state: EchoState, step: string, ...conditions: Condition[]): Generation {
  const found = [...state.generations].reverse().find((g) => conditions.includes(g.condition));
  if (found) return found;
  const newest = state.generations.at(-1);
  throw new GuardError(
    `${step}: no generation of ${state.echo} is ${conditions.join(" or ")}` +
      (newest ? ` (the newest, ${newest.name}, is ${newest.condition})` : " (it has no generations yet; run `rds-echo new`)"),
  );
}

/** Refuses unless RDS reports the instance `available`. */
export function requireAvailable(generation: Generation, step: string): void {
  const status = generation.instance?.status ?? "missing";
  if (!isUsable(status)) {
    throw new GuardError(`${step}: ${generation.name} is ${status}, not available; wait for it (rds-echo status) and retry`);
  }
}

/**
 * The generation a promotion (or an approval request) is for: the newest `rebooted` one, and never one older than
 * the promoted generation, which would move the CNAME backwards. A superseded generation is named in the refusal.
 */
export function promotableGeneration(state: EchoState, step: string): Generation {
  const rebooted = [...state.generations].reverse().find((g) => g.condition === "rebooted");
  const superseded = [...state.generations].reverse().find((g) => g.condition === "superseded");
  if (!rebooted && superseded) {
    throw new GuardError(
      `${step}: ${superseded.name} is superseded by ${superseded.supersededBy}, which is newer and promoted; promoting it would move ` +
        `the CNAME backwards, so it never is (going back is a rollback). Retire it with \`rds-echo retire ${state.echo}\``,
    );
  }
  const generation = generationIn(state, step, "rebooted");
  const newerPromoted = state.generations.find((g) => g.condition === "promoted" && g.createdAt.getTime() > generation.createdAt.getTime());
  // loadEchoState already marks such a generation superseded; this is the invariant said once more where it matters.
  if (newerPromoted) throw new GuardError(`${step}: ${newerPromoted.name} is newer than ${generation.name} and promoted; the CNAME only moves forward`);
  return generation;
}
