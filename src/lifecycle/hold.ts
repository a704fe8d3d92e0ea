/**
 * A run works on an echo only while it holds it (StackEngine.hold: a lease in the backend, renewed while the run
 * lasts): a second run on the same echo, on this host or any other, stands aside at once and says so (exit 0), before
 * it reads or changes anything. An engine that offers no hold (the sandbox, a backend without leases) runs the body as
 * before; the stacks' own locks still stop two updates of one stack.
 */
import type { StepContext, StepReport } from "./context.js";

export async function holdingEcho(ctx: StepContext, body: () => Promise<StepReport[]>): Promise<StepReport[]> {
  const hold = await ctx.ports.engine.hold?.(ctx.definition.echo);
  if (hold !== undefined && !hold.held) {
    return [{ step: "busy", generation: "-", detail: `another run is updating it: ${hold.holder}` }];
  }
  try {
    return await body();
  } finally {
    if (hold?.held) await hold.release();
  }
}
