/** The sandbox's Route 53: zone lookup and live record reads over the simulated world. */
import { ZoneLookupError } from "../../errors.js";
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
    const matches = this.world.route53.zones.filter((z) =>
      hint.zoneName ? z.name === hint.zoneName : name === z.name || name.endsWith(`.${z.name}`),
    );
    const longest = Math.max(0, ...matches.map((z) => z.name.length));
    const best = matches.filter((z) => z.name.length === longest);
    if (best.length === 0) throw new ZoneLookupError(`no hosted zone found for ${name}; set promote.zoneId or promote.zoneName`);
    if (best.length > 1) {
      throw new ZoneLookupError(
        `${best.length} hosted zones named ${best[0]?.name} match ${name} (${best.map((z) => `${z.id}${z.private ? " private" : " public"}`).join(", ")}); set promote.zoneId`,
      );
    }
    return best[0]!.id;
  }

  async readCname(zoneId: string, name: string): Promise<{ target: string; ttl: number } | undefined> {
    this.faults.enter("route53.ListResourceRecordSets");
    const record = this.world.route53.zones.find((z) => z.id === zoneId)?.records[name];
    if (!record || record.type !== "CNAME") return undefined;
    return { target: record.values[0] ?? "", ttl: record.ttl };
  }
}
