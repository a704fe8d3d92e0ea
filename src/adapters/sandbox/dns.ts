/** The sandbox's Route 53: zone lookup and live record reads over the simulated world. */
import { chooseZone } from "../zone-choice.js";
import type { DnsPort } from "../../ports.js";
import type { Faults } from "./faults.js";
import type { SimWorld } from "./world.js";

export class SandboxDns implements DnsPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
  ) {}

  async resolveZone(name: string, hint: { zoneId?: string; zoneName?: string }): Promise<string> {
    if (hint.zoneId) return hint.zoneId;
    this.faults.enter("route53.ListHostedZones");
    return chooseZone(this.world.route53.zones, name, hint.zoneName);
  }

  async readCname(zoneId: string, name: string): Promise<{ target: string; ttl: number } | undefined> {
    this.faults.enter("route53.ListResourceRecordSets");
    const record = this.world.route53.zones.find((z) => z.id === zoneId)?.records[name];
    if (!record || record.type !== "CNAME") return undefined;
    return { target: record.values[0] ?? "", ttl: record.ttl };
  }
}
