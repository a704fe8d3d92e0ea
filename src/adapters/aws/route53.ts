import {
  ListResourceRecordSetsCommand,
  paginateListHostedZones,
  type HostedZone,
  type Route53Client,
} from "@aws-sdk/client-route-53";
import type { DnsPort } from "../../ports.js";
import { chooseZone, normaliseName as normalise, type HostedZone as Zone } from "../zone-choice.js";
import { mapAwsError } from "./errors.js";

/** DnsPort on the AWS SDK: read-only (the CNAME itself is written by the Pulumi program). */
export class AwsDns implements DnsPort {
  constructor(private readonly client: Route53Client) {}

  /** The given zone id, else the zone chosen from the account's listing (see chooseZone). */
  async resolveZone(name: string, hint: { zoneId?: string; zoneName?: string }): Promise<string> {
    if (hint.zoneId !== undefined) return hint.zoneId;
    return chooseZone(await this.hostedZones(), name, hint.zoneName);
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

function toZone(id: string, name: string, zone: HostedZone): Zone {
  return { id: id.replace(/^\/hostedzone\//, ""), name: normalise(name), private: zone.Config?.PrivateZone === true };
}

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
