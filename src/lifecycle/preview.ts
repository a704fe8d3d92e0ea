/** `preview`: what the next step of `up` would change, without changing anything. */
import { generationName } from "../definition/identifiers.js";
import type { ChangeSet } from "../ports.js";
import type { StepContext } from "./context.js";
import { describeDatabase } from "./database.js";
import { byCondition, loadEchoState, type EchoState, type Generation } from "./echo-state.js";
import { flipChange } from "./flip.js";
import { forgetMessage } from "./promote.js";
import { previewMove, settingsAt } from "./stage-update.js";
import { unfinishedGeneration } from "./resume.js";
import { deletionPreview, plannedDeletions } from "./final-snapshots.js";
import { comingFinalSnapshots, retireCandidates } from "./retire.js";
import { hooksPending, nextStep, type NextStep, type UpOptions } from "./up.js";
import { promotionTarget } from "./zone.js";

export interface PreviewReport {
  readonly step?: NextStep;
  readonly generation?: string;
  readonly changes: readonly { readonly label: string; readonly set: ChangeSet }[];
}

const TARGET_STAGE = { modify: "modified", reboot: "rebooted" } as const;

export async function previewNext(ctx: StepContext, options: UpOptions): Promise<PreviewReport> {
  const { engine } = ctx.ports;
  const state = await loadEchoState(ctx.ports, ctx.definition);
  const unfinished = await unfinishedGeneration(ctx, state);
  const step = nextStep(ctx, state, options, unfinished, await hooksPending(ctx, state));
  if (!step) return { changes: [] };
  if (step === "hooks") {
    // Hooks change data, not resources: the preview lists the hooks the step would run.
    const g = byCondition(state, "rebooted").at(-1)!;
    const changes = (ctx.hooks?.afterRestore ?? []).map((h) => ({ op: "update" as const, type: `hook:${h.kind}`, name: h.label }));
    return { step, generation: g.name, changes: [{ label: `hooks ${g.name}: afterRestore hooks (the step runs from the first that has not succeeded)`, set: { changes } }] };
  }
  if (step === "new") {
    // No stack exists yet, so there is nothing to diff against: everything the program declares would be created.
    const name = generationName(ctx.definition.echo, ctx.ports.clock.now());
    const [{ planGeneration }, { sourceSummary }] = await Promise.all([import("../program/plan.js"), import("../program/planned-source.js")]);
    const plan = await planGeneration({ definition: ctx.definition, generation: name, stage: "new" });
    const changes = plan.declarations.map((d) => ({ op: "create" as const, type: d.type, name: d.name }));
    return { step, generation: name, changes: [{ label: `new ${name}: ${sourceSummary(ctx.definition)}`, set: { changes } }] };
  }
  if (step === "retire") {
    const candidates = retireCandidates(state, ctx.definition.retire.keep);
    const oldest = candidates[0]!;
    // The snapshots a retire of every candidate would leave beyond retire.keepFinalSnapshots (a TTL wait may hold some back).
    const doomed = await plannedDeletions(ctx, comingFinalSnapshots(ctx, candidates));
    const changes = [{ label: `retire ${oldest.name}`, set: await engine.previewDestroy(oldest.name) }];
    return { step, generation: oldest.name, changes: doomed.length > 0 ? [...changes, deletionPreview(ctx.definition, doomed)] : changes };
  }
  if (step === "resume" || step === "finish-promotion") {
    const g = step === "resume" ? unfinished! : byCondition(state, "promoted")[0]!;
    const settings = (await engine.settings(g.name))!;
    const target = step === "resume" ? settings : { ...settings, stage: "forgotten" as const };
    return { step, generation: g.name, changes: [{ label: `${step} ${g.name}`, set: await engine.preview(g.name, target, { message: `preview ${step}` }) }] };
  }
  const g = byCondition(state, "new", "modified", "rebooted").at(-1)!;
  if (step === "promote") return { step, generation: g.name, changes: await promotionPreview(ctx, state, g) };
  const settings = { ...(await engine.settings(g.name))!, stage: TARGET_STAGE[step] };
  return { step, generation: g.name, changes: [{ label: `${step} ${g.name}`, set: await engine.preview(g.name, settings, { message: `preview ${step}` }) }] };
}

/**
 * What a promotion shows before it asks (flip.ts): the CNAME's move `<cname>: <old> -> <new>` with the target's own
 * diff, then each generation it demotes (`forget …`). A preview that left those out would hide the step that matters.
 */
async function promotionPreview(ctx: StepContext, state: EchoState, target: Generation): Promise<PreviewReport["changes"]> {
  const { cname, zoneId } = (await promotionTarget(ctx.ports, ctx.definition))!;
  const address = (await describeDatabase(ctx.ports, ctx.definition, target.name))?.address;
  const flip = await flipChange(ctx, zoneId, cname, address);
  const promotion = await previewMove(ctx, target.name, await settingsAt(ctx, target.name, "promoted", { zoneId }), `promote ${target.name}`);
  const previous = byCondition(state, "promoted").filter((p) => p.name !== target.name);
  const demotions = await Promise.all(previous.map(async (p) => previewMove(ctx, p.name, await settingsAt(ctx, p.name, "forgotten"), forgetMessage(p, target.name))));
  return [{ label: promotion.label, set: { changes: [flip, ...promotion.set.changes] } }, ...demotions];
}

