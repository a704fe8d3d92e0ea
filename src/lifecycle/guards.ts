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
