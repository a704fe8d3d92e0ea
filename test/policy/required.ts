/** The resource types AWS requires per action (issue 18, item 8), and the type an ARN pattern of the policy files names. */
/**
 * Required resource types of every action the policy files allow, from the Service Authorization Reference
 * (docs.aws.amazon.com/service-authorization/latest/reference: list_amazonrds.html, list_amazonroute53.html,
 * list_amazonses.html, list_amazonsns.html, list_awsidentityandaccessmanagementiam.html,
 * list_awskeymanagementservice.html, list_awssecuritytokenservice.html), as parliament 1.6.4 ships it too. Actions
 * with no required type (AddTagsToResource, the listings) are [].
 */
export const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  "rds:AddTagsToResource": [],
  "rds:RemoveTagsFromResource": [],
  "rds:ListTagsForResource": [],
  "rds:DescribeDBSnapshots": [],
  "rds:DescribeDBClusterSnapshots": [],
  "rds:DescribeDBInstances": ["db"],
  "rds:DescribeDBClusters": ["cluster"],
  "rds:CopyDBSnapshot": ["snapshot"],
  "rds:CreateDBSnapshot": ["db", "snapshot"],
  "rds:CreateDBClusterSnapshot": ["cluster", "cluster-snapshot"],
  "rds:CreateDBInstance": ["db"],
  "rds:DeleteDBInstance": ["db"],
  "rds:DeleteDBCluster": ["cluster", "cluster-snapshot"],
  "rds:DeleteDBSnapshot": ["snapshot"],
  "rds:ModifyDBInstance": ["db"],
  "rds:ModifyDBCluster": ["cluster"],
  "rds:ModifyDBSnapshotAttribute": ["snapshot"],
  "rds:RebootDBInstance": ["db"],
  "rds:RestoreDBInstanceFromDBSnapshot": ["db", "og", "pg", "subgrp"],
  "rds:RestoreDBInstanceToPointInTime": ["db", "og", "pg", "subgrp"],
  "rds:RestoreDBClusterFromSnapshot": ["cluster", "cluster-pg", "og", "subgrp"],
  "rds:RestoreDBClusterToPointInTime": ["cluster", "cluster-pg", "og", "subgrp"],
  "route53:ChangeResourceRecordSets": ["hostedzone"],
  "route53:GetChange": ["change"],
  "route53:GetHostedZone": ["hostedzone"],
  "route53:ListResourceRecordSets": ["hostedzone"],
  "route53:ListHostedZones": [],
  "ses:SendEmail": ["identity"],
  "sns:Publish": ["topic"],
  "iam:PassRole": ["role"],
  "kms:CreateGrant": ["key"],
  "kms:DescribeKey": ["key"],
  "sts:AssumeRole": ["role"],
};

/** The resource types a placeholder that stands for a whole ARN stands for. */
const ARN_PLACEHOLDERS: Readonly<Record<string, string>> = {
  "${NotifyTopicArn}": "topic",
  "${MonitoringRoleArn}": "role",
  "${SourceRoleArn}": "role",
  "${KmsKeyArn}": "key",
  "${CopyKmsKeyArn}": "key",
  "${SourceKmsKeyArn}": "key",
};

/** The resource type an ARN pattern names (`*` names every type). */
export function resourceType(arn: string): string {
  if (arn === "*") return "*";
  if (ARN_PLACEHOLDERS[arn]) return ARN_PLACEHOLDERS[arn]!;
  const parts = arn.split(":");
  const service = parts[2];
  if (service === "rds") return parts[5]!;
  if (service === "route53") return parts[5]!.split("/")[0]!;
  if (service === "ses") return parts[5]!.split("/")[0]!;
  throw new Error(`resourceType: no rule for ${arn}`);
}
