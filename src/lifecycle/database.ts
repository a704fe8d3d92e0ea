/**
 * The one database of a generation, whatever the echo copies: the RDS instance of an instance echo, or the Aurora
 * cluster of a cluster echo folded into the same view (cluster-status.ts). Every status check, wait, adoption and
 * reboot of the lifecycle goes through here, so the steps stay the same for both kinds.
 */
import { isClusterEcho, type EchoDefinition } from "../definition/schema.js";
import type { InstanceInfo, Ports } from "../ports.js";
import { clusterView, membersToReboot } from "./cluster-status.js";

/** Reads one generation's database; undefined when RDS has none by that name. */
export type DatabaseReader = (id: string) => Promise<InstanceInfo | undefined>;

export function databaseReader(ports: Pick<Ports, "rds">, definition: EchoDefinition): DatabaseReader {
  if (!isClusterEcho(definition)) return (id) => ports.rds.describeInstance(id);
  const expected = definition.cluster.instances;
  return async (id) => {
    const cluster = await ports.rds.describeCluster(id);
    return cluster && clusterView(cluster, expected);
  };
}

export function describeDatabase(ports: Pick<Ports, "rds">, definition: EchoDefinition, id: string): Promise<InstanceInfo | undefined> {
  return databaseReader(ports, definition)(id);
}

/** Many generations' databases in as few calls as RDS allows. */
export async function describeDatabases(ports: Pick<Ports, "rds">, definition: EchoDefinition, ids: readonly string[]): Promise<Map<string, InstanceInfo>> {
  if (!isClusterEcho(definition)) return ports.rds.describeInstances(ids);
  const clusters = await ports.rds.describeClusters(ids);
  return new Map([...clusters].map(([id, cluster]) => [id, clusterView(cluster, definition.cluster.instances)]));
}

/**
 * Reboots what waits for it: the instance, or each member of the cluster that has pending settings (all of them when
 * forced). Aurora applies a cluster parameter group's static parameters when each instance reboots. Returns the ids
 * rebooted.
 */
export async function rebootDatabase(ports: Pick<Ports, "rds">, definition: EchoDefinition, id: string, force: boolean): Promise<string[]> {
  if (!isClusterEcho(definition)) {
    await ports.rds.reboot(id);
    return [id];
  }
  const cluster = await ports.rds.describeCluster(id);
  if (!cluster) throw new Error(`${id}: no such cluster in RDS`);
  const members = membersToReboot(cluster, force);
  for (const member of members) await ports.rds.reboot(member.id);
  return members.map((m) => m.id);
}
