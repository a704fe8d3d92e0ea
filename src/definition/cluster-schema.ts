/**
 * The definition of an echo of an Aurora cluster: `source.cluster` instead of `source.instance`, and a `cluster:`
 * section instead of `instance:`. Each generation is one `aws.rds.Cluster` and `cluster.instances` `ClusterInstance`s,
 * restored from the latest cluster snapshot or cloned (copy-on-write) from the live source cluster.
 */
import { z } from "zod";
import { identifierProblem, MAX_ECHO_NAME, snapshotReferenceProblem } from "./identifiers.js";
import { definedApprovers, tagBudgetProblem } from "./tag-budget.js";
import { commonSections, modify, snapshotType, tags } from "./schema.js";
import { hooksPasswordProblem } from "../hooks/schema.js";

/** Aurora allows up to 15 instances per cluster (one writer, up to 15 readers counting the writer's replacement). */
export const MAX_CLUSTER_INSTANCES = 15;
/** Member instances are `<generation>-<n>`: the suffix must still fit the 63-character instance identifier. */
export const MAX_CLUSTER_ECHO_NAME = MAX_ECHO_NAME - `-${MAX_CLUSTER_INSTANCES}`.length;

/**
 * Where a cluster's data comes from. The instance sources' `from` (latest-snapshot, new-snapshot, point-in-time) is
 * defined with them; these are the kinds a cluster echo can do today.
 */
export const CLUSTER_SOURCE_KINDS = ["latest-snapshot", "clone"] as const;
export type ClusterSourceKind = (typeof CLUSTER_SOURCE_KINDS)[number];

const clusterIdentifier = z.string().superRefine((v, ctx) => {
  const problem = identifierProblem(v, 63);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const clusterSource = z
  .strictObject({
    /** The production Aurora cluster whose data is echoed. */
    cluster: clusterIdentifier,
    /** `latest-snapshot`: restore its newest cluster snapshot (hours); `clone`: a copy-on-write clone of it now (minutes). */
    from: z.enum(CLUSTER_SOURCE_KINDS).default("latest-snapshot"),
    /** Which cluster snapshot types count when looking for the latest one. */
    snapshotTypes: z.array(snapshotType).min(1).default(["automated", "manual"]),
    /** An explicit cluster snapshot id or ARN; when set, it is used instead of the latest. */
    snapshot: z
      .string()
      .superRefine((v, ctx) => {
        const problem = snapshotReferenceProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.from === "clone" && s.snapshot !== undefined) {
      ctx.addIssue({ code: "custom", path: ["snapshot"], message: "makes no sense with from: clone (a clone copies the live cluster, not a snapshot); remove one of them" });
    }
  });

const cluster = z.strictObject({
  /** How many instances: the first is the writer, the others readers. */
  instances: z.number().int().min(1).max(MAX_CLUSTER_INSTANCES).default(1),
  class: z.string().regex(/^db\.([a-z0-9-]+\.[a-z0-9-]+|serverless)$/, 'must be an Aurora instance class such as "db.r6g.large" (or db.serverless)'),
  port: z.number().int().min(1150).max(65535).optional(),
  subnetGroup: z.string().regex(/^[A-Za-z0-9 ._-]{1,255}$/, "must be a DB subnet group name").optional(),
  autoMinorVersionUpgrade: z.boolean().optional(),
  publiclyAccessible: z.boolean().default(false),
  copyTagsToSnapshot: z.boolean().default(true),
  tags: tags.default({}),
});

/** What a cluster echo changes after create: the instance settings of `modify`, plus the cluster parameter group. */
const clusterModify = modify.extend({
  /** The DB cluster parameter group (cluster-wide parameters); `parameterGroup` is the instances' DB parameter group. */
  clusterParameterGroup: z
    .string()
    .superRefine((v, ctx) => {
      const problem = /^default\.[a-z0-9.-]+$/.test(v) ? undefined : identifierProblem(v, 255);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});

export const clusterDefinitionSchema = z
  .strictObject({
    ...commonSections,
    source: clusterSource,
    cluster,
    modify: clusterModify.default({}),
  })
  .superRefine((d, ctx) => {
    const hooksProblem = hooksPasswordProblem(d);
    if (hooksProblem) ctx.addIssue({ code: "custom", path: ["hooks"], message: hooksProblem });
    if (d.retire.keepFinalSnapshots !== undefined) {
      // Pruning lists and deletes DB snapshots; a cluster's final snapshot is a DB cluster snapshot, which it never sees.
      ctx.addIssue({
        code: "custom",
        path: ["retire", "keepFinalSnapshots"],
        message: "is not supported for an Aurora cluster echo yet (its final snapshots are cluster snapshots, which rds-echo does not prune); remove it",
      });
    }
    if (d.modify.backupRetentionPeriod === 0) {
      ctx.addIssue({ code: "custom", path: ["modify", "backupRetentionPeriod"], message: "must be at least 1 for an Aurora cluster (Aurora always keeps backups)" });
    }
    if (d.promote?.readerCname !== undefined && d.cluster.instances < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["promote", "readerCname"],
        message: "needs cluster.instances of 2 or more: with one instance the reader endpoint only leads to the writer",
      });
    }
    const userTags = new Set([...Object.keys(d.cluster.tags), ...Object.keys(d.promote?.tags ?? {})]).size;
    const tagProblem = tagBudgetProblem(userTags, definedApprovers(d.promote));
    if (tagProblem) ctx.addIssue({ code: "custom", path: ["cluster", "tags"], message: tagProblem });
  });

export type ClusterEchoSpec = z.output<typeof clusterDefinitionSchema>;
export interface ClusterEchoDefinition extends ClusterEchoSpec {
  readonly echo: string;
}

/** Which schema a definition's data is for: a `cluster:` section or `source.cluster` make it a cluster echo. */
export function looksLikeCluster(data: unknown): boolean {
  if (data === null || typeof data !== "object") return false;
  const record = data as Record<string, unknown>;
  const source = record["source"];
  return "cluster" in record || (source !== null && typeof source === "object" && "cluster" in (source as object));
}

/** The cluster echo name rule: `<echo>-<yyyymmdd>-<hhmm>-<n>` must fit an instance identifier. */
export function clusterEchoNameProblem(echo: string): string | undefined {
  return echo.length > MAX_CLUSTER_ECHO_NAME
    ? `is ${echo.length} characters; a cluster echo's instances are named "<echo>-<yyyymmdd>-<hhmm>-<n>", so its name may have at most ${MAX_CLUSTER_ECHO_NAME}`
    : undefined;
}

/** The identifier of a generation's n-th instance (1-based); the first is created first and becomes the writer. */
export function clusterInstanceId(generation: string, n: number): string {
  return `${generation}-${n}`;
}
