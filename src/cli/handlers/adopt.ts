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
  const [{ adoptLegacy: adopt }, { loadEchoState }] = await Promise.all([import("../../lifecycle/adopt.js"), import("../../lifecycle/echo-state.js")]);
  return withEcho(command, { echo: request.echo, engine: request.engine, yes: request.yes }, async (ctx) => {
    let reports: StepReport[];
    let skipped: readonly { instance: string; reason: string }[] = [];
    let planned: readonly { instance: string; generation: string; stage: string }[] = [];
    try {
      const { reports: done, plan } = await adopt(ctx, await loadEchoState(ctx.ports, ctx.definition), request.legacyName, { preview: request.preview });
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
