/**
 * `aws:rds/instance:Instance`: check, diff, create, read, update, delete against RDS (moto), rule by rule after
 * terraform-provider-aws internal/service/rds/instance.go (see rds-instance-schema.ts and rds-instance-requests.ts
 * for the tables, rds-instance-point-in-time.ts for the restore_to_point_in_time path, rds-wait.ts for the waiters).
 *
 * The id is the DbiResourceId (`d.SetId(resourceID)` in `resourceInstanceCreate`, with the file's "NOTE ON ID,
 * IDENTIFIER": "ID … is the same as AWS calls the dbi-resource-id"; since provider v5, and so in pulumi-aws 7.x).
 * Lookups by id use the `dbi-resource-id` filter (`findDBInstanceByIDSDKv2`), falling back to an identifier.
 */
import {
  AddTagsToResourceCommand,
  DeleteDBInstanceCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type ModifyDBInstanceCommandInput,
} from "@aws-sdk/client-rds";
import type { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider/index.js";
import type { AwsClients } from "./clients.js";
import type { ProviderConfig } from "./config.js";
import { plannedChanges } from "./diff.js";
import { describeAwsError, ResourceInitFailed } from "./errors.js";
import { IMPORT_DEFAULTS, importInputs, passthroughFrom, readOutputs } from "./rds-instance-state.js";
import { checkPointInTime, pointInTimeBlock, pointInTimeRequests } from "./rds-instance-point-in-time.js";
import { restoreRequests, updateRequest } from "./rds-instance-requests.js";
import { INSTANCE_INPUTS, INSTANCE_RULES } from "./rds-instance-schema.js";

/** Required in the schema (the bridge's import keeps them whatever their value). */
const REQUIRED_INPUTS: ReadonlySet<string> = new Set(["instanceClass"]);
import { timeoutMs } from "./operation-timeouts.js";
import { failWaitForTest, findInstance, isNotFound, pauseAfterTags, TIMEOUTS_MS, waitAvailable, waitDeleted } from "./rds-wait.js";
import { managedTags, tagChanges, tagsToList } from "./tags.js";
import { containsUnknown, isRecord, numberOf, plainBag, stringMapOf, stringOf, type PropertyBag } from "./values.js";

export const INSTANCE_TYPE = "aws:rds/instance:Instance";

/** The provider's state the handler needs: the config from Configure and clients built from it. */
export interface ProviderContext {
  config(): ProviderConfig;
  clients(): AwsClients;
}

const FINAL_SNAPSHOT_RULES: [RegExp, boolean, string][] = [
  [/^[A-Za-z]/, true, "must begin with alphabetic character"],
  [/^[0-9A-Za-z-]+$/, true, "must only contain alphanumeric characters and hyphens"],
  [/--/, false, "cannot contain two consecutive hyphens"],
  [/-$/, false, "cannot end in a hyphen"],
];

/**
 * Schema validation (ValidateFunc) plus what the stand-in does not implement, refused rather than ignored. `olds` is
 * the prior state's inputs: with none, the resource is to be created, and only then do the create-path limits apply.
 */
export function checkInstance(news: PropertyBag, olds: PropertyBag = {}): CheckResult {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!INSTANCE_INPUTS.has(key) && key !== "__defaults") failures.push({ property: key, reason: `the stand-in aws provider does not implement ${key}` });
  }
  const known = (key: string) => news[key] !== undefined && !containsUnknown(news[key]);
  if (!known("instanceClass") && !containsUnknown(news["instanceClass"])) failures.push({ property: "instanceClass", reason: "Missing required argument" });
  // GUESS/limit: the real provider also creates from scratch, from S3, as a replica, and auto-names; the stand-in
  // implements only the snapshot and point-in-time paths with an explicit identifier, all rds-echo's program declares.
  // An instance that already exists (imported: RDS never reports what it was restored from, so its state and inputs
  // have no snapshot_identifier, Optional upstream) takes no create path: the limit applies to creates only (see
  // createInstance for a replacement).
  const creating = Object.keys(olds).length === 0;
  const pointInTime = news["restoreToPointInTime"] !== undefined && news["restoreToPointInTime"] !== null;
  if (creating && !pointInTime && !known("snapshotIdentifier") && !containsUnknown(news["snapshotIdentifier"])) {
    failures.push({ property: "snapshotIdentifier", reason: "the stand-in implements only the restore paths (from a snapshot, to a point in time)" });
  }
  if (pointInTime && known("snapshotIdentifier")) failures.push({ property: "restoreToPointInTime", reason: '"restore_to_point_in_time": conflicts with snapshot_identifier' });
  failures.push(...checkPointInTime(news));
  if (!known("identifier") && !containsUnknown(news["identifier"])) failures.push({ property: "identifier", reason: "the stand-in does not auto-name instances" });
  // The replica paths (CreateDBInstanceReadReplica at create, PromoteReadReplica for an update to "") are not
  // implemented: only an absent replicateSourceDb is accepted, never a declared one.
  if (news["replicateSourceDb"] !== undefined && news["replicateSourceDb"] !== null) failures.push({ property: "replicateSourceDb", reason: "the stand-in aws provider does not implement read replicas" });
  const plain = plainBag(news);
  const finalSnapshot = known("finalSnapshotIdentifier") ? stringOf(plain, "finalSnapshotIdentifier") : undefined;
  for (const [pattern, mustMatch, reason] of FINAL_SNAPSHOT_RULES) {
    if (finalSnapshot !== undefined && pattern.test(finalSnapshot) !== mustMatch) failures.push({ property: "finalSnapshotIdentifier", reason });
  }
  const retention = known("backupRetentionPeriod") ? numberOf(plain, "backupRetentionPeriod") : undefined;
  if (retention !== undefined && (retention < 0 || retention > 35)) failures.push({ property: "backupRetentionPeriod", reason: "expected to be in the range (0 - 35)" });
  const interval = known("monitoringInterval") ? numberOf(plain, "monitoringInterval") : undefined;
  if (interval !== undefined && ![0, 1, 5, 10, 15, 30, 60].includes(interval)) failures.push({ property: "monitoringInterval", reason: "expected to be one of [0 1 5 10 15 30 60]" });
  return { inputs: news, failures };
}

/**
 * `ignoreChanges`: the resource option's paths, which the engine sends with Diff (DiffRequest.ignoreChanges) besides
 * putting the old inputs' values into `news`. The bridge drops them from Terraform's diff too
 * (pulumi-terraform-bridge pkg/tfbridge/diff.go `computeIgnoreChanges`: a path counts when the state or the news
 * hold its key), so an ignored attribute whose state differs from the program's (absent) value is no change.
 * GUESS: a path is a top-level key here (rds-echo ignores only those); an absent key in both is not dropped.
 */
export function diffInstance(olds: PropertyBag, news: PropertyBag, ignoreChanges: readonly string[] = []): DiffResult & { readonly diffs: string[] } {
  const ignored = (key: string) => ignoreChanges.includes(key) && (key in olds || key in news);
  const planned = plannedChanges(INSTANCE_RULES, olds, news);
  const changed = planned.changed.filter((key) => !ignored(key));
  const replaces = planned.replaces.filter((key) => !ignored(key));
  // GUESS: no deleteBeforeReplace. The bridge does not ask for it for aws_db_instance, so a replacement with a
  // fixed identifier is create-before-delete and fails on the name, as it would for real.
  // `diffs`: the changed properties, which the bridge's Diff reports and the engine passes on in its events. The
  // provider's `tags_all` (Computed: the tags with the provider's default tags) changes with `tags`, and the bridge
  // names both (a real post-import preview listed `tags, tagsAll`).
  return { changes: changed.length > 0, replaces, diffs: changed.includes("tags") ? [...changed, "tagsAll"] : changed };
}

/** The outputs after a create or update: what RDS reports, plus the inputs RDS never reports, defaults applied. */
function stateAfterWrite(instance: Parameters<typeof readOutputs>[0], config: ProviderConfig, inputs: PropertyBag): PropertyBag {
  const withDefaults: PropertyBag = { ...inputs };
  for (const key of ["applyImmediately", "skipFinalSnapshot", "deleteAutomatedBackups"] as const) {
    withDefaults[key] ??= INSTANCE_RULES[key]?.default;
  }
  return { ...readOutputs(instance, config.ignoreTags), ...passthroughFrom(withDefaults) };
}

export async function createInstance(ctx: ProviderContext, inputs: PropertyBag): Promise<CreateResult> {
  const { rds } = ctx.clients();
  const config = ctx.config();
  const plain = plainBag(inputs);
  const identifier = stringOf(plain, "identifier")!;
  // The branch resourceInstanceCreate takes: snapshot_identifier first, then restore_to_point_in_time.
  const toPointInTime = stringOf(plain, "snapshotIdentifier") === undefined && pointInTimeBlock(plain) !== undefined;
  // The create-path limit (see checkInstance), for a replacement of an instance that had neither.
  if (!toPointInTime && stringOf(plain, "snapshotIdentifier") === undefined) {
    throw new Error(`creating RDS DB Instance (${identifier}): the stand-in implements only the restore paths (from a snapshot, to a point in time)`);
  }
  let modify: ModifyDBInstanceCommandInput | undefined;
  let resourceId: string | undefined;
  try {
    if (toPointInTime) {
      const requests = pointInTimeRequests(plain, config.ignoreTags);
      modify = requests.modify;
      resourceId = (await rds.send(new RestoreDBInstanceToPointInTimeCommand(requests.restore))).DBInstance?.DbiResourceId;
    } else {
      const requests = restoreRequests(plain, config.ignoreTags);
      modify = requests.modify;
      resourceId = (await rds.send(new RestoreDBInstanceFromDBSnapshotCommand(requests.restore))).DBInstance?.DbiResourceId;
    }
  } catch (error) {
    throw describeAwsError(`creating RDS DB Instance (${toPointInTime ? "restore to point-in-time" : "restore from snapshot"}) (${identifier})`, error);
  }
  // The first wait comes before the id is set (resourceInstanceCreate: waitDBInstanceAvailableSDKv1, then
  // d.SetId(resourceID)): a failed wait is a plain error, and the engine records neither the instance nor a pending
  // create, although RDS has the instance. Only from the id on does a failure keep it in the state.
  let id: string;
  try {
    await failWaitForTest(identifier);
    const restored = await waitAvailable(rds, identifier, timeoutMs("create", TIMEOUTS_MS.create));
    id = resourceId ?? restored.DbiResourceId ?? identifier;
  } catch (error) {
    throw describeAwsError(`waiting for RDS DB Instance (${identifier}) create`, error);
  }
  try {
    if (modify) {
      await rds.send(new ModifyDBInstanceCommand(modify)).catch((error: unknown) => {
        throw describeAwsError(`updating RDS DB Instance (${identifier})`, error);
      });
      await waitAvailable(rds, id, TIMEOUTS_MS.update, identifier);
    }
    const instance = await findInstance(rds, id, identifier);
    if (!instance) throw new Error(`reading RDS DB Instance (${identifier}): not found after create`);
    return { id, outs: stateAfterWrite(instance, config, inputs) };
  } catch (error) {
    throw new ResourceInitFailed(id, { ...passthroughFrom(inputs), identifier }, error);
  }
}

/**
 * Refresh and import. The bridge treats a Read with no prior state as an import (pulumi-terraform-bridge
 * `Provider.Read`: no properties means "get", which runs the resource's importer): then `resourceInstanceImport`'s
 * defaults apply and the inputs are derived from what was read. A refresh keeps the attributes RDS never reports
 * from the prior state. An instance RDS no longer has is gone: an empty id drops it from the state.
 */
export async function readInstance(ctx: ProviderContext, id: string, props: PropertyBag | undefined, inputs?: PropertyBag): Promise<ReadResult> {
  const prior = isRecord(props) ? props : {};
  const importing = Object.keys(prior).length === 0;
  const known = stringOf(plainBag(prior), "identifier") ?? stringOf(plainBag(inputs), "identifier");
  const instance = await findInstance(ctx.clients().rds, id, known);
  if (!instance) return { id: "", props: {} };
  const outputs = { ...readOutputs(instance, ctx.config().ignoreTags), ...passthroughFrom(importing ? IMPORT_DEFAULTS : prior) };
  // GUESS: the id stays the one asked for (resourceInstanceRead never calls SetId), so an import by identifier keeps
  // the identifier as id, while a create's id is the DbiResourceId.
  return importing ? { id, props: outputs, inputs: importInputs(outputs, INSTANCE_RULES, REQUIRED_INPUTS) } : { id, props: outputs };
}

export async function updateInstance(ctx: ProviderContext, id: string, olds: PropertyBag, planned: PropertyBag, ignoreChanges: readonly string[] = []): Promise<UpdateResult> {
  const { rds } = ctx.clients();
  const config = ctx.config();
  // An ignored attribute is not in the applied diff (see diffInstance): it keeps its prior state.
  const news: PropertyBag = { ...planned };
  for (const key of ignoreChanges) if (key in olds) news[key] = olds[key];
  const plainOlds = plainBag(olds);
  const plainNews = plainBag(news);
  // What `d.HasChange` sees: an attribute null in the state (after an import) planned at its zero value is no
  // change here, though the plan named it (diff.ts).
  const { modified: changed } = plannedChanges(INSTANCE_RULES, olds, news);
  const identifier = stringOf(plainOlds, "identifier") ?? id;
  // `if d.HasChange("replicate_source_db")` comes first upstream: PromoteReadReplica for "", else an error. The
  // stand-in implements neither (a program that leaves replicateSourceDb out of ignoreChanges meets this).
  if (changed.includes("replicateSourceDb")) {
    throw new Error(
      stringOf(plainNews, "replicateSourceDb")
        ? "cannot elect new source database for replication"
        : `promoting RDS DB Instance (${identifier}): the stand-in aws provider does not implement PromoteReadReplica (the state names ${stringOf(plainOlds, "replicateSourceDb")} as its source)`,
    );
  }
  // Tags first, by ARN (the transparent-tagging interceptor's `updateTags`): removed keys, then new/changed ones.
  if (changed.includes("tags")) {
    const arn = stringOf(plainOlds, "arn");
    const oldTags = Object.keys(stringMapOf(plainOlds, "tagsAll")).length > 0 ? stringMapOf(plainOlds, "tagsAll") : stringMapOf(plainOlds, "tags");
    const { remove, upsert } = tagChanges(oldTags, managedTags(stringMapOf(plainNews, "tags"), config.ignoreTags), config.ignoreTags);
    try {
      if (remove.length > 0) await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: remove }));
      if (Object.keys(upsert).length > 0) await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagsToList(upsert) }));
    } catch (error) {
      throw describeAwsError(`updating tags of RDS DB Instance (${identifier})`, error);
    }
    await pauseAfterTags(identifier);
  }
  const modify = updateRequest(plainOlds, plainNews, changed);
  const renamed = modify?.NewDBInstanceIdentifier ?? identifier;
  if (modify) {
    await refuseNoModification(rds, id, identifier, modify);
    await rds.send(new ModifyDBInstanceCommand(modify)).catch((error: unknown) => {
      throw describeAwsError(`updating RDS DB Instance (${identifier})`, error);
    });
    await waitAvailable(rds, id, timeoutMs("update", TIMEOUTS_MS.update), renamed);
  }
  const instance = await findInstance(rds, id, renamed);
  if (!instance) throw new Error(`reading RDS DB Instance (${identifier}): not found after update`);
  return { outs: stateAfterWrite(instance, config, news) };
}

/**
 * `resourceInstanceDelete`: everything comes from the STATE (the last applied values), not the program. A final
 * snapshot is taken by DeleteDBInstance itself unless skipFinalSnapshot; with neither a skip nor a name the delete
 * fails before any call. Deletion protection switched on out of band is lifted only when the state says it is off
 * and applyImmediately is on (upstream matches the InvalidParameterCombination "disable deletion pro…" error).
 */
export async function deleteInstance(ctx: ProviderContext, id: string, props: PropertyBag): Promise<void> {
  const { rds } = ctx.clients();
  const state = plainBag(props);
  const identifier = stringOf(state, "identifier") ?? id;
  const skip = state["skipFinalSnapshot"] === true;
  const finalSnapshot = stringOf(state, "finalSnapshotIdentifier");
  if (!skip && !finalSnapshot) throw new Error("final_snapshot_identifier is required when skip_final_snapshot is false");
  const input = {
    DBInstanceIdentifier: identifier,
    DeleteAutomatedBackups: state["deleteAutomatedBackups"] !== false,
    SkipFinalSnapshot: skip,
    ...(skip ? {} : { FinalDBSnapshotIdentifier: finalSnapshot }),
  };
  const attempt = () => rds.send(new DeleteDBInstanceCommand(input));
  try {
    try {
      await attempt();
    } catch (error) {
      const protectedError = error instanceof Error && error.name === "InvalidParameterCombination" && error.message.includes("disable deletion pro");
      if (!protectedError || state["deletionProtection"] === true || state["applyImmediately"] !== true) throw error;
      await rds.send(new ModifyDBInstanceCommand({ ApplyImmediately: true, DBInstanceIdentifier: identifier, DeletionProtection: false }));
      await waitAvailable(rds, id, TIMEOUTS_MS.update, identifier);
      await attempt();
    }
  } catch (error) {
    if (isNotFound(error)) return;
    const alreadyDeleting = error instanceof Error && error.name === "InvalidDBInstanceState" && error.message.includes("is already being deleted");
    if (!alreadyDeleting) throw describeAwsError(`deleting RDS DB Instance (${identifier})`, error);
  }
  await waitDeleted(rds, id, timeoutMs("delete", TIMEOUTS_MS.delete), identifier);
}

/**
 * RDS answers a ModifyDBInstance that changes nothing with InvalidParameterCombination "No modifications were
 * requested" (seen from real RDS for an adopted instance whose only diff was applyImmediately: upstream sends the
 * request then, with `DeletionProtection` always set); moto accepts it, so the stand-in refuses it as RDS does.
 * GUESS: RDS compares every field; the stand-in knows no request of rds-echo's that carries anything but
 * DeletionProtection unchanged, so only that one is compared.
 */
async function refuseNoModification(rds: AwsClients["rds"], id: string, identifier: string, modify: ModifyDBInstanceCommandInput): Promise<void> {
  const { DBInstanceIdentifier: _id, ApplyImmediately: _apply, DeletionProtection: protection, ...changes } = modify;
  if (Object.values(changes).some((v) => v !== undefined)) return;
  const live = await findInstance(rds, id, identifier);
  if (live && (live.DeletionProtection ?? false) === (protection ?? false)) {
    throw new Error(`updating RDS DB Instance (${identifier}): InvalidParameterCombination: No modifications were requested`);
  }
}
