/**
 * A run works on an echo only while it holds it (StackEngine.hold: a lease in the backend, renewed while the run
 * lasts): a second run on the same echo, on this host or any other, stands aside at once and says so (exit 0), before
 * it reads or changes anything. An engine that offers no hold (the sandbox, a backend without leases) runs the body as
 * before; the stacks' own locks still stop two updates of one stack.
 */
import type { StepContext, StepReport } from "./context.js";

/** What a body run under the echo's hold gave, or who held the echo instead (the body did not run). */
export type Held<T> = { readonly held: true; readonly value: T } | { readonly held: false; readonly holder: string };

/** Runs the body while this run holds the echo; every command that changes an echo's stacks goes through here. */
export async function whileHolding<T>(ctx: Pick<StepContext, "ports" | "definition">, body: () => Promise<T>): Promise<Held<T>> {
  const hold = await ctx.ports.engine.hold?.(ctx.definition.echo);
  if (hold !== undefined && !hold.held) return { held: false, holder: hold.holder };
  try {
    return { held: true, value: await body() };
  } finally {
    if (hold?.held) await hold.release();
  }
}

/** The detail of the `busy` step a run reports when another run holds the echo. */
export function busyDetail(holder: string): string {
  return `another run is updating it: ${holder}`;
}

export async function holdingEcho(ctx: StepContext, body: () => Promise<StepReport[]>): Promise<StepReport[]> {
  const held = await whileHolding(ctx, body);
  return held.held ? held.value : [{ step: "busy", generation: "-", detail: busyDetail(held.holder) }];
}
