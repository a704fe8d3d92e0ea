import {
  ListResourceRecordSetsCommand,
  paginateListHostedZones,
  type HostedZone,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import { ZoneLookupError } from "../../errors.js";
import type { DnsPort } from "../../ports.js";
import { mapAwsError } from "./errors.js";

/** DnsPort on the AWS SDK: read-only (the CNAME itself is written by the Pulumi program). */
export class AwsDns implements DnsPort {
  constructor(private readonly client: Route53Client) {}

  /**
   * A name may sit under several zones (`example.com` and `db.example.com`, or a private and a public zone with the
   * same name): the most specific wins, and a tie is refused rather than guessed, since a record written to the wrong
   * zone silently does nothing for the clients that resolve the other one.
   */
  async resolveZone(name: string, hint: { zoneId?: string; zoneName?: string }): Promise<string> {
    if (hint.zoneId !== undefined) return hint.zoneId;
    const wanted = normalise(name);
    const zones = await this.hostedZones();
    const wantedZone = hint.zoneName === undefined ? undefined : normalise(hint.zoneName);
    const candidates = zones.filter((z) =>
      wantedZone !== undefined ? z.name === wantedZone : wanted === z.name || wanted.endsWith(`.${z.name}`),
    );
    const longest = Math.max(0, ...candidates.map((z) => z.name.length));
    const best = candidates.filter((z) => z.name.length === longest);
    const [only, ...others] = best;
    if (only === undefined) {
      throw new ZoneLookupError(
        wantedZone === undefined
          ? `no hosted zone found for ${wanted}; set promote.zoneId or promote.zoneName`
          : `no hosted zone named ${wantedZone} (promote.zoneName) for ${wanted}; check the name or set promote.zoneId`,
      );
    }
    if (others.length === 0) return only.id;
    const ids = best.map((z) => `${z.id} (${z.private ? "private" : "public"})`).join(", ");
    if (best.some((z) => z.private !== only.private)) {
      throw new ZoneLookupError(`a private and a public zone both match "${only.name}": ${ids}; set promote.zoneId`);
    }
    throw new ZoneLookupError(`${best.length} hosted zones match "${only.name}": ${ids}; set promote.zoneId`);
  }

  async readCname(zoneId: string, name: string): Promise<{ target: string; ttl: number } | undefined> {
    const input = { HostedZoneId: zoneId, StartRecordName: name, StartRecordType: "CNAME" as const, MaxItems: 1 };
    let out;
    try {
      out = await this.client.send(new ListResourceRecordSetsCommand(input));
    } catch (error) {
      throw mapAwsError(error, `ListResourceRecordSets ${name} in ${zoneId}`);
    }
    // The listing starts at the name, so the first record may be the next one in the zone: check it is ours.
    const record = out.ResourceRecordSets?.[0];
    if (record?.Type !== "CNAME" || normalise(record.Name ?? "") !== normalise(name)) return undefined;
    const target = record.ResourceRecords?.[0]?.Value;
    if (target === undefined) return undefined;
    return { target: stripDot(target), ttl: record.TTL ?? 0 };
  }

  private async hostedZones(): Promise<Zone[]> {
    const zones: Zone[] = [];
    try {
      for await (const page of paginateListHostedZones({ client: this.client }, {})) {
        for (const zone of page.HostedZones ?? []) {
          if (zone.Id !== undefined && zone.Name !== undefined) zones.push(toZone(zone.Id, zone.Name, zone));
        }
      }
    } catch (error) {
      throw mapAwsError(error, "ListHostedZones");
    }
    return zones;
  }
}

interface Zone {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
}

function toZone(id: string, name: string, zone: HostedZone): Zone {
  return { id: id.replace(/^\/hostedzone\//, ""), name: normalise(name), private: zone.Config?.PrivateZone === true };
}

/** DNS names compare without the root dot and case-insensitively. */
function normalise(name: string): string {
  return stripDot(name).toLowerCase();
}

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
