/**
 * Where a generation's data comes from (the `source` section beyond the instance): the newest existing snapshot, a
 * snapshot taken now, or a point in time; optionally copied from another account or region under this account's key.
 * The fields are spread into the schema's `source` object; the rules run on it and on the whole definition.
 */
import { z } from "zod";

/** How fresh the data is: see README, "Where the data comes from". */
export const SOURCE_FROM = ["latest-snapshot", "new-snapshot", "point-in-time"] as const;
export type SourceFrom = (typeof SOURCE_FROM)[number];

/** The provider's `restore_time` must be an RFC 3339 UTC timestamp (terraform-provider-aws, verify.ValidUTCTimestamp). */
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key\/[A-Za-z0-9-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const pointInTime = z.union([
  z.literal("latest"),
  z.string().refine((v) => UTC_TIME.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be "latest" or a UTC time such as "2026-11-25T03:00:00Z"',
  }),
]);

export const sourceKindFields = {
  /** latest-snapshot (the default), new-snapshot or point-in-time. */
  from: z.enum(SOURCE_FROM).optional(),
  /** With from: point-in-time: `latest` (the newest restorable time, pinned at new) or a UTC time. Default latest. */
  pointInTime: pointInTime.optional(),
  /** Snapshots rds-echo made (new-snapshot, copies) kept after their generation is retired, newest first. Default 0. */
  keep: z.number().int().min(0).max(100).optional(),
  /** Copy the snapshot into this account and region under this account's key, then restore the copy. */
  copy: z
    .strictObject({
      /** This account's customer-managed key in the echo's region, as a key ARN (what RDS reports back, so what is pinned). */
      kmsKeyId: z.string().regex(KMS_KEY_ARN, 'must be a KMS key ARN such as "arn:aws:kms:eu-west-1:123456789012:key/…"'),
      /** The region the source snapshots live in, when it is not the echo's. */
      region: z.string().regex(REGION, 'must be an AWS region such as "eu-central-1"').optional(),
    })
    .optional(),
  /** A role in the source's account, assumed to take the snapshot there (with from: new-snapshot and copy). */
  assumeRole: z
    .strictObject({
      roleArn: z.string().regex(ROLE_ARN, "must be an IAM role ARN"),
      externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2 to 1224 characters (letters, digits, +=,.@:/-_)").optional(),
    })
    .optional(),
};

interface SourceFields {
  readonly snapshotTypes: readonly string[];
  readonly snapshot?: string | undefined;
  readonly from?: SourceFrom | undefined;
  readonly pointInTime?: string | undefined;
  readonly keep?: number | undefined;
  readonly copy?: { readonly kmsKeyId: string; readonly region?: string | undefined } | undefined;
  readonly assumeRole?: { readonly roleArn: string } | undefined;
}

/** The source kind, `latest-snapshot` when the definition does not say. */
export function sourceFrom(source: Pick<SourceFields, "from">): SourceFrom {
  return source.from ?? "latest-snapshot";
}

/** True when rds-echo itself makes snapshots for this source (which `retire` then cleans up). */
export function makesSnapshots(source: Pick<SourceFields, "from" | "copy">): boolean {
  return sourceFrom(source) === "new-snapshot" || source.copy !== undefined;
}

/** The combinations that make no sense, each said where it is written. */
export function sourceKindRules(s: SourceFields, ctx: z.RefinementCtx): void {
  const from = sourceFrom(s);
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (s.pointInTime !== undefined && from !== "point-in-time") issue("pointInTime", "is only used with from: point-in-time");
  if (from === "point-in-time") {
    const why = "RDS restores a point in time only from an instance of this account and region";
    if (s.snapshot !== undefined) issue("snapshot", "makes no sense with from: point-in-time (no snapshot is restored); remove one of them");
    if (s.copy !== undefined) issue("copy", `cannot be used with from: point-in-time: ${why}`);
    if (s.assumeRole !== undefined) issue("assumeRole", `cannot be used with from: point-in-time: ${why}`);
  }
  if (from === "new-snapshot" && s.snapshot !== undefined) issue("snapshot", "makes no sense with from: new-snapshot, which takes its own snapshot; remove one of them");
  if (s.keep !== undefined && !makesSnapshots(s)) issue("keep", "counts snapshots rds-echo makes (from: new-snapshot, or copy); this source makes none");
  if (s.assumeRole !== undefined && (from !== "new-snapshot" || s.copy === undefined)) {
    issue(
      "assumeRole",
      "is used to take a snapshot in the source's account, so it needs from: new-snapshot and copy (a snapshot another account shares " +
        "is found without a role: snapshotTypes: [shared], or its ARN as snapshot)",
    );
  }
}

/** Rules that need the echo's region: where the snapshot and the key live. */
export function sourceRegionRules(d: { readonly region: string; readonly source: SourceFields }, ctx: z.RefinementCtx): void {
  const { source } = d;
  const sourceRegion = source.copy?.region ?? d.region;
  const arn = source.snapshot === undefined ? undefined : SNAPSHOT_ARN.exec(source.snapshot);
  if (arn && arn[1] !== sourceRegion) {
    ctx.addIssue({
      code: "custom",
      path: ["source", "snapshot"],
      message: source.copy
        ? `is in ${arn[1]}, not in copy.region (${sourceRegion}); set copy.region: ${arn[1]}`
        : `is in ${arn[1]}, but RDS restores only a snapshot of the echo's region (${d.region}); add copy: { kmsKeyId, region: ${arn[1]} }`,
    });
  }
  const key = source.copy === undefined ? undefined : KMS_KEY_ARN.exec(source.copy.kmsKeyId);
  if (key && key[1] !== d.region) {
    ctx.addIssue({ code: "custom", path: ["source", "copy", "kmsKeyId"], message: `is a key in ${key[1]}; the copy is made in the echo's region (${d.region}), under a key of that region` });
  }
}
