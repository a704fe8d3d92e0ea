import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type HostedZone,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsDns } from "../../../src/adapters/aws/route53.js";
import { UsageError, ZoneLookupError } from "../../../src/errors.js";

const r53Mock = mockClient(Route53Client);
const dns = new AwsDns(new Route53Client({ region: "us-east-1" }));
beforeEach(() => r53Mock.reset());

function zone(id: string, name: string, privateZone = false): HostedZone {
  return { Id: `/hostedzone/${id}`, Name: name, CallerReference: id, Config: { PrivateZone: privateZone } };
}

/** Hosted zones over two pages, as Route 53 pages them (IsTruncated + NextMarker). */
function zones(first: HostedZone[], second: HostedZone[] = []): void {
  r53Mock.on(ListHostedZonesCommand).callsFake((input) =>
    input.Marker === "page2"
      ? { HostedZones: second, IsTruncated: false, Marker: "page2", MaxItems: 100 }
      : { HostedZones: first, IsTruncated: second.length > 0, NextMarker: second.length > 0 ? "page2" : undefined, MaxItems: 100 },
  );
}

describe("AwsDns.resolveZone", () => {
  it("returns a given zone id as is, without any call", async () => {
    expect(await dns.resolveZone("db.example.com", { zoneId: "Z0GIVEN" })).toBe("Z0GIVEN");
    expect(r53Mock.calls()).toHaveLength(0);
  });

  it("picks the longest zone that is a suffix at a label boundary, across pages", async () => {
    zones([zone("ZCOM", "example.com."), zone("ZAMPLE", "ample.com."), zone("ZOTHER", "other.org.")], [zone("ZDB", "DB.Example.com.")]);
    expect(await dns.resolveZone("app.db.example.com", {})).toBe("ZDB");
    expect(await dns.resolveZone("www.example.com.", {})).toBe("ZCOM");
    expect(await dns.resolveZone("example.com", {})).toBe("ZCOM");
    expect(r53Mock.commandCalls(ListHostedZonesCommand).length).toBe(6);
  });

  it("uses the zone named by promote.zoneName even when a longer suffix exists", async () => {
    zones([zone("ZCOM", "example.com."), zone("ZDB", "db.example.com.")]);
    expect(await dns.resolveZone("app.db.example.com", { zoneName: "Example.com." })).toBe("ZCOM");
  });

  it("refuses to guess between a private and a public zone of the same name", async () => {
    zones([zone("ZPUB", "example.com."), zone("ZPRIV", "example.com.", true), zone("ZTOP", "com.")]);
    const failure = dns.resolveZone("db.example.com", {});
    await expect(failure).rejects.toBeInstanceOf(ZoneLookupError);
    await expect(failure).rejects.toThrow(
      'a private and a public zone both match "example.com": ZPUB (public), ZPRIV (private); set promote.zoneId',
    );
  });

  it("refuses two zones of the same kind and name, listing their ids", async () => {
    zones([zone("ZA", "example.com.", true), zone("ZB", "example.com.", true)]);
    await expect(dns.resolveZone("db.example.com", { zoneName: "example.com" })).rejects.toThrow(
      '2 hosted zones match "example.com": ZA (private), ZB (private); set promote.zoneId',
    );
  });

  it("fails with a usage error (exit code 2) naming what to set when no zone matches", async () => {
    zones([zone("ZCOM", "example.com."), zone("ZAMPLE", "ample.com.")]);
    const failure = dns.resolveZone("db.sample.com", {});
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow("no hosted zone found for db.sample.com; set promote.zoneId or promote.zoneName");
  });
});

describe("AwsDns.readCname", () => {
  function records(...sets: ResourceRecordSet[]): void {
    r53Mock.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: sets, IsTruncated: false, MaxItems: 1 });
  }

  it("reads the CNAME's target (without the root dot) and TTL, asking for just that record", async () => {
    records({ Name: "DB.example.com.", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "gen-b.abc.eu-west-1.rds.amazonaws.com." }] });
    expect(await dns.readCname("ZCOM", "db.example.com")).toEqual({ target: "gen-b.abc.eu-west-1.rds.amazonaws.com", ttl: 60 });
    expect(r53Mock.commandCalls(ListResourceRecordSetsCommand)[0]?.args[0].input).toEqual({
      HostedZoneId: "ZCOM",
      StartRecordName: "db.example.com",
      StartRecordType: "CNAME",
      MaxItems: 1,
    });
  });

  it("returns undefined when the listing starts at another name, another type, or is empty", async () => {
    records({ Name: "dbx.example.com.", Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: "elsewhere." }] });
    expect(await dns.readCname("ZCOM", "db.example.com")).toBeUndefined();
    records({ Name: "db.example.com.", Type: "TXT", TTL: 60, ResourceRecords: [{ Value: '"hello"' }] });
    expect(await dns.readCname("ZCOM", "db.example.com")).toBeUndefined();
    records();
    expect(await dns.readCname("ZCOM", "db.example.com")).toBeUndefined();
  });
});
