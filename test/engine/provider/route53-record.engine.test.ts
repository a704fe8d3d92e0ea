/**
 * The stand-in's `aws:route53/record:Record` rules against a real moto, and the provider config's wire forms.
 */
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerConfigFrom } from "./config.js";
import { recordUrn, startFixture, type Fixture } from "./fixture.js";
import type { PropertyBag } from "./values.js";

let fx: Fixture;
let route53: Route53Client;
let zoneId: string;
beforeAll(async () => {
  fx = await startFixture();
  route53 = new Route53Client({ region: "us-east-1" });
  const zone = await route53.send(new CreateHostedZoneCommand({ Name: "example.test", CallerReference: "engine-test" }));
  zoneId = zone.HostedZone!.Id!.replace("/hostedzone/", "");
}, 180_000);
afterAll(async () => {
  route53?.destroy();
  await fx?.stop();
});

async function liveCname(name: string): Promise<string[] | undefined> {
  const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  const set = out.ResourceRecordSets?.find((r) => r.Name === `${name}.` && r.Type === "CNAME");
  return set?.ResourceRecords?.map((r) => r.Value!);
}

const cname = (name: string, target: string, extra: PropertyBag = {}): PropertyBag => ({ zoneId, name, type: "CNAME", ttl: 60, records: [target], ...extra });

describe("route53 record", () => {
  it("CREATEs without allowOverwrite, UPSERTs with it, and its id is <zone>_<lower name>_<type>", async () => {
    const seeded = { Name: "db.example.test", Type: "CNAME" as const, TTL: 60, ResourceRecords: [{ Value: "old.example" }] };
    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: seeded }] } }));
    // MOTO: real Route 53 rejects any CREATE of an existing name and type; moto 5.2.5 only rejects a CREATE identical
    // to an earlier change (route53/models.py change_resource_record_sets), so that is what shows the action here.
    await expect(fx.provider.create!(recordUrn(), cname("db.example.test", "old.example"))).rejects.toThrow(/creating Route53 Record/);
    expect(await liveCname("db.example.test")).toEqual(["old.example"]);

    const { id, outs } = await fx.provider.create!(recordUrn(), cname("DB.example.test.", "new.example", { allowOverwrite: true }));
    expect(id).toBe(`${zoneId}_db.example.test_CNAME`);
    expect(outs).toMatchObject({ name: "db.example.test", fqdn: "db.example.test", records: ["new.example"], allowOverwrite: true });
    expect(await liveCname("db.example.test")).toEqual(["new.example"]);
  });

  it("normalises the name (trailing dot, case) in diffs; a new name or zone replaces, a new target updates in place", async () => {
    const { outs } = await fx.provider.create!(recordUrn(), cname("app.example.test", "a.example", { allowOverwrite: true }));
    const diff = (news: PropertyBag) => fx.provider.diff!("id", recordUrn(), outs, news);
    expect(await diff(cname("App.Example.Test.", "a.example", { allowOverwrite: true }))).toMatchObject({ changes: false, replaces: [] });
    expect(await diff(cname("other.example.test", "a.example", { allowOverwrite: true }))).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await diff(cname("app.example.test", "a.example", { allowOverwrite: true, zoneId: "ZOTHER" }))).toMatchObject({ changes: true, replaces: ["zoneId"] });
    expect(await diff(cname("app.example.test", "b.example", { allowOverwrite: true }))).toMatchObject({ changes: true, replaces: [] });

    await fx.provider.update!("id", recordUrn(), outs, cname("app.example.test", "b.example", { allowOverwrite: true }));
    expect(await liveCname("app.example.test")).toEqual(["b.example"]);
  });

  it("deletes what is live (not what the state says), and a record already gone is no error", async () => {
    const { id, outs } = await fx.provider.create!(recordUrn(), cname("gone.example.test", "a.example", { allowOverwrite: true }));
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: "gone.example.test", Type: "CNAME", TTL: 300, ResourceRecords: [{ Value: "moved.example" }] } }] },
      }),
    );
    await fx.provider.delete!(id, recordUrn(), outs);
    expect(await liveCname("gone.example.test")).toBeUndefined();
    await fx.provider.delete!(id, recordUrn(), outs);
    expect((await fx.provider.read!(id, recordUrn(), outs)).id).toBe("");
  });

  it("imports from the id alone", async () => {
    const { id } = await fx.provider.create!(recordUrn(), cname("imp.example.test", "a.example", { allowOverwrite: true }));
    const imported = await fx.provider.read!(id, recordUrn(), {});
    expect(imported.inputs).toEqual({ zoneId, name: "imp.example.test", type: "CNAME", records: ["a.example"], ttl: 60 });
  });
});

describe("provider config", () => {
  it("takes ignoreTags as the JSON string @pulumi/aws sends, or as an object, from args or variables", () => {
    const json = JSON.stringify({ keyPrefixes: ["echo:approval:"] });
    expect(providerConfigFrom(new Map([["aws:config:region", "eu-west-1"], ["aws:config:ignoreTags", json]]), undefined)).toEqual({
      region: "eu-west-1",
      ignoreTags: { keys: [], keyPrefixes: ["echo:approval:"] },
    });
    expect(providerConfigFrom({}, { region: "eu-west-2", profile: "p", ignoreTags: { keyPrefixes: ["x:"], keys: ["k"] } })).toEqual({
      region: "eu-west-2",
      profile: "p",
      ignoreTags: { keys: ["k"], keyPrefixes: ["x:"] },
    });
    expect(providerConfigFrom({}, { region: "eu-west-1", ignoreTags: json }).ignoreTags.keyPrefixes).toEqual(["echo:approval:"]);
  });
});
