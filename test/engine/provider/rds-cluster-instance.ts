/**
 * `aws:rds/clusterInstance:ClusterInstance`, after terraform-provider-aws internal/service/rds/cluster_instance.go:
 * schema flags (ForceNew: identifier, cluster_identifier, engine, db_subnet_group_name), `resourceClusterInstanceCreate`
 * (one CreateDBInstance with DBClusterIdentifier, no modify after), `resourceClusterInstanceUpdate` (one
 * ModifyDBInstance of the changed attributes, ApplyImmediately from `apply_immediately`), delete with
 * SkipFinalSnapshot: true (an instance of a cluster has no snapshot of its own). The id is the instance identifier.
 */
import { AddTagsToResourceCommand, CreateDBInstanceCommand, DeleteDBInstanceCommand, ModifyDBInstanceCommand, RemoveTagsFromResourceCommand, type CreateDBInstanceCommandInput, type DBInstance, type ModifyDBInstanceCommandInput } from "@aws-sdk/client-rds";
import type { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider/index.js";
import type { IgnoreTags } from "./config.js";
import { plannedChanges, type DiffRule } from "./diff.js";
import { describeAwsError, ResourceInitFailed } from "./errors.js";
import type { ProviderContext } from "./rds-instance.js";
import { truthy } from "./rds-instance-requests.js";
import { findClusterInstance, waitClusterInstanceAvailable, waitClusterInstanceDeleted } from "./rds-cluster-wait.js";
import { isNotFound } from "./rds-wait.js";
import { managedTags, tagChanges, tagsFromList, tagsToList } from "./tags.js";
import { booleanOf, containsUnknown, defined, isRecord, numberOf, plainBag, stringMapOf, stringOf, type PropertyBag } from "./values.js";

export const CLUSTER_INSTANCE_TYPE = "aws:rds/clusterInstance:ClusterInstance";

export const CLUSTER_INSTANCE_RULES: Readonly<Record<string, DiffRule>> = {
  identifier: { kind: "string", computed: true, forceNew: true },
  clusterIdentifier: { kind: "string", forceNew: true }, // Required
  engine: { kind: "string", forceNew: true }, // Required
  instanceClass: { kind: "string" }, // Required
  dbSubnetGroupName: { kind: "string", computed: true, forceNew: true },
  publiclyAccessible: { kind: "boolean", computed: true },
  autoMinorVersionUpgrade: { kind: "boolean", default: true },
  copyTagsToSnapshot: { kind: "boolean", default: false },
  applyImmediately: { kind: "boolean", computed: true },
  dbParameterGroupName: { kind: "string", computed: true },
  caCertIdentifier: { kind: "string", computed: true },
  monitoringInterval: { kind: "number", default: 0 },
  monitoringRoleArn: { kind: "string", computed: true },
  tags: { kind: "map" },
};
const INPUTS = new Set(Object.keys(CLUSTER_INSTANCE_RULES));
const NO_MODIFY = new Set(["tags", "applyImmediately"]);

export function checkClusterInstance(news: PropertyBag): CheckResult {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!INPUTS.has(key) && key !== "__defaults") failures.push({ property: key, reason: `the stand-in aws provider does not implement ${key}` });
  }
  for (const key of ["clusterIdentifier", "engine", "instanceClass"]) {
    if ((news[key] === undefined || news[key] === null || news[key] === "") && !containsUnknown(news[key])) failures.push({ property: key, reason: "Missing required argument" });
  }
  if ((news["identifier"] === undefined || news["identifier"] === null) && !containsUnknown(news["identifier"])) failures.push({ property: "identifier", reason: "the stand-in does not auto-name instances" });
  const interval = plainBag(news)["monitoringInterval"];
  if (typeof interval === "number" && ![0, 1, 5, 10, 15, 30, 60].includes(interval)) failures.push({ property: "monitoringInterval", reason: "expected to be one of [0 1 5 10 15 30 60]" });
  return { inputs: news, failures };
}

export function diffClusterInstance(olds: PropertyBag, news: PropertyBag): DiffResult & { readonly diffs: string[] } {
  const { changed, replaces } = plannedChanges(CLUSTER_INSTANCE_RULES, olds, news);
  return { changes: changed.length > 0, replaces, diffs: changed };
}

/** What `resourceClusterInstanceRead` sets. */
export function clusterInstanceOutputs(instance: DBInstance, ignore: IgnoreTags, writer?: boolean): PropertyBag {
  const tags = managedTags(tagsFromList(instance.TagList), ignore);
  return defined({
    identifier: instance.DBInstanceIdentifier,
    clusterIdentifier: instance.DBClusterIdentifier,
    arn: instance.DBInstanceArn,
    dbiResourceId: instance.DbiResourceId,
    engine: instance.Engine,
    engineVersion: instance.EngineVersion,
    engineVersionActual: instance.EngineVersion,
    instanceClass: instance.DBInstanceClass,
    endpoint: instance.Endpoint?.Address,
    port: instance.Endpoint?.Port,
    availabilityZone: instance.AvailabilityZone,
    dbSubnetGroupName: instance.DBSubnetGroup?.DBSubnetGroupName,
    publiclyAccessible: instance.PubliclyAccessible,
    autoMinorVersionUpgrade: instance.AutoMinorVersionUpgrade,
    copyTagsToSnapshot: instance.CopyTagsToSnapshot,
    dbParameterGroupName: instance.DBParameterGroups?.[0]?.DBParameterGroupName,
    caCertIdentifier: instance.CACertificateIdentifier,
    monitoringInterval: instance.MonitoringInterval ?? 0,
    monitoringRoleArn: instance.MonitoringRoleArn,
    promotionTier: instance.PromotionTier,
    storageEncrypted: instance.StorageEncrypted,
    kmsKeyId: instance.KmsKeyId,
    writer,
    tags,
    tagsAll: tags,
  });
}

export function clusterInstanceCreateRequest(inputs: PropertyBag, ignore: IgnoreTags): CreateDBInstanceCommandInput {
  const request: CreateDBInstanceCommandInput = {
    AutoMinorVersionUpgrade: booleanOf(inputs, "autoMinorVersionUpgrade") ?? true,
    CopyTagsToSnapshot: booleanOf(inputs, "copyTagsToSnapshot") ?? false,
    DBClusterIdentifier: stringOf(inputs, "clusterIdentifier"),
    DBInstanceClass: stringOf(inputs, "instanceClass"),
    DBInstanceIdentifier: stringOf(inputs, "identifier"),
    Engine: stringOf(inputs, "engine"),
    PubliclyAccessible: booleanOf(inputs, "publiclyAccessible") ?? false,
    Tags: tagsToList(managedTags(stringMapOf(inputs, "tags"), ignore)),
  };
  const set = <K extends keyof CreateDBInstanceCommandInput>(key: K, value: CreateDBInstanceCommandInput[K] | undefined) => {
    if (truthy(value)) request[key] = value;
  };
  // GUESS: ca_cert_identifier goes into the create (CreateDBInstance takes CACertificateIdentifier), not a modify.
  set("CACertificateIdentifier", stringOf(inputs, "caCertIdentifier"));
  set("DBParameterGroupName", stringOf(inputs, "dbParameterGroupName"));
  set("DBSubnetGroupName", stringOf(inputs, "dbSubnetGroupName"));
  set("MonitoringInterval", numberOf(inputs, "monitoringInterval"));
  set("MonitoringRoleArn", stringOf(inputs, "monitoringRoleArn"));
  return request;
}

export function clusterInstanceUpdateRequest(id: string, olds: PropertyBag, news: PropertyBag, changed: readonly string[]): ModifyDBInstanceCommandInput | undefined {
  if (!changed.some((key) => !NO_MODIFY.has(key))) return undefined;
  const planned: PropertyBag = { ...olds };
  for (const [key, rule] of Object.entries(CLUSTER_INSTANCE_RULES)) {
    if (news[key] !== undefined && news[key] !== null) planned[key] = news[key];
    else if (!rule.computed) planned[key] = rule.default;
  }
  const has = (key: string) => changed.includes(key);
  const input: ModifyDBInstanceCommandInput = { ApplyImmediately: booleanOf(planned, "applyImmediately") ?? false, DBInstanceIdentifier: id };
  if (has("autoMinorVersionUpgrade")) input.AutoMinorVersionUpgrade = booleanOf(planned, "autoMinorVersionUpgrade");
  if (has("caCertIdentifier")) input.CACertificateIdentifier = stringOf(planned, "caCertIdentifier");
  if (has("copyTagsToSnapshot")) input.CopyTagsToSnapshot = booleanOf(planned, "copyTagsToSnapshot");
  if (has("dbParameterGroupName")) input.DBParameterGroupName = stringOf(planned, "dbParameterGroupName");
  if (has("instanceClass")) input.DBInstanceClass = stringOf(planned, "instanceClass");
  if (has("monitoringInterval")) input.MonitoringInterval = numberOf(planned, "monitoringInterval") ?? 0;
  if (has("monitoringRoleArn")) input.MonitoringRoleArn = stringOf(planned, "monitoringRoleArn");
  if (has("publiclyAccessible")) input.PubliclyAccessible = booleanOf(planned, "publiclyAccessible");
  return input;
}

const APPLY_IMMEDIATELY_KEPT = (inputs: PropertyBag): PropertyBag => (inputs["applyImmediately"] !== undefined ? { applyImmediately: inputs["applyImmediately"] } : {});

export async function createClusterInstance(ctx: ProviderContext, inputs: PropertyBag): Promise<CreateResult> {
  const { rds } = ctx.clients();
  const ignore = ctx.config().ignoreTags;
  const plain = plainBag(inputs);
  const identifier = stringOf(plain, "identifier")!;
  try {
    await rds.send(new CreateDBInstanceCommand(clusterInstanceCreateRequest(plain, ignore)));
  } catch (error) {
    throw describeAwsError(`creating RDS Cluster (${stringOf(plain, "clusterIdentifier")}) Instance (${identifier})`, error);
  }
  try {
    const instance = await waitClusterInstanceAvailable(rds, identifier);
    return { id: identifier, outs: { ...clusterInstanceOutputs(instance, ignore), ...APPLY_IMMEDIATELY_KEPT(inputs) } };
  } catch (error) {
    throw new ResourceInitFailed(identifier, { identifier }, error);
  }
}

export async function readClusterInstance(ctx: ProviderContext, id: string, props: PropertyBag | undefined): Promise<ReadResult> {
  const prior = isRecord(props) ? props : {};
  if (Object.keys(prior).length === 0) throw new Error(`the stand-in does not implement importing ${CLUSTER_INSTANCE_TYPE} (${id})`);
  const instance = await findClusterInstance(ctx.clients().rds, id);
  if (!instance) return { id: "", props: {} };
  return { id, props: { ...clusterInstanceOutputs(instance, ctx.config().ignoreTags), ...APPLY_IMMEDIATELY_KEPT(prior) } };
}

export async function updateClusterInstance(ctx: ProviderContext, id: string, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult> {
  const { rds } = ctx.clients();
  const ignore = ctx.config().ignoreTags;
  const plainOlds = plainBag(olds);
  const plainNews = plainBag(news);
  const { changed } = plannedChanges(CLUSTER_INSTANCE_RULES, olds, news);
  if (changed.includes("tags")) {
    const arn = stringOf(plainOlds, "arn");
    const { remove, upsert } = tagChanges(stringMapOf(plainOlds, "tagsAll"), managedTags(stringMapOf(plainNews, "tags"), ignore), ignore);
    try {
      if (remove.length > 0) await rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: remove }));
      if (Object.keys(upsert).length > 0) await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagsToList(upsert) }));
    } catch (error) {
      throw describeAwsError(`updating tags of RDS Cluster Instance (${id})`, error);
    }
  }
  const modify = clusterInstanceUpdateRequest(id, plainOlds, plainNews, changed);
  if (modify) {
    await rds.send(new ModifyDBInstanceCommand(modify)).catch((error: unknown) => {
      throw describeAwsError(`updating RDS Cluster Instance (${id})`, error);
    });
  }
  const instance = await waitClusterInstanceAvailable(rds, id);
  return { outs: { ...clusterInstanceOutputs(instance, ignore), ...APPLY_IMMEDIATELY_KEPT(news) } };
}

export async function deleteClusterInstance(ctx: ProviderContext, id: string): Promise<void> {
  const { rds } = ctx.clients();
  try {
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }));
  } catch (error) {
    if (isNotFound(error)) return;
    throw describeAwsError(`deleting RDS Cluster Instance (${id})`, error);
  }
  await waitClusterInstanceDeleted(rds, id);
}
