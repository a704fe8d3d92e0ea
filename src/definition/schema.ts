/**
 * The echo definition (`stacks/<echo>.yaml`): what to restore, how, what to change after create, where to promote and
 * how to retire. Unknown keys are errors everywhere: a typo must never be silently ignored.
 */
import { z } from "zod";
import {
  FINAL_SNAPSHOT_PLACEHOLDERS,
  finalSnapshotName,
  identifierProblem,
  MAX_ECHO_NAME,
  snapshotReferenceProblem,
} from "./identifiers.js";
import { parseDuration } from "./duration.js";
import { duration, resourceTimeout } from "./duration-schema.js";
import { SECRET_FILE_SUFFIX, SECRET_FILE_SUFFIX_MESSAGE, secretsProviderSchema } from "./secrets-provider.js";
import { definedApprovers, tagBudgetProblem } from "./tag-budget.js";
import { tagKeyProblem, tagValueProblem } from "./tags.js";
import { APPROVER_EMAIL } from "../approval/requests.js";
import { CONFIG_KEY_PATTERN, CONFIG_KEYS } from "../program/stack-config.js";
import { hooksPasswordProblem, hooksSchema } from "../hooks/schema.js";
import { notifySchema } from "./notify.js";
import { sourceKindFields, sourceKindRules, sourceRegionRules } from "./source.js";
import type { ClusterEchoDefinition } from "./cluster-schema.js";

/** Adds a zod issue from a `problem` function that returns a message or undefined. */
const rule = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: "custom", message });
};

const rdsIdentifier = (max: number) => z.string().superRefine(rule((v) => identifierProblem(v, max)));

/** RDS's tag rules (definition/tags.ts), plus `echo:`, which is rds-echo's own bookkeeping. */
const tagKey = z
  .string()
  .superRefine(rule((k) => (k.startsWith("echo:") ? `tag key "${k}" uses the prefix echo:, which rds-echo reserves` : tagKeyProblem(k))));
export const tags = z.record(tagKey, z.string().superRefine(rule(tagValueProblem)));

/** AWS's default groups (`default.postgres16`, `default:mysql-8-0`) are valid names that break the identifier rules. */
export const parameterGroupName = z.string().superRefine(rule((v) => (/^default\.[a-z0-9.-]+$/.test(v) ? undefined : identifierProblem(v, 255))));
const optionGroupName = z.string().superRefine(rule((v) => (/^default:[a-z0-9-]+$/.test(v) ? undefined : identifierProblem(v, 255))));

/** The confirmation page's public address: https (http only on loopback, for the sandbox), with no fragment of its own. */
function pageUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be the URL where the confirmation page is published, e.g. "https://approvals.example.com/rds-echo.html"';
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return "must be an https URL (http only on 127.0.0.1 or localhost)";
  if (value.includes("#")) return "must not contain a fragment (#…): rds-echo puts the signed link there";
  return undefined;
}

/** DescribeDBSnapshots types: `awsbackup` is a snapshot AWS Backup made of the instance. */
export const snapshotType = z.enum(["automated", "manual", "shared", "awsbackup"]);

const source = z
  .strictObject({
    /** The production DB instance whose snapshots are echoed. */
    instance: rdsIdentifier(63),
    /** Which snapshot types count when looking for the latest one. */
    snapshotTypes: z.array(snapshotType).min(1).default(["automated", "manual"]),
    /** An explicit snapshot id or ARN (one shared from another account); when set, it is used instead of the latest. */
    snapshot: z.string().superRefine(rule(snapshotReferenceProblem)).optional(),
    ...sourceKindFields,
  })
  .superRefine(sourceKindRules);

const instance = z.strictObject({
  class: z.string().regex(/^db\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must be an RDS instance class such as "db.t3.medium"'),
  availabilityZone: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'must be an availability zone such as "eu-west-1a"').optional(),
  multiAz: z.boolean().default(false),
  storageType: z.enum(["standard", "gp2", "gp3", "io1", "io2"]).optional(),
  iops: z.number().int().positive().optional(),
  port: z.number().int().min(1150).max(65535).optional(),
  subnetGroup: z.string().regex(/^[A-Za-z0-9 ._-]{1,255}$/, "must be a DB subnet group name").optional(),
  optionGroup: optionGroupName.optional(),
  autoMinorVersionUpgrade: z.boolean().optional(),
  publiclyAccessible: z.boolean().default(false),
  licenseModel: z.enum(["license-included", "bring-your-own-license", "general-public-license", "postgresql-license"]).optional(),
  copyTagsToSnapshot: z.boolean().default(true),
  tags: tags.default({}),
});

/**
 * A reference to a Pulumi secret in the generation stack's config; the password itself never lives in the file.
 * A literal (string or number) gets its own message, because "put the password here" is the mistake people make.
 */
const secretReference = z.strictObject(
  {
    secret: z
      .string()
      .regex(CONFIG_KEY_PATTERN, "must be a Pulumi config key (letters, digits, _ or -), e.g. masterPassword")
      .refine((key) => !(Object.values(CONFIG_KEYS) as string[]).includes(key), {
        message: `must not be one of rds-echo's own stack settings (${Object.values(CONFIG_KEYS).join(", ")})`,
      })
      .refine((key) => !SECRET_FILE_SUFFIX.test(key), { message: SECRET_FILE_SUFFIX_MESSAGE }),
  },
  {
    error: (issue) =>
      issue.code === "invalid_type" && (typeof issue.input === "string" || typeof issue.input === "number")
        ? "must reference a Pulumi secret, never a literal password: write `masterPassword: { secret: masterPassword }` " +
          "and store the value as a Pulumi secret (see README, Secrets)"
        : undefined,
  },
);

export const modify = z.strictObject({
  parameterGroup: parameterGroupName.optional(),
  vpcSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as "sg-0123456789abcdef0"')).min(1).optional(),
  backupRetentionPeriod: z.number().int().min(0).max(35).optional(),
  masterPassword: secretReference.optional(),
  caCertificate: z.string().regex(/^rds-ca-[a-z0-9-]+$/, 'must be an RDS CA identifier such as "rds-ca-rsa2048-g1"').optional(),
  iamDatabaseAuthentication: z.boolean().optional(),
  monitoring: z
    .strictObject({
      interval: z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)], {
        error: "must be one of 0, 1, 5, 10, 15, 30, 60 (seconds)",
      }),
      roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN").optional(),
    })
    .refine((m) => m.interval === 0 || m.roleArn !== undefined, {
      message: "roleArn is required when interval is not 0",
      path: ["roleArn"],
    })
    .optional(),
  deletionProtection: z.boolean().optional(),
});

export const fqdn = z
  .string()
  .transform((v) => v.replace(/\.$/, "").toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        'must be a fully qualified domain name such as "db.dev.example.com"',
      ),
  );

/** Approval of promotions by signed links (see README, "Approving a promotion"). */
const approval = z.strictObject({
  /** Who may approve when `promote --request` names nobody. */
  approvers: z.array(z.string().regex(APPROVER_EMAIL, "must be a lower-case e-mail address (tag-safe: letters, digits, . _ + -)")).min(1).max(20).optional(),
  required: z.number().int().min(1).default(1),
  /** How long links stay valid: at most 7 days, the SigV4 limit. */
  expires: duration
    .refine((v) => (parseDuration(v) ?? 0) <= 7 * 1440, { message: "must be at most 7d (a presigned link lives at most 7 days)" })
    .default("3d"),
  email: z.strictObject({ from: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address (a verified SES identity)") }).optional(),
  /** Where the confirmation page (`rds-echo approval page`) is published; e-mails link to it instead of signed URLs. */
  pageUrl: z.string().superRefine(rule(pageUrlProblem)).optional(),
});

export const promote = z
  .strictObject({
    approval: approval.optional(),
    cname: fqdn.optional(),
    /** Clusters only: a second name for the cluster's reader endpoint, moved with the writer's (see cluster-schema.ts). */
    readerCname: fqdn.optional(),
    zoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"').optional(),
    zoneName: fqdn.optional(),
    ttl: z.number().int().min(0).max(86400).default(60),
    tags: tags.default({}),
  })
  .superRefine((p, ctx) => {
    if (p.cname === undefined) {
      ctx.addIssue({ code: "custom", path: ["cname"], message: "is required when promote is configured (the fully qualified name to point at the promoted generation)" });
    }
    if (p.zoneId !== undefined && p.zoneName !== undefined) {
      ctx.addIssue({ code: "custom", path: ["zoneName"], message: "give zoneId or zoneName, not both" });
    }
    if (p.approval?.approvers && p.approval.required > p.approval.approvers.length) {
      ctx.addIssue({ code: "custom", path: ["approval", "required"], message: `is ${p.approval.required}, more than the ${p.approval.approvers.length} approver(s) listed` });
    }
    if (p.cname && p.zoneName && p.cname === p.zoneName) {
      ctx.addIssue({ code: "custom", path: ["cname"], message: `is the apex of the zone "${p.zoneName}"; Route 53 allows no CNAME there (use a name inside the zone)` });
    }
    if (p.readerCname && p.readerCname === p.cname) {
      ctx.addIssue({ code: "custom", path: ["readerCname"], message: "must differ from cname (it names the reader endpoint, cname the writer)" });
    }
    if (p.readerCname && p.zoneName && !p.readerCname.endsWith(`.${p.zoneName}`)) {
      ctx.addIssue({ code: "custom", path: ["readerCname"], message: `"${p.readerCname}" is not inside the zone "${p.zoneName}"` });
    }
    if (p.cname && p.zoneName && p.cname !== p.zoneName && !p.cname.endsWith(`.${p.zoneName}`)) {
      ctx.addIssue({ code: "custom", path: ["zoneName"], message: `the cname "${p.cname}" is not inside the zone "${p.zoneName}"` });
    }
  });

/** A few days: long enough that `status --all` and the plain CLI still show last week's retirements as stacks. */
export const DEFAULT_ARCHIVE_AFTER = "3d";

/** The shortest `archiveAfter`: a generation retired a moment ago is still being looked at. */
const MIN_ARCHIVE_AFTER_MINUTES = 60;

const archiveAfter = z.string().superRefine((v, ctx) => {
  if (v === "never") return;
  const minutes = parseDuration(v);
  if (minutes === undefined) ctx.addIssue({ code: "custom", message: 'must be a duration such as "3d", "36h" or "1d12h", or "never"' });
  else if (minutes < MIN_ARCHIVE_AFTER_MINUTES) ctx.addIssue({ code: "custom", message: 'must be at least 1h (or "never")' });
});

export const retire = z
  .strictObject({
    skipFinalSnapshot: z.boolean().default(false),
    finalSnapshotName: z.string().optional(),
    keep: z.number().int().min(0).max(100).default(1),
    /** The newest N final snapshots of this echo are kept; rds-echo deletes older ones after a retire. Absent: all kept. */
    keepFinalSnapshots: z.number().int().min(1, "must be at least 1 (for none, set skipFinalSnapshot: true)").max(100).optional(),
    /**
     * How long a retired generation's stack stays listed before its history is archived (one object per echo in the
     * backend, what `history` reads) and the stack removed, so the listing every run starts with stays short.
     * `never` keeps every retired stack listed.
     */
    archiveAfter: archiveAfter.default(DEFAULT_ARCHIVE_AFTER),
  })
  .superRefine((r, ctx) => {
    if (r.skipFinalSnapshot && r.finalSnapshotName !== undefined) {
      ctx.addIssue({ code: "custom", path: ["finalSnapshotName"], message: "makes no sense with skipFinalSnapshot: true; remove one of them" });
    }
    if (r.skipFinalSnapshot && r.keepFinalSnapshots !== undefined) {
      ctx.addIssue({ code: "custom", path: ["keepFinalSnapshots"], message: "makes no sense with skipFinalSnapshot: true; remove one of them" });
    }
    if (r.finalSnapshotName !== undefined && !r.finalSnapshotName.includes("{generation}")) {
      ctx.addIssue({
        code: "custom",
        path: ["finalSnapshotName"],
        message: "must contain {generation}: a fixed name would collide with the previous retire's final snapshot",
      });
    }
    if (r.finalSnapshotName !== undefined) {
      // Check the longest name the pattern can produce, so the error shows up now rather than at retire time.
      const longest = finalSnapshotName(r.finalSnapshotName, "e".repeat(MAX_ECHO_NAME), "g".repeat(63));
      const problem = identifierProblem(longest, 255);
      if (problem) {
        ctx.addIssue({
          code: "custom",
          path: ["finalSnapshotName"],
          message: `expands to an invalid snapshot identifier (${problem}); use letters, digits, hyphens and ${FINAL_SNAPSHOT_PLACEHOLDERS.join(", ")}`,
        });
      }
    }
  });

export const DEFAULT_FINAL_SNAPSHOT_NAME = "{generation}-final";

/** The sections every echo has, whatever it copies (an instance here, a cluster in cluster-schema.ts). */
export const commonSections = {
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "eu-west-1"'),
  profile: z.string().min(1).optional(),
  secretsProvider: secretsProviderSchema,
  promote: promote.optional(),
  retire: retire.default({ skipFinalSnapshot: false, keep: 1, archiveAfter: DEFAULT_ARCHIVE_AFTER }),
  guard: z.strictObject({ minAgeHours: z.number().min(0).default(20) }).default({ minAgeHours: 20 }),
  timeouts: z
    .strictObject({ create: resourceTimeout.default("48h"), update: resourceTimeout.default("8h"), delete: resourceTimeout.default("4h") })
    .default({ create: "48h", update: "8h", delete: "4h" }),
  hooks: hooksSchema.optional(),
  notify: notifySchema.optional(),
};

export const definitionSchema = z
  .strictObject({
    ...commonSections,
    source,
    instance,
    modify: modify.default({}),
  })
  .superRefine((d, ctx) => {
    sourceRegionRules(d, ctx);
    const hooksProblem = hooksPasswordProblem(d);
    if (hooksProblem) ctx.addIssue({ code: "custom", path: ["hooks"], message: hooksProblem });
    if (d.retire.keepFinalSnapshots !== undefined && !d.instance.copyTagsToSnapshot) {
      // A final snapshot carries the instance's echo: tags only through CopyTagsToSnapshot; without them rds-echo
      // cannot tell its own final snapshots from anyone else's, so it would never delete any.
      ctx.addIssue({
        code: "custom",
        path: ["retire", "keepFinalSnapshots"],
        message: "needs instance.copyTagsToSnapshot: true (the default): rds-echo recognises its final snapshots by the echo: tags copied from the instance",
      });
    }
    if (d.promote?.readerCname !== undefined) {
      ctx.addIssue({ code: "custom", path: ["promote", "readerCname"], message: "is for echoes of an Aurora cluster (source.cluster); an instance has no reader endpoint" });
    }
    if (d.instance.multiAz && d.instance.availabilityZone !== undefined) {
      ctx.addIssue({ code: "custom", path: ["instance", "availabilityZone"], message: "cannot be set with multiAz: true (RDS places a Multi-AZ instance itself); remove one of them" });
    }
    const userTags = new Set([...Object.keys(d.instance.tags), ...Object.keys(d.promote?.tags ?? {})]).size;
    const tagProblem = tagBudgetProblem(userTags, definedApprovers(d.promote));
    if (tagProblem) ctx.addIssue({ code: "custom", path: ["instance", "tags"], message: tagProblem });
  });

/** A validated echo definition of an RDS instance (defaults applied), plus the echo's name taken from its file name. */
export type EchoSpec = z.output<typeof definitionSchema>;
export interface InstanceEchoDefinition extends EchoSpec {
  readonly echo: string;
}
/** Any echo: of an RDS instance, or of an Aurora cluster (src/definition/cluster-schema.ts). */
export type EchoDefinition = InstanceEchoDefinition | ClusterEchoDefinition;

/** An echo of an Aurora cluster (`source.cluster`) rather than of an instance. */
export function isClusterEcho(definition: EchoDefinition): definition is ClusterEchoDefinition {
  return "cluster" in definition;
}
export type SecretReference = z.output<typeof secretReference>;
export type SnapshotType = z.output<typeof snapshotType>;
export type SourceSpec = z.output<typeof source>;
