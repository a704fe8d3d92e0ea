/** Reading outcomes back from moto in the engine suite: what RDS and Route 53 hold now. */
import { DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient, type DBCluster, type DBClusterSnapshot, type DBInstance, type DBSnapshot } from "@aws-sdk/client-rds";
import { ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { suite } from "./suite.js";

function clients() {
  const { motoEnv, motoEndpoint } = suite();
  const config = { region: motoEnv["AWS_REGION"], endpoint: motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  return { rds: new RDSClient(config), route53: new Route53Client(config) };
}

/** Forgets every resource in moto, so a test file starts from an empty account. */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${suite().motoEndpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
}

export async function instances(): Promise<DBInstance[]> {
  const { rds } = clients();
  try {
    return (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
  } finally {
    rds.destroy();
  }
}

export async function snapshots(): Promise<DBSnapshot[]> {
  const { rds } = clients();
  try {
    return (await rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? [];
  } finally {
    rds.destroy();
  }
}

export async function clusters(): Promise<DBCluster[]> {
  const { rds } = clients();
  try {
    return (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
  } finally {
    rds.destroy();
  }
}

export async function clusterSnapshots(): Promise<DBClusterSnapshot[]> {
  const { rds } = clients();
  try {
    return (await rds.send(new DescribeDBClusterSnapshotsCommand({}))).DBClusterSnapshots ?? [];
  } finally {
    rds.destroy();
  }
}

export async function snapshotIds(): Promise<string[]> {
  return (await snapshots()).map((s) => s.DBSnapshotIdentifier ?? "");
}

/**
 * A customer-managed key in moto's KMS, in the suite's region; its ARN. Over KMS's JSON protocol directly: the
 * project has no KMS client (rds-echo only names keys), and moto reads the region from the credential scope.
 */
export async function createKmsKey(description: string): Promise<string> {
  const { motoEnv, motoEndpoint } = suite();
  const region = motoEnv["AWS_REGION"]!;
  const response = await fetch(motoEndpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "TrentService.CreateKey",
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: description }),
  });
  if (!response.ok) throw new Error(`moto CreateKey answered ${response.status}: ${await response.text()}`);
  const arn = ((await response.json()) as { KeyMetadata?: { Arn?: string } }).KeyMetadata?.Arn;
  if (!arn) throw new Error("moto CreateKey returned no key ARN");
  return arn;
}

/** The CNAME's live target (without the trailing dot), or undefined. */
export async function cnameTarget(zoneId: string, name: string): Promise<string | undefined> {
  const { route53 } = clients();
  try {
    const sets = (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];
    const record = sets.find((s) => s.Type === "CNAME" && s.Name?.replace(/\.$/, "") === name);
    return record?.ResourceRecords?.[0]?.Value?.replace(/\.$/, "");
  } finally {
    route53.destroy();
  }
}

export function tagsOf(resource: Pick<DBInstance, "TagList">): Record<string, string> {
  return Object.fromEntries((resource.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}
