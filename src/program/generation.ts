/**
 * The Pulumi program of one generation: a pure function of (definition, generation, stage, pinned snapshot).
 *
 * Every input that could force a replacement comes from `restoreArgs`, which does not look at the stage, and the
 * instance's logical name never changes: moving a generation from stage to stage updates the database, never
 * replaces it. Only `modificationArgs`, the tags and the CNAME record depend on the stage.
 */
// The three resource modules, not the @pulumi/aws index: the index alone costs ~150 ms of start-up in every command
// that evaluates the program.
import { Provider } from "@pulumi/aws/provider.js";
import { Instance } from "@pulumi/aws/rds/instance.js";
import { Record as DnsRecord } from "@pulumi/aws/route53/record.js";
import * as pulumi from "@pulumi/pulumi";
import { parseDuration, pulumiTimeout } from "../definition/duration.js";
import { isClusterEcho, type EchoDefinition, type InstanceEchoDefinition } from "../definition/schema.js";
import { restoreSourceArgs, type PointInTime } from "./restore-source.js";
import { clusterProgram } from "./cluster.js";
import { deletionProtectionAt, finalSnapshotArgs } from "./shared-args.js";
import { hasModifications, type ProgramStage } from "./stages.js";
import { LEGACY_TAG_PREFIXES, OUT_OF_BAND_TAG_PREFIXES, snapshotTagValue, TAG_GENERATION, TAG_MANAGED, TAG_ROLLED_BACK, TAG_SNAPSHOT, TAG_STAGE } from "./tags.js";

import { CNAME_RESOURCE, INSTANCE_RESOURCE, PROVIDER_RESOURCE } from "./resource-types.js";
export { CNAME_RESOURCE, INSTANCE_RESOURCE, PROVIDER_RESOURCE };

export interface GenerationSpec {
  readonly definition: EchoDefinition;
  /** The stack and instance name, `<echo>-<yyyymmdd>-<hhmm>`. */
  readonly generation: string;
  readonly stage: ProgramStage;
  /** The snapshot pinned at `new`; the program never looks up "the latest" itself. A label with `pointInTime`. */
  readonly snapshot: string;
  /** A point-in-time restore pinned at `new` (source.from: point-in-time): restored instead of the snapshot. */
  readonly pointInTime?: PointInTime;
  /** The hosted zone of the CNAME, resolved by the driver when the definition names only a zone name. */
  readonly zoneId?: string;
  /** The master password as a Pulumi secret, when the definition references one. */
  readonly masterPassword?: pulumi.Input<string>;
  /** The pinned snapshot's encryption (see GenerationSettings): declared when known, so no stage plans a replacement. */
  readonly storageEncrypted?: boolean;
  readonly kmsKeyId?: string;
  /** An instance adopted from the original rds-echo (GenerationSettings.adopted): its identifier. */
  readonly adopted?: string;
  /** The `rolled-back` mark: the generation the CNAME was rolled back to from this one. */
  readonly rolledBack?: string;
  /** Cluster echoes: the source cluster of a clone, and the pinned engine (see GenerationSettings). */
  readonly cloneOf?: string;
  readonly engine?: string;
}

/** A generation of an instance echo. */
export interface InstanceGenerationSpec extends GenerationSpec {
  readonly definition: InstanceEchoDefinition;
}

/**
 * Inputs the provider stores only in state (no RDS call changes them): an adopted instance still follows the
 * definition's final snapshot. Not `applyImmediately`: the provider sends a ModifyDBInstance for a change to it
 * alone, which RDS refuses ("No modifications were requested"), and an adopted instance has no modification to
 * apply; after an import it is unset in state, so it is ignored with the rest.
 */
const STATE_ONLY_INPUTS = ["skipFinalSnapshot", "finalSnapshotIdentifier"] as const;

/**
 * What an adopted instance ignores: every restore-time and post-create input, so it stays as the original left it.
 * Only the tags (and the state-only inputs) are rds-echo's to change; and its deletion, once retired.
 */
export function adoptedIgnoredInputs(definition: InstanceEchoDefinition): string[] {
  const keys = new Set([...Object.keys(restoreArgs({ definition, generation: "g", snapshot: "s", storageEncrypted: true, kmsKeyId: "k" })), ...Object.keys(modificationArgs(definition, "p"))]);
  for (const key of STATE_ONLY_INPUTS) keys.delete(key);
  keys.delete("identifier");
  return [...keys].sort();
}

/**
 * Ignored on every generation's instance: `replicateSourceDb`, which the provider reads back from RDS's
 * ReadReplicaSourceDBInstanceIdentifier (terraform-provider-aws instance.go `resourceInstanceRead`) and which rds-echo
 * never declares (a generation is a restore, not a replica). Were RDS (or an emulator: moto names the source of a
 * point-in-time restore there) ever to report a source, the next preview would plan `replicateSourceDb` back to ""
 * and its apply would be a PromoteReadReplica; ignored, the provider drops it from its diff (the bridge applies
 * ignoreChanges to the state too) and nothing is planned.
 */
export const ALWAYS_IGNORED_INPUTS = ["replicateSourceDb"] as const;

export interface GenerationOutputs {
  readonly instanceId: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly stage: ProgramStage;
  readonly snapshot: string;
  readonly cname?: string;
  /** Cluster echoes: the reader endpoint, and the second CNAME naming it while promoted. */
  readonly readerAddress?: pulumi.Output<string>;
  readonly readerCname?: string;
}

/**
 * Restore-time inputs: identical at every stage (see the module comment). `storageEncrypted` (force-new and not
 * computed in the provider) and `kmsKeyId` (force-new) are what the instance inherits from the snapshot: RDS restores
 * with the snapshot's encryption, the provider reads it back into state, so leaving them undeclared would plan a
 * replacement at the next stage.
 */
export function restoreArgs(spec: Pick<InstanceGenerationSpec, "definition" | "generation" | "snapshot" | "pointInTime" | "storageEncrypted" | "kmsKeyId" | "adopted">) {
  const { definition: d, generation } = spec;
  return {
    identifier: spec.adopted ?? generation,
    // An adopted instance was restored by the original, from a snapshot nobody recorded: nothing to declare.
    ...(spec.adopted === undefined ? restoreSourceArgs(spec) : {}),
    ...(spec.storageEncrypted !== undefined ? { storageEncrypted: spec.storageEncrypted } : {}),
    ...(spec.storageEncrypted && spec.kmsKeyId ? { kmsKeyId: spec.kmsKeyId } : {}),
    instanceClass: d.instance.class,
    availabilityZone: d.instance.availabilityZone,
    multiAz: d.instance.multiAz,
    port: d.instance.port,
    dbSubnetGroupName: d.instance.subnetGroup,
    optionGroupName: d.instance.optionGroup,
    autoMinorVersionUpgrade: d.instance.autoMinorVersionUpgrade,
    publiclyAccessible: d.instance.publiclyAccessible,
    licenseModel: d.instance.licenseModel,
    copyTagsToSnapshot: d.instance.copyTagsToSnapshot,
    // Modifications must take effect now, not in the next maintenance window.
    applyImmediately: true,
    ...finalSnapshotArgs(d, generation),
  };
}

/** Settings RDS only accepts after create; declared from stage `modified` on (deletion protection: shared-args.ts). */
export function modificationArgs<Secret>(definition: InstanceEchoDefinition, masterPassword: Secret | undefined, stage: ProgramStage = "modified") {
  const m = definition.modify;
  return {
    parameterGroupName: m.parameterGroup,
    vpcSecurityGroupIds: m.vpcSecurityGroupIds,
    backupRetentionPeriod: m.backupRetentionPeriod,
    password: m.masterPassword ? masterPassword : undefined,
    caCertIdentifier: m.caCertificate,
    iamDatabaseAuthenticationEnabled: m.iamDatabaseAuthentication,
    monitoringInterval: m.monitoring?.interval,
    monitoringRoleArn: m.monitoring?.roleArn,
    deletionProtection: deletionProtectionAt(stage, m.deletionProtection),
    // The storage is changed here, not at the restore: the provider would send it in the ModifyDBInstance that follows
    // the restore, whose wait is bounded by the update timeout inside the create, and a storage change on a large
    // volume takes long. As a stage of its own it is one update, waited for with timeouts.update and resumable.
    storageType: definition.instance.storageType,
    iops: definition.instance.iops,
  };
}

/** The instance's tags at a stage: the user's, rds-echo's bookkeeping, and the promotion tags while promoted. */
export function instanceTags(spec: Pick<InstanceGenerationSpec, "definition" | "generation" | "stage" | "snapshot" | "adopted" | "rolledBack">): Record<string, string> {
  const { definition, generation, stage, snapshot, rolledBack } = spec;
  // The original put its promotion tags on and never took them off: an adopted instance keeps them once demoted.
  const promoted = stage === "promoted" || (spec.adopted !== undefined && stage === "forgotten");
  return {
    ...definition.instance.tags,
    ...(promoted ? definition.promote?.tags : {}),
    [TAG_MANAGED]: definition.echo,
    [TAG_GENERATION]: generation,
    [TAG_STAGE]: stage,
    [TAG_SNAPSHOT]: snapshotTagValue(snapshot),
    ...(rolledBack !== undefined ? { [TAG_ROLLED_BACK]: rolledBack } : {}),
  };
}

/** Declares the generation's resources. Must run inside a Pulumi program (real engine or mock runtime). */
export function generationProgram(spec: GenerationSpec): GenerationOutputs {
  const d = spec.definition;
  // An echo of an Aurora cluster declares a cluster and its instances instead (cluster.ts).
  if (isClusterEcho(d)) return clusterProgram({ ...spec, definition: d });
  return instanceProgram({ ...spec, definition: d });
}

function instanceProgram(spec: InstanceGenerationSpec): GenerationOutputs {
  const { definition: d, generation, stage } = spec;
  if (d.modify.masterPassword && hasModifications(stage) && spec.masterPassword === undefined && spec.adopted === undefined) {
    throw new Error(`${generation}: modify.masterPassword references secret "${d.modify.masterPassword.secret}" but no value was given`);
  }
  const provider = new Provider(PROVIDER_RESOURCE, {
    region: d.region,
    profile: d.profile,
    ignoreTags: { keyPrefixes: [...OUT_OF_BAND_TAG_PREFIXES, ...(spec.adopted !== undefined ? LEGACY_TAG_PREFIXES : [])] },
  });
  const minutes = (text: string) => pulumiTimeout(parseDuration(text) ?? 0);

  const instance = new Instance(
    INSTANCE_RESOURCE,
    {
      ...restoreArgs(spec),
      ...(hasModifications(stage) && spec.adopted === undefined ? modificationArgs(d, spec.masterPassword && pulumi.secret(spec.masterPassword), stage) : {}),
      tags: instanceTags(spec),
    },
    {
      provider,
      ignoreChanges: [...ALWAYS_IGNORED_INPUTS, ...(spec.adopted !== undefined ? adoptedIgnoredInputs(d) : [])],
      customTimeouts: { create: minutes(d.timeouts.create), update: minutes(d.timeouts.update), delete: minutes(d.timeouts.delete) },
    },
  );

  let cname: string | undefined;
  if (stage === "promoted") {
    const promote = d.promote;
    if (!promote?.cname) throw new Error(`${generation}: cannot be promoted: the definition has no promote.cname`);
    const zoneId = promote.zoneId ?? spec.zoneId;
    if (!zoneId) throw new Error(`${generation}: the hosted zone of ${promote.cname} was not resolved`);
    cname = promote.cname;
    new DnsRecord(
      CNAME_RESOURCE,
      { zoneId, name: promote.cname, type: "CNAME", ttl: promote.ttl, records: [instance.address], allowOverwrite: true },
      // The record outlives this stack's claim on it: demotion hands it to the next generation, never deletes it.
      { provider, retainOnDelete: true },
    );
  }

  return {
    instanceId: instance.identifier,
    address: instance.address,
    port: instance.port,
    stage,
    snapshot: spec.snapshot,
    ...(cname ? { cname } : {}),
  };
}
