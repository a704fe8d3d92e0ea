/**
 * `migrate --adopt`: the instances the original (Java) rds-echo restored become generations of this echo, each in a
 * stack of its own, so the normal lifecycle promotes past them and retires them. The live CNAME decides which one is
 * promoted (the original never demoted anything: several may carry its `promoted` tag); every other one it promoted
 * becomes forgotten. Unfinished ones (new, modified, rebooted) are left to the original: rds-echo restores its own.
 *
 * Nothing changes in AWS but the `echo:` tags the program declares: the import reads resources as they are, the
 * program declares an adopted instance with every setting ignored, and its provider ignores the `rdsecho:` tags.
 */
import { generationName } from "../definition/identifiers.js";
import { GuardError, UsageError } from "../errors.js";
import { legacyManagedTag, legacyStageTag } from "../migrate/legacy.js";
import { instanceTags } from "../program/generation.js";
import { CNAME_RESOURCE, INSTANCE_RESOURCE, INSTANCE_TYPE, RECORD_TYPE } from "../program/resource-types.js";
import type { ProgramStage } from "../program/stages.js";
import { TAG_MANAGED } from "../program/tags.js";
import type { ChangeSet, GenerationSettings, ImportedResource, InstanceInfo, ValueDiff } from "../ports.js";
import { confirmChanges } from "./confirm.js";
import type { InstanceStepContext, StepContext, StepReport } from "./context.js";
import { isClusterEcho } from "../definition/schema.js";
import type { EchoState } from "./echo-state.js";
import { promotionTarget } from "./zone.js";

export interface Adoption {
  readonly instance: InstanceInfo;
  readonly generation: string;
  readonly stage: Extract<ProgramStage, "promoted" | "forgotten">;
  readonly settings: GenerationSettings;
  readonly resources: readonly ImportedResource[];
}

export interface AdoptionPlan {
  readonly adoptions: readonly Adoption[];
  /** Instances of the original's that are not adopted, and why. */
  readonly skipped: readonly { readonly instance: string; readonly reason: string }[];
}

/**
 * Inputs an adoption's first update may change: the tags (and `tagsAll`, the provider's computed copy of them, which
 * the real provider's diff names with them), and what the provider keeps only in its state. An import leaves those
 * unset or at the importer's values (terraform-provider-aws instance.go: `resourceInstanceRead` sets none of them,
 * `resourceInstanceImport` sets skip_final_snapshot and delete_automated_backups to true), and the update excepts
 * them from its ModifyDBInstance (`HasChangesExcept(…, "delete_automated_backups", "final_snapshot_identifier",
 * "skip_final_snapshot", "tags", "tags_all")`): setting them changes nothing in AWS. `allowOverwrite` is the CNAME
 * record's, which the import leaves unset too.
 */
const ADOPTION_KEYS = new Set(["tags", "tagsAll", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier", "deleteAutomatedBackups", "allowOverwrite"]);

/**
 * `applyImmediately` is not in that list: unset in the state after the import, it is named by the plan whatever it
 * plans, and only a plan of `true` is a change the provider's Update sees (`d.HasChange` reads unset as false), which
 * then sends a ModifyDBInstance with nothing to modify (RDS refuses it). So it is accepted unless it turns true.
 */
function turnsOnApplyImmediately(change: ChangeSet["changes"][number]): boolean {
  return (change.diffs ?? []).some((d) => d.key === "applyImmediately" && d.new === "true");
}

/** The changes of an adoption's first update that would do more in AWS than set tags (refused). */
export function beyondAdoption(changes: ChangeSet["changes"]): ChangeSet["changes"] {
  return changes.filter(
    (c) => c.op !== "same" && c.type !== "pulumi:providers:aws" && (c.op !== "update" || (c.keys ?? []).some((k) => !ADOPTION_KEYS.has(k)) || turnsOnApplyImmediately(c)),
  );
}

export async function planAdoption(ctx: StepContext, state: EchoState, legacyName: string): Promise<AdoptionPlan> {
  const { ports, definition } = ctx;
  // The original (Java) rds-echo restored only instances: there is no cluster of it to adopt.
  if (isClusterEcho(definition)) throw new UsageError(`migrate --adopt: ${definition.echo} echoes an Aurora cluster (source.cluster); the original rds-echo restored only instances, so there is nothing to adopt`);
  const echo = definition.echo;
  const legacy = (await ports.rds.instancesTagged(legacyManagedTag(legacyName), "true")).sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  if (legacy.length === 0) {
    throw new UsageError(`no instance in ${definition.region} carries ${legacyManagedTag(legacyName)}=true; check --legacy-name (the original's rdsecho.name) and the definition's region`);
  }
  const target = await promotionTarget(ports, definition);
  const live = target && (await ports.dns.readCname(target.zoneId, target.cname));
  const served = legacy.find((i) => live !== undefined && i.address === live.target);
  const stageOf = (i: InstanceInfo) => i.tags[legacyStageTag(legacyName)];

  const promotedByUs = state.generations.find((g) => g.condition === "promoted");
  if (served && promotedByUs && promotedByUs.instance?.id !== served.id) {
    throw new GuardError(`adopt: ${target!.cname} serves the original's ${served.id}, yet ${promotedByUs.name} is promoted by rds-echo; resolve that by hand first`);
  }
  const unserved = legacy.filter((i) => i !== served && stageOf(i) === "promoted" && i.status !== "deleting");
  if (!served && unserved.length > 0) {
    throw new GuardError(
      `adopt: the original promoted ${unserved.map((i) => i.id).join(", ")}, but ${target ? `${target.cname} reads ${live?.target ?? "nothing"}` : "the definition has no promote.cname"}: ` +
        "none of its instances is served by the definition's CNAME. Check promote.cname (and zone) before adopting: a wrong one would let rds-echo retire the database in use",
    );
  }
  if (served && target && live && live.ttl !== definition.promote!.ttl) {
    throw new GuardError(`adopt: ${target.cname}'s live TTL is ${live.ttl}, the definition's promote.ttl ${definition.promote!.ttl}; set promote.ttl: ${live.ttl} so adopting leaves the record as it is`);
  }

  const adoptions: Adoption[] = [];
  const skipped: { instance: string; reason: string }[] = [];
  for (const instance of legacy) {
    const stage = stageOf(instance);
    if (instance.tags[TAG_MANAGED] === echo) {
      skipped.push({ instance: instance.id, reason: `already adopted (${instance.tags["echo:generation"] ?? "?"})` });
      continue;
    }
    if (instance.status === "deleting" || stage === "retired") {
      skipped.push({ instance: instance.id, reason: "retired by the original" });
      continue;
    }
    if (instance !== served && stage !== "promoted" && stage !== "forgotten") {
      skipped.push({ instance: instance.id, reason: `at the original's stage ${stage ?? "(no stage tag)"}: finish it with the original or delete it; rds-echo restores its own next generation` });
      continue;
    }
    if (!instance.createdAt || !instance.resourceId) {
      skipped.push({ instance: instance.id, reason: "RDS reports no creation time or DbiResourceId yet" });
      continue;
    }
    const generation = generationName(echo, instance.createdAt);
    const existing = await ports.engine.settings(generation);
    if (existing && existing.adopted !== instance.id) {
      skipped.push({ instance: instance.id, reason: `its generation name ${generation} is taken by another stack` });
      continue;
    }
    const promoted = instance === served;
    const settings: GenerationSettings = {
      echo,
      stage: promoted ? "promoted" : "forgotten",
      snapshot: `legacy:${instance.id}`,
      ...(promoted ? { zoneId: target!.zoneId } : {}),
      adopted: instance.id,
    };
    const resources: ImportedResource[] = [
      { type: INSTANCE_TYPE, name: INSTANCE_RESOURCE, id: instance.resourceId },
      ...(promoted ? [{ type: RECORD_TYPE, name: CNAME_RESOURCE, id: `${target!.zoneId}_${target!.cname}_CNAME` }] : []),
    ];
    adoptions.push({ instance, generation, stage: settings.stage as Adoption["stage"], settings, resources });
  }
  return { adoptions, skipped };
}

/** What the adoption will do to each instance: import it (and the CNAME record), then set the program's tags. */
export function adoptionChanges(ctx: InstanceStepContext, adoption: Adoption): ChangeSet {
  const wanted = instanceTags({ definition: ctx.definition, generation: adoption.generation, stage: adoption.stage, snapshot: adoption.settings.snapshot, adopted: adoption.instance.id });
  const current = Object.fromEntries(Object.entries(adoption.instance.tags).filter(([k]) => !k.startsWith("rdsecho:") && !k.startsWith("echo:approval:")));
  const diffs: ValueDiff[] = [];
  for (const key of new Set([...Object.keys(current), ...Object.keys(wanted)])) {
    if (current[key] === wanted[key]) continue;
    diffs.push({ key: `tags["${key}"]`, ...(current[key] !== undefined ? { old: current[key] } : {}), ...(wanted[key] !== undefined ? { new: wanted[key] } : {}) });
  }
  return {
    changes: [
      { op: "update", type: INSTANCE_TYPE, name: `${INSTANCE_RESOURCE} (import ${adoption.instance.id}, ${adoption.instance.resourceId})`, keys: ["tags"], diffs },
      ...adoption.resources.filter((r) => r.type === RECORD_TYPE).map((r) => ({ op: "same" as const, type: r.type, name: `${r.name} (import ${r.id})` })),
    ],
  };
}

export async function adoptLegacy(ctx: StepContext, state: EchoState, legacyName: string, options: { preview: boolean }): Promise<{ reports: StepReport[]; plan: AdoptionPlan }> {
  const { ports, definition } = ctx;
  const plan = await planAdoption(ctx, state, legacyName);
  if (isClusterEcho(definition)) return { reports: [], plan }; // planAdoption refused it already
  for (const s of plan.skipped) ports.output.step(`not adopting ${s.instance}: ${s.reason}`);
  if (plan.adoptions.length === 0) return { reports: [], plan };
  const labelled = plan.adoptions.map((a) => ({
    label: `adopt ${a.instance.id} as ${a.generation} (${a.stage}${a.stage === "promoted" ? `, with the CNAME record ${ctx.definition.promote?.cname}` : ""})`,
    set: adoptionChanges({ ...ctx, definition }, a),
  }));
  if (options.preview) {
    for (const { label, set } of labelled) ports.output.changes(label, set);
    return { reports: [], plan };
  }
  await confirmChanges(ports, `adopt ${plan.adoptions.map((a) => a.instance.id).join(", ")}`, labelled, ctx.options);
  const reports: StepReport[] = [];
  for (const adoption of plan.adoptions) {
    const { generation, settings, instance } = adoption;
    const message = `adopt ${instance.id} as ${generation} (${adoption.stage})`;
    await ports.engine.importGeneration(generation, settings, adoption.resources, { message });
    // The safety net: after the import, the program's first update may only set tags (the preview says so, or nothing moves).
    const check = await ports.engine.preview(generation, settings, { message });
    const beyond = beyondAdoption(check.changes);
    if (beyond.length > 0) {
      throw new GuardError(
        `adopt ${instance.id}: after the import, the program would ${beyond.map((c) => `${c.op} ${c.name}${c.keys?.length ? ` (${c.keys.join(", ")})` : ""}`).join("; ")}; ` +
          `nothing was changed in AWS (the stack ${generation} holds the import). Align the definition, then rerun migrate --adopt`,
      );
    }
    await ports.engine.update(generation, settings, { message });
    reports.push({ step: "adopt", generation, detail: `${instance.id} at stage ${adoption.stage}${adoption.stage === "promoted" ? ` (${ctx.definition.promote?.cname} -> ${instance.address})` : ""}` });
  }
  return { reports, plan };
}
