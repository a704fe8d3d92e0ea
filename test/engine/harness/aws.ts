/** Reading outcomes back from moto in the engine suite: what RDS and Route 53 hold now. */
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient, type DBInstance } from "@aws-sdk/client-rds";
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

export async function snapshotIds(): Promise<string[]> {
  const { rds } = clients();
  try {
    return ((await rds.send(new DescribeDBSnapshotsCommand({}))).DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier ?? "");
  } finally {
    rds.destroy();
  }
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

export function tagsOf(instance: DBInstance): Record<string, string> {
  return Object.fromEntries((instance.TagList ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}
