/**
 * Recovering a cluster generation whose run died mid-create: what RDS already has (the cluster, some of its instances)
 * is adopted into the stack, never created a second time; what it does not have is cleared and created by the next
 * update. Only resources carrying this echo's and this generation's tags are adopted.
 */
import { clusterInstanceId } from "../definition/cluster-schema.js";
import { GuardError } from "../errors.js";
import type { PendingOperation } from "../ports.js";
import { CLUSTER_INSTANCE_TYPE, CLUSTER_TYPE } from "../program/resource-types.js";
import type { StepContext } from "./context.js";
import { isManagedBy } from "./echo-state.js";

const INSTANCE_NAME = /^instance-(\d+)$/;

/**
 * Pending creates to adopt, by urn, with the provider's id: for `aws.rds.Cluster` and `aws.rds.ClusterInstance` that is
 * the identifier (terraform-provider-aws sets the id to the cluster/instance identifier, unlike an `aws.rds.Instance`,
 * whose id is its DbiResourceId).
 */
export async function clusterImports(ctx: StepContext, generation: string, pending: readonly PendingOperation[]): Promise<Map<string, string>> {
  const echo = ctx.definition.echo;
  const cluster = await ctx.ports.rds.describeCluster(generation);
  const imports = new Map<string, string>();
  if (!cluster) return imports;
  if (!isManagedBy(echo, generation, { ...cluster, pendingReboot: false })) {
    throw new GuardError(`${generation}: a cluster by that name exists but does not carry this echo's tags; refusing to adopt it`);
  }
  for (const p of pending) {
    if (p.operation !== "creating") continue;
    if (p.type === CLUSTER_TYPE) imports.set(p.urn, cluster.id);
    const n = p.type === CLUSTER_INSTANCE_TYPE ? INSTANCE_NAME.exec(p.name)?.[1] : undefined;
    if (n === undefined) continue;
    const member = cluster.members.find((m) => m.id === clusterInstanceId(generation, Number(n)));
    if (member && isManagedBy(echo, generation, member)) imports.set(p.urn, member.id);
  }
  return imports;
}
