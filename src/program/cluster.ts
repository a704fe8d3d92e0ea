/**
 * The Pulumi program of one generation of a cluster echo: one `aws.rds.Cluster` restored from the pinned cluster
 * snapshot or cloned (copy-on-write) from the pinned source cluster, and `cluster.instances` `ClusterInstance`s in it.
 *
 * As for an instance echo (generation.ts), every input that could force a replacement comes from functions that do
 * not look at the stage, and logical names never change: a stage move updates the cluster and its instances, never
 * replaces them. Force-new inputs (terraform-provider-aws internal/service/rds/cluster.go and cluster_instance.go):
 * the cluster's identifier, engine, snapshotIdentifier, restoreToPointInTime, dbSubnetGroupName, storageEncrypted,
 * kmsKeyId, masterUsername, databaseName; an instance's identifier, clusterIdentifier, engine, dbSubnetGroupName.
 * `storageEncrypted` and `kmsKeyId` are computed on a cluster (unlike an instance), so leaving them undeclared is no
 * change: the cluster inherits the snapshot's or the source's encryption.
 */
import { Provider } from "@pulumi/aws/provider.js";
import { Cluster } from "@pulumi/aws/rds/cluster.js";
import { ClusterInstance, type ClusterInstanceArgs } from "@pulumi/aws/rds/clusterInstance.js";
import { Record as DnsRecord } from "@pulumi/aws/route53/record.js";
import * as pulumi from "@pulumi/pulumi";
import { clusterInstanceId, type ClusterEchoDefinition } from "../definition/cluster-schema.js";
import { parseDuration, pulumiTimeout } from "../definition/duration.js";
import { CNAME_RESOURCE, PROVIDER_RESOURCE, type GenerationOutputs, type GenerationSpec } from "./generation.js";
import { deletionProtectionAt, finalSnapshotArgs } from "./shared-args.js";
import { hasModifications, type ProgramStage } from "./stages.js";
import { OUT_OF_BAND_TAG_PREFIXES, snapshotTagValue, TAG_GENERATION, TAG_MANAGED, TAG_ROLLED_BACK, TAG_SNAPSHOT, TAG_STAGE } from "./tags.js";

/** Logical names: fixed forever. Instance n is `instance-<n>`. */
export const CLUSTER_RESOURCE = "cluster";
export const READER_CNAME_RESOURCE = "reader-cname";
export const clusterInstanceResource = (n: number) => `instance-${n}`;

/** What a cluster generation is made of; `cloneOf` or `snapshot` says where its data comes from. */
export interface ClusterGenerationSpec extends Omit<GenerationSpec, "definition"> {
  readonly definition: ClusterEchoDefinition;
}

/** How a clone is declared: copy-on-write from the source as of the moment RDS creates it. */
export function cloneArgs(sourceCluster: string) {
  return { sourceClusterIdentifier: sourceCluster, restoreType: "copy-on-write", useLatestRestorableTime: true };
}

/** The cluster's restore-time inputs: identical at every stage. */
export function clusterRestoreArgs(spec: Pick<ClusterGenerationSpec, "definition" | "generation" | "snapshot" | "cloneOf" | "engine">) {
  const { definition: d, generation } = spec;
  if (!spec.engine) throw new Error(`${generation}: the cluster's engine was not pinned (stack config rds-echo:engine)`);
  return {
    clusterIdentifier: generation,
    engine: spec.engine,
    ...(spec.cloneOf ? { restoreToPointInTime: cloneArgs(spec.cloneOf) } : { snapshotIdentifier: spec.snapshot }),
    dbSubnetGroupName: d.cluster.subnetGroup,
    port: d.cluster.port,
    copyTagsToSnapshot: d.cluster.copyTagsToSnapshot,
    // Modifications must take effect now, not in the next maintenance window.
    applyImmediately: true,
    ...finalSnapshotArgs(d, generation),
  };
}

/** Cluster-wide settings RDS takes after create; declared from `modified` on. Deletion protection lifts when forgotten. */
export function clusterModificationArgs<Secret>(definition: ClusterEchoDefinition, masterPassword: Secret | undefined, stage: ProgramStage = "modified") {
  const m = definition.modify;
  return {
    dbClusterParameterGroupName: m.clusterParameterGroup,
    vpcSecurityGroupIds: m.vpcSecurityGroupIds,
    backupRetentionPeriod: m.backupRetentionPeriod,
    masterPassword: m.masterPassword ? masterPassword : undefined,
    iamDatabaseAuthenticationEnabled: m.iamDatabaseAuthentication,
    deletionProtection: deletionProtectionAt(stage, m.deletionProtection),
  };
}

/** An instance's restore-time inputs: identical at every stage. */
export function clusterInstanceArgs(spec: Pick<ClusterGenerationSpec, "definition" | "generation" | "engine">, n: number) {
  const { definition: d, generation } = spec;
  return {
    identifier: clusterInstanceId(generation, n),
    clusterIdentifier: generation,
    // The SDK types the engine as an enum of known names; the pinned one is what RDS reported for the source.
    engine: (spec.engine ?? "") as ClusterInstanceArgs["engine"],
    instanceClass: d.cluster.class,
    dbSubnetGroupName: d.cluster.subnetGroup,
    publiclyAccessible: d.cluster.publiclyAccessible,
    autoMinorVersionUpgrade: d.cluster.autoMinorVersionUpgrade,
    copyTagsToSnapshot: d.cluster.copyTagsToSnapshot,
    applyImmediately: true,
  };
}

/** Per-instance settings RDS takes after create: the DB parameter group, CA, monitoring. */
export function clusterInstanceModificationArgs(definition: ClusterEchoDefinition) {
  const m = definition.modify;
  return {
    dbParameterGroupName: m.parameterGroup,
    caCertIdentifier: m.caCertificate,
    monitoringInterval: m.monitoring?.interval,
    monitoringRoleArn: m.monitoring?.roleArn,
  };
}

/** The tags of the cluster and of each instance (so IAM's echo:managed conditions hold for both). */
export function clusterTags(spec: Pick<ClusterGenerationSpec, "definition" | "generation" | "stage" | "snapshot" | "rolledBack">): Record<string, string> {
  const { definition, generation, stage, snapshot, rolledBack } = spec;
  return {
    ...definition.cluster.tags,
    ...(stage === "promoted" ? definition.promote?.tags : {}),
    [TAG_MANAGED]: definition.echo,
    [TAG_GENERATION]: generation,
    [TAG_STAGE]: stage,
    [TAG_SNAPSHOT]: snapshotTagValue(snapshot),
    // rollback's mark (flip.ts), read back from the cluster by echo-state.ts as for an instance.
    ...(rolledBack !== undefined ? { [TAG_ROLLED_BACK]: rolledBack } : {}),
  };
}

/** Declares a cluster generation's resources. Must run inside a Pulumi program (real engine or mock runtime). */
export function clusterProgram(spec: ClusterGenerationSpec): GenerationOutputs {
  const { definition: d, generation, stage } = spec;
  if (d.modify.masterPassword && hasModifications(stage) && spec.masterPassword === undefined) {
    throw new Error(`${generation}: modify.masterPassword references secret "${d.modify.masterPassword.secret}" but no value was given`);
  }
  const provider = new Provider(PROVIDER_RESOURCE, { region: d.region, profile: d.profile, ignoreTags: { keyPrefixes: [...OUT_OF_BAND_TAG_PREFIXES] } });
  const minutes = (text: string) => pulumiTimeout(parseDuration(text) ?? 0);
  const customTimeouts = { create: minutes(d.timeouts.create), update: minutes(d.timeouts.update), delete: minutes(d.timeouts.delete) };
  const tags = clusterTags(spec);
  const modified = hasModifications(stage);

  const cluster = new Cluster(
    CLUSTER_RESOURCE,
    {
      ...clusterRestoreArgs(spec),
      ...(modified ? clusterModificationArgs(d, spec.masterPassword && pulumi.secret(spec.masterPassword), stage) : {}),
      tags,
    },
    { provider, customTimeouts },
  );
  for (let n = 1; n <= d.cluster.instances; n++) {
    // The cluster's identifier is fixed and known at every stage, so it is declared as a value (never "known after
    // apply" in a preview); dependsOn keeps the order: the cluster first, its instances after, deleted before it.
    new ClusterInstance(
      clusterInstanceResource(n),
      { ...clusterInstanceArgs(spec, n), ...(modified ? clusterInstanceModificationArgs(d) : {}), tags },
      { provider, customTimeouts, dependsOn: [cluster] },
    );
  }

  let cname: string | undefined;
  let readerCname: string | undefined;
  if (stage === "promoted") {
    const promote = d.promote;
    if (!promote?.cname) throw new Error(`${generation}: cannot be promoted: the definition has no promote.cname`);
    const zoneId = promote.zoneId ?? spec.zoneId;
    if (!zoneId) throw new Error(`${generation}: the hosted zone of ${promote.cname} was not resolved`);
    cname = promote.cname;
    // The record outlives this stack's claim on it: demotion hands it to the next generation, never deletes it.
    const record = (name: string, logical: string, target: pulumi.Output<string>) =>
      new DnsRecord(logical, { zoneId, name, type: "CNAME", ttl: promote.ttl, records: [target], allowOverwrite: true }, { provider, retainOnDelete: true });
    record(promote.cname, CNAME_RESOURCE, cluster.endpoint);
    if (promote.readerCname) {
      readerCname = promote.readerCname;
      record(promote.readerCname, READER_CNAME_RESOURCE, cluster.readerEndpoint);
    }
  }

  return {
    instanceId: cluster.clusterIdentifier,
    address: cluster.endpoint,
    readerAddress: cluster.readerEndpoint,
    port: cluster.port,
    stage,
    snapshot: spec.snapshot,
    ...(cname ? { cname } : {}),
    ...(readerCname ? { readerCname } : {}),
  };
}
