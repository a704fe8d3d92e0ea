/**
 * Where each placeholder of the policy files gets its value for one echo: the definition (stacks/<echo>.yaml) for
 * almost all of them; the account and the hosted zone from the caller when the definition cannot say (the command
 * asks STS or Route 53, or takes a flag); customer KMS keys only from a flag, since they are the snapshots' keys,
 * known to RDS and not to the definition. Pure.
 */
import { finalSnapshotName } from "../definition/identifiers.js";
import { DEFAULT_FINAL_SNAPSHOT_NAME, isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import type { PlaceholderValues } from "./render.js";

/**
 * A generation's name as an IAM pattern: `<echo>-` then `yyyymmdd-hhmm`, one `?` per character. `?` matches exactly
 * one character, so no other echo's generation (`development-eu-20261125-1230`) fits `development-????????-????`.
 */
export const generationPattern = (echo: string) => `${echo}-????????-????`;

/** What the definition cannot tell. */
export interface CallerFacts {
  /** The 12-digit account the echo lives in (STS GetCallerIdentity, or --account). */
  readonly account?: string | undefined;
  /** The CNAME's hosted zone, when the definition names it only by zone name or not at all (Route 53, or --zone-id). */
  readonly zoneId?: string | undefined;
  /** Customer-managed keys the source's snapshots are encrypted under (--kms-key). */
  readonly kmsKeys?: readonly string[];
}

const one = (value: string | undefined): string[] => (value === undefined ? [] : [value]);

/** The account of an ARN (`arn:aws:iam::210987654321:role/x`). */
const accountOf = (arn: string) => arn.split(":")[4];

/** Every placeholder's values for one echo; [] where the echo does not use the feature. */
export function placeholderValues(definition: EchoDefinition, facts: CallerFacts): PlaceholderValues {
  const d = definition;
  const cluster = isClusterEcho(d);
  const source = cluster ? undefined : d.source;
  const keys = facts.kmsKeys ?? [];
  return {
    Region: [d.region],
    Account: one(facts.account),
    Echo: [d.echo],
    FinalSnapshot: [finalSnapshotName(d.retire.finalSnapshotName ?? DEFAULT_FINAL_SNAPSHOT_NAME, d.echo, generationPattern(d.echo))],
    SourceInstance: one(source?.instance),
    SourceRegion: [source?.copy?.region ?? d.region],
    SourceCluster: cluster && d.source.from === "clone" ? [d.source.cluster] : [],
    SourceRoleArn: one(source?.assumeRole?.roleArn),
    SourceAccount: one(source?.assumeRole && accountOf(source.assumeRole.roleArn)),
    ZoneId: d.promote?.cname ? one(d.promote.zoneId ?? facts.zoneId) : [],
    Cname: one(d.promote?.cname),
    ReaderCname: one(d.promote?.readerCname),
    ApprovalFrom: one(d.promote?.approval?.email?.from),
    NotifyFrom: one(d.notify?.email?.from),
    NotifyTopicArn: one(d.notify?.sns),
    MonitoringRoleArn: d.modify.monitoring?.interval ? one(d.modify.monitoring.roleArn) : [],
    KmsKeyArn: source?.copy ? [] : [...keys],
    SourceKmsKeyArn: source?.copy ? [...keys] : [],
    CopyKmsKeyArn: one(source?.copy?.kmsKeyId),
  };
}

/** Statements for the other kind of echo: the cluster ones of an instance echo, the instance restores of a cluster echo. */
const CLUSTER_ONLY = [
  "ReadClustersAndClusterSnapshots",
  "RestoreOrCloneOnlyAsThisEchosTaggedCluster",
  "RestoreClustersFromClusterSnapshotsIntoTheNamedGroups",
  "CloneOnlyTheSourceCluster",
  "CreateOnlyThisEchosTaggedClusterInstances",
  "CreateClusterInstancesInThisEchosClustersAndTheNamedGroups",
  "ChangeOnlyThisEchosClusters",
  "ModifyClustersIntoTheNamedGroups",
  "FinalClusterSnapshotsNamedAfterThisEchosGenerations",
];
const INSTANCE_ONLY = ["RestoreOnlyAsThisEchosTaggedInstance", "RestoreFromSnapshotsIntoTheNamedGroups", "AdoptOnlyTheOriginalsInstancesOfThisEcho"];
/** What only promotion uses, beyond the statements that name the zone or the CNAME themselves. */
const PROMOTE_ONLY = ["FollowChanges", "FindTheZoneByName"];

/** Every Sid this module decides on by name (a test checks each one still exists in a policy file). */
export const SIDS_DECIDED_BY_NAME: readonly string[] = [...CLUSTER_ONLY, ...INSTANCE_ONLY, ...PROMOTE_ONLY];

/** The statements the definition shows are not needed, with the reason (see renderPolicy's `omit`). */
export function unusedStatements(definition: EchoDefinition): Record<string, string> {
  const omit: Record<string, string> = {};
  const cluster = isClusterEcho(definition);
  for (const sid of cluster ? INSTANCE_ONLY : CLUSTER_ONLY) omit[sid] = cluster ? "a cluster echo" : "an instance echo (no cluster:)";
  if (!definition.promote?.cname) for (const sid of PROMOTE_ONLY) omit[sid] = "no promote.cname";
  return omit;
}
