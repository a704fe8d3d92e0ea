/** `rds-echo migrate --adopt <echo>`: the original rds-echo's instances into generation stacks (lifecycle/adopt.ts). */
import { DeclinedError } from "../../errors.js";
import type { StepReport } from "../../lifecycle/context.js";
import type { CommandContext } from "../context.js";
import { printSteps } from "../steps.js";
import type { EngineFlags } from "./ports.js";
import { withEcho } from "./session.js";

export interface AdoptRequest {
  readonly echo: string;
  /** The original's `rdsecho.name`, as its tags spell it. */
  readonly legacyName: string;
  readonly engine: EngineFlags;
  readonly yes: boolean;
  /** Show what would be adopted, change nothing. */
  readonly preview: boolean;
}

export async function adoptLegacy(command: CommandContext, request: AdoptRequest): Promise<number> {
  const [{ adoptLegacy: adopt }, { loadEchoState }, { whileHolding, busyDetail }] = await Promise.all([
    import("../../lifecycle/adopt.js"),
    import("../../lifecycle/echo-state.js"),
    import("../../lifecycle/hold.js"),
  ]);
  return withEcho(command, { echo: request.echo, engine: request.engine, yes: request.yes }, async (ctx) => {
    let reports: StepReport[];
    let skipped: readonly { instance: string; reason: string }[] = [];
    let planned: readonly { instance: string; generation: string; stage: string }[] = [];
    try {
      // A preview changes nothing and needs no hold; an adoption writes stacks, so it is this run's alone.
      const adoption = async () => adopt(ctx, await loadEchoState(ctx.ports, ctx.definition), request.legacyName, { preview: request.preview });
      const held = request.preview ? { held: true as const, value: await adoption() } : await whileHolding(ctx, adoption);
      if (!held.held) {
        printSteps(command.reporter, request.echo, [{ step: "busy", generation: "-", detail: busyDetail(held.holder) }]);
        return 0;
      }
      const { reports: done, plan } = held.value;
      reports = done;
      skipped = plan.skipped;
      planned = plan.adoptions.map((a) => ({ instance: a.instance.id, generation: a.generation, stage: a.stage }));
    } catch (error) {
      if (!(error instanceof DeclinedError)) throw error;
      reports = [{ step: "skipped", generation: "-", detail: `declined at the prompt (${error.title}); nothing was changed` }];
    }
    if (request.preview) {
      command.reporter.data({ echo: request.echo, preview: true, adoptions: planned, skipped });
      for (const p of planned) command.reporter.text(`would adopt ${p.instance} as ${p.generation} (${p.stage})`);
      if (planned.length === 0) command.reporter.text(`${request.echo}: nothing to adopt`);
      return 0;
    }
    printSteps(command.reporter, request.echo, reports);
    return 0;
  });
}
