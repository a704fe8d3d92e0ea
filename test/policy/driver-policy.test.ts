import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/definitions.js";

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
const policy = JSON.parse(readFileSync(path.join(REPO_ROOT, "policy/driver-policy.json"), "utf8")) as { Statement: Statement[] };
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const actions = new Set(policy.Statement.flatMap((s) => list(s.Action)));

/** IAM service prefixes of the SDK clients rds-echo uses. */
const SERVICE_OF_CLIENT: Record<string, string> = { "client-rds": "rds", "client-route-53": "route53", "client-sesv2": "ses", "client-sns": "sns", "client-sts": "sts", "client-s3": "s3" };
/**
 * Sent to an `s3://` Pulumi backend's bucket (leases, the lock listing: src/adapters/lease, src/adapters/pulumi/s3-locks.ts),
 * which the Pulumi CLI reads and writes too: access to the state bucket is granted with the backend (README, Shared
 * backends: s3:GetObject, s3:PutObject, s3:DeleteObject, and s3:ListBucket for ListObjectsV2), not by the echo's
 * driver policy, which never names the bucket.
 */
const BACKEND_ONLY = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListObjectsV2"];
const rolePolicy = JSON.parse(readFileSync(path.join(REPO_ROOT, "policy/source-role-policy.json"), "utf8")) as { Statement: Statement[] };
const roleActions = new Set(rolePolicy.Statement.flatMap((s) => list(s.Action)));
/** Calls AWS authorizes for anyone (GetCallerIdentity), and what the credential provider sends to assume the role. */
const NEEDS_NO_PERMISSION = ["sts:GetCallerIdentity"];
const SENT_BY_THE_CREDENTIAL_PROVIDER = ["sts:AssumeRole"];
/** Sent only as the source account's role (source.assumeRole): its policy, not the driver's, allows it. */
const SOURCE_ROLE_ONLY = ["rds:ModifyDBSnapshotAttribute"];
/** What the code sends on the source side as the role (src/adapters/aws/snapshots.ts, the source client). */
const SOURCE_ROLE_SENDS = ["rds:DescribeDBInstances", "rds:DescribeDBSnapshots", "rds:CreateDBSnapshot", "rds:ModifyDBSnapshotAttribute", "rds:DeleteDBSnapshot"];

/** Every AWS SDK operation the code sends: `new XxxCommand(` and `paginateXxx(` of an @aws-sdk client it imports. */
function sdkActions(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? walk(file) : file.endsWith(".ts") ? [file] : [];
    });
  for (const file of walk(path.join(REPO_ROOT, "src"))) {
    const text = readFileSync(file, "utf8");
    // Which client each imported name comes from (static imports and `await import(...)` destructuring alike).
    const serviceOf = new Map<string, string>();
    for (const m of text.matchAll(/\{([^{}]*)\}\s*(?:from\s*|=\s*await import\()"@aws-sdk\/(client-[a-z0-9-]+)"/g)) {
      const service = SERVICE_OF_CLIENT[m[2]!];
      if (service) for (const name of m[1]!.split(",")) serviceOf.set(name.replace(/^\s*type\s+/, "").trim(), service);
    }
    const add = (name: string, operation: string) => {
      const service = serviceOf.get(name);
      expect(service, `${file}: ${name} comes from an @aws-sdk client`).toBeDefined();
      found.add(`${service}:${operation}`);
    };
    for (const m of text.matchAll(/new (([A-Z][A-Za-z0-9]+)Command)\(/g)) add(m[1]!, m[2]!);
    for (const m of text.matchAll(/\b(paginate([A-Z][A-Za-z0-9]+))\(/g)) add(m[1]!, m[2]!);
  }
  return found;
}

/**
 * What the AWS provider calls for the resources the program declares (terraform-provider-aws
 * internal/service/rds/instance.go: restore, follow-up modify and reboot, read with tags, delete with a final
 * snapshot; internal/service/route53/record.go: change, wait for the change, read the zone and the record).
 */
const PROVIDER_ACTIONS = [
  "rds:RestoreDBInstanceFromDBSnapshot",
  "rds:RestoreDBInstanceToPointInTime",
  "rds:ModifyDBInstance",
  "rds:RebootDBInstance",
  "rds:DescribeDBInstances",
  "rds:DeleteDBInstance",
  "rds:CreateDBSnapshot",
  "rds:ListTagsForResource",
  "rds:AddTagsToResource",
  "rds:RemoveTagsFromResource",
  // Aurora clusters (terraform-provider-aws cluster.go and cluster_instance.go: restore from a cluster snapshot or to a
  // point in time, the follow-up modify, create the instances in the cluster, delete with a final cluster snapshot).
  "rds:RestoreDBClusterFromSnapshot",
  "rds:RestoreDBClusterToPointInTime",
  "rds:ModifyDBCluster",
  "rds:DescribeDBClusters",
  "rds:DeleteDBCluster",
  "rds:CreateDBClusterSnapshot",
  "rds:CreateDBInstance",
  "route53:ChangeResourceRecordSets",
  "route53:GetChange",
  "route53:GetHostedZone",
  "route53:ListResourceRecordSets",
];
/** Permissions RDS checks on the caller's behalf: passing the monitoring role, using a customer-managed key. */
const DELEGATED_ACTIONS = ["iam:PassRole", "kms:CreateGrant", "kms:DescribeKey"];

describe("policy/driver-policy.json", () => {
  it("allows every AWS operation the code sends", () => {
    const sent = sdkActions();
    expect(sent).toEqual(
      new Set([
        "rds:DescribeDBInstances",
        "rds:DescribeDBSnapshots",
        "rds:DescribeDBClusters",
        "rds:DescribeDBClusterSnapshots",
        "rds:RebootDBInstance",
        "rds:AddTagsToResource",
        "rds:RemoveTagsFromResource",
        "rds:CreateDBSnapshot",
        "rds:CopyDBSnapshot",
        "rds:DeleteDBSnapshot",
        "rds:ModifyDBSnapshotAttribute",
        "sts:GetCallerIdentity",
        "route53:ListResourceRecordSets",
        "route53:ListHostedZones",
        "ses:SendEmail",
        "sns:Publish",
        ...BACKEND_ONLY,
      ]),
    );
    for (const action of sent) {
      if (NEEDS_NO_PERMISSION.includes(action) || BACKEND_ONLY.includes(action)) expect(actions, action).not.toContain(action);
      else if (SOURCE_ROLE_ONLY.includes(action)) expect(roleActions, action).toContain(action);
      else expect(actions, action).toContain(action);
    }
    for (const action of SENT_BY_THE_CREDENTIAL_PROVIDER) expect(actions, action).toContain(action);
  });

  it("allows what the AWS provider calls for the program's resources, and what RDS checks on the caller's behalf", () => {
    for (const action of [...PROVIDER_ACTIONS, ...DELEGATED_ACTIONS]) expect(actions, action).toContain(action);
  });

  it("allows nothing else, and no wildcard action", () => {
    const needed = new Set([...sdkActions(), ...PROVIDER_ACTIONS, ...DELEGATED_ACTIONS, ...SENT_BY_THE_CREDENTIAL_PROVIDER].filter((a) => !SOURCE_ROLE_ONLY.includes(a) && !NEEDS_NO_PERMISSION.includes(a) && !BACKEND_ONLY.includes(a)));
    expect([...actions].filter((a) => !needed.has(a))).toEqual([]);
    for (const action of actions) expect(action).not.toContain("*");
    for (const s of policy.Statement) expect(s.Effect).toBe("Allow");
  });

  it("scopes every change to RDS instances by the generation names and echo:managed tag", () => {
    // The names rds-echo gives instances: generations, cluster members (`-<n>`, n up to 15), adopted originals.
    const names = ["${Echo}-????????-????", "${Echo}-????????-????-?", "${Echo}-????????-????-??", "${Echo}-????-??-??"].map((n) => `arn:aws:rds:\${Region}:\${Account}:db:${n}`);
    const changes = ["rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DeleteDBInstance", "rds:RemoveTagsFromResource"];
    for (const s of policy.Statement.filter((x) => list(x.Action).some((a) => changes.includes(a)))) {
      for (const r of list(s.Resource).filter((x) => x.includes(":db:"))) expect(names, s.Sid).toContain(r);
      if (list(s.Resource).some((r) => r.includes(":db:"))) expect(s.Condition, s.Sid).toEqual({ StringEquals: { "aws:ResourceTag/echo:managed": "${Echo}" } });
    }
    // Deleting final snapshots (retire.keepFinalSnapshots): only under the definition's finalSnapshotName pattern (filled
    // in by `rds-echo policy`), and only those carrying the echo's tag.
    const finals = policy.Statement.filter((x) => list(x.Action).includes("rds:DeleteDBSnapshot") && list(x.Resource).some((r) => r.includes(":snapshot:${FinalSnapshot}")));
    expect(finals).toHaveLength(1);
    expect(finals[0]!.Resource).toBe("arn:aws:rds:${Region}:${Account}:snapshot:${FinalSnapshot}");
    expect(finals[0]!.Condition).toEqual({ StringEquals: { "aws:ResourceTag/echo:managed": "${Echo}" } });
    const passRole = policy.Statement.find((s) => list(s.Action).includes("iam:PassRole"))!;
    expect(passRole.Resource).toBe("${MonitoringRoleArn}");
  });

  it("publishes notifications only to the configured topic, and sends e-mail only from the configured identities", () => {
    const publish = policy.Statement.filter((s) => list(s.Action).includes("sns:Publish"));
    expect(publish.map((s) => s.Resource)).toEqual(["${NotifyTopicArn}"]);
    const mail = policy.Statement.filter((s) => list(s.Action).includes("ses:SendEmail"));
    expect(mail.map((s) => s.Condition?.["StringEquals"]?.["ses:FromAddress"]).sort()).toEqual(["${ApprovalFrom}", "${NotifyFrom}"]);
  });

  it("scopes the snapshots rds-echo makes and deletes by their names and echo:managed tag; the role only to the source account's role", () => {
    const made = ["-source", "-copy"].map((suffix) => `\${Echo}-????????-????${suffix}`);
    for (const s of policy.Statement.filter((x) => list(x.Resource).some((r) => made.some((m) => r.endsWith(`:snapshot:${m}`))) && !list(x.Action).includes("rds:AddTagsToResource"))) {
      const condition = s.Condition?.["StringEquals"];
      const deletes = list(s.Action).includes("rds:DeleteDBSnapshot");
      expect(condition?.[deletes ? "aws:ResourceTag/echo:managed" : "aws:RequestTag/echo:managed"], s.Sid).toBe("${Echo}");
    }
    // Two statements delete snapshots: the final ones (retire.keepFinalSnapshots) and the ones made for sources
    // (`<generation>-source`, `<generation>-copy`); both only with the echo's tag, neither by a `*` pattern.
    const deletes = policy.Statement.filter((s) => list(s.Action).includes("rds:DeleteDBSnapshot"));
    expect(deletes).toHaveLength(2);
    expect(deletes.flatMap((s) => list(s.Resource)).every((r) => r.endsWith(":snapshot:${FinalSnapshot}") || made.some((m) => r.endsWith(`:snapshot:${m}`)))).toBe(true);
    for (const s of deletes) expect(s.Condition?.["StringEquals"]?.["aws:ResourceTag/echo:managed"], s.Sid).toBe("${Echo}");
    const assume = policy.Statement.filter((s) => list(s.Action).includes("sts:AssumeRole"));
    expect(assume.map((s) => s.Resource)).toEqual(["${SourceRoleArn}"]);
  });

  it("scopes every change to Aurora clusters by the echo's name and echo:managed tag, and clones only the source cluster", () => {
    const clusterChanges = ["rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:RemoveTagsFromResource", "rds:CreateDBClusterSnapshot"];
    for (const s of policy.Statement.filter((x) => list(x.Resource).some((r) => r.includes(":cluster:${Echo}-")) && list(x.Action).some((a) => clusterChanges.includes(a)))) {
      expect(s.Resource, s.Sid).toBe("arn:aws:rds:${Region}:${Account}:cluster:${Echo}-????????-????");
      expect(s.Condition?.["StringEquals"]?.["aws:ResourceTag/echo:managed"], s.Sid).toBe("${Echo}");
    }
    for (const s of policy.Statement.filter((x) => list(x.Action).some((a) => ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:CreateDBInstance"].includes(a)))) {
      // Into a new resource only with this echo's tag; otherwise only on what it restores from, or the groups.
      const creates = list(s.Resource).filter((r) => /:(cluster|db):\$\{Echo\}-/.test(r));
      if (creates.length > 0 && !s.Sid.startsWith("CreateClusterInstancesIn")) expect(s.Condition?.["StringEquals"]?.["aws:RequestTag/echo:managed"], s.Sid).toBe("${Echo}");
      for (const r of list(s.Resource)) expect(r, s.Sid).not.toMatch(/:cluster:\*$|:db:\*$/);
    }
    const clone = policy.Statement.find((s) => s.Sid === "CloneOnlyTheSourceCluster")!;
    expect(list(clone.Resource)).toContain("arn:aws:rds:${Region}:${Account}:cluster:${SourceCluster}");
  });
});

describe("policy/source-role-policy.json (the role source.assumeRole names, in the source's account)", () => {
  it("allows what rds-echo sends as the role, nothing else, and changes only snapshots made for the echo", () => {
    expect([...roleActions].sort()).toEqual([...SOURCE_ROLE_SENDS, "rds:AddTagsToResource"].sort());
    for (const s of rolePolicy.Statement) {
      expect(s.Effect).toBe("Allow");
      const changes = list(s.Action).some((a) => ["rds:ModifyDBSnapshotAttribute", "rds:DeleteDBSnapshot"].includes(a));
      if (changes) expect(s.Condition?.["StringEquals"]?.["aws:ResourceTag/echo:managed"], s.Sid).toBe("${Echo}");
    }
  });
});
