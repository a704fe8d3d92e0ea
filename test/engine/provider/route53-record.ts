/**
 * `aws:route53/record:Record` for the one shape rds-echo declares (a simple record with `records` and `ttl`,
 * no alias, no routing policy), after terraform-provider-aws internal/service/route53/record.go:
 * - schema (`resourceRecord`): `name` Required+ForceNew, stored trimmed of a trailing dot and lower-cased (its
 *   StateFunc); `zone_id` Required+ForceNew; `type` Required, NOT ForceNew (an update DELETEs the old set and CREATEs
 *   the new one in one batch); `records` a set; `ttl` Optional; `set_identifier` Optional; `allow_overwrite`
 *   Optional+Computed; `fqdn` Computed.
 * - `resourceRecordCreate`: UPSERT when allow_overwrite is true (or on update), CREATE otherwise, so an existing
 *   record is an error unless overwriting was asked for; id `<zone>_<lower(name)>_<type>[_<set id>]`; waits for the
 *   change to be INSYNC.
 * - `resourceRecordRead`: ListResourceRecordSets from the fully expanded lower-cased name and type; gone: dropped.
 * - `resourceRecordDelete`: reads the live record and DELETEs exactly what is there (not the state's values);
 *   not found, or InvalidChangeBatch, counts as deleted.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type RRType,
} from "@aws-sdk/client-route-53";
import type { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider/index.js";
import { plannedChanges, type DiffRule } from "./diff.js";
import { describeAwsError } from "./errors.js";
import type { ProviderContext } from "./rds-instance.js";
import { defined, numberOf, plainBag, sleep, stringListOf, stringOf, type PropertyBag } from "./values.js";

export const RECORD_TYPE = "aws:route53/record:Record";

/** `name`'s StateFunc: no trailing dot, lower case. */
export const normalizeRecordName = (name: string) => name.replace(/\.$/, "").toLowerCase();

const RECORD_RULES: Readonly<Record<string, DiffRule>> = {
  name: { kind: "string", forceNew: true, normalize: normalizeRecordName },
  zoneId: { kind: "string", forceNew: true },
  type: { kind: "string" },
  records: { kind: "set" },
  ttl: { kind: "number" },
  setIdentifier: { kind: "string" },
  allowOverwrite: { kind: "boolean", computed: true },
};

export function checkRecord(news: PropertyBag): CheckResult {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!(key in RECORD_RULES) && key !== "__defaults") failures.push({ property: key, reason: `the stand-in aws provider does not implement ${key}` });
  }
  for (const key of ["name", "zoneId", "type"]) {
    if (news[key] === undefined) failures.push({ property: key, reason: "Missing required argument" });
  }
  // ExactlyOneOf alias/records: the stand-in has no alias, so records are required; `ttl` is RequiredWith records.
  if (news["records"] === undefined) failures.push({ property: "records", reason: "one of `alias,records` must be specified" });
  if (news["records"] !== undefined && news["ttl"] === undefined) failures.push({ property: "ttl", reason: "all of `records,ttl` must be specified" });
  return { inputs: news, failures };
}

export function diffRecord(olds: PropertyBag, news: PropertyBag): DiffResult & { readonly diffs: string[] } {
  const { changed, replaces } = plannedChanges(RECORD_RULES, olds, news);
  // `diffs`: the changed properties, which the bridge's Diff reports and the engine passes on in its events.
  return { changes: changed.length > 0, replaces, diffs: changed };
}

/** `expandRecordName`: a name not ending in the zone's name gets it appended. */
function expandRecordName(name: string, zoneName: string): string {
  const record = normalizeRecordName(name);
  const zone = normalizeRecordName(zoneName);
  if (record.endsWith(zone)) return record;
  return record === "" ? zone : `${record}.${zone}`;
}

/** `d.Get("name")` in create already holds the StateFunc's value (trimmed, lower case), then lower-cased again. */
function recordId(zoneId: string, name: string, type: string, setIdentifier?: string): string {
  return [zoneId, normalizeRecordName(name), type, ...(setIdentifier ? [setIdentifier] : [])].join("_");
}

/** `cleanZoneID`: the API's `/hostedzone/Z…` prefix removed. */
const cleanZoneId = (id: string) => id.replace(/^\/hostedzone\//, "");

async function zoneName(ctx: ProviderContext, zoneId: string): Promise<string> {
  const out = await ctx.clients().route53.send(new GetHostedZoneCommand({ Id: zoneId }));
  return out.HostedZone?.Name ?? "";
}

function recordSet(inputs: PropertyBag, zone: string): ResourceRecordSet {
  const type = stringOf(inputs, "type") as RRType;
  const setIdentifier = stringOf(inputs, "setIdentifier");
  return {
    Name: expandRecordName(stringOf(inputs, "name") ?? "", zone),
    Type: type,
    ...(numberOf(inputs, "ttl") ? { TTL: numberOf(inputs, "ttl") } : {}),
    ResourceRecords: (stringListOf(inputs, "records") ?? []).map((Value) => ({ Value })),
    ...(setIdentifier ? { SetIdentifier: setIdentifier } : {}),
  };
}

/** `waitChangeInsync`: GetChange until INSYNC (upstream polls every 15 s for up to 30 min; the stand-in polls fast). */
async function waitInsync(ctx: ProviderContext, changeId: string | undefined): Promise<void> {
  if (!changeId) return;
  for (let polls = 0; polls < 600; polls++) {
    const out = await ctx.clients().route53.send(new GetChangeCommand({ Id: changeId }));
    if (out.ChangeInfo?.Status === "INSYNC") return;
    await sleep(100);
  }
  throw new Error(`timeout while waiting for Route 53 change ${changeId} to be INSYNC`);
}

/** `findResourceRecordSetByFourPartKey`. */
async function findRecord(ctx: ProviderContext, zoneId: string, name: string, type: string, setIdentifier = ""): Promise<{ record?: ResourceRecordSet; fqdn: string }> {
  const fqdn = expandRecordName(name, await zoneName(ctx, zoneId));
  const out = await ctx.clients().route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: fqdn, StartRecordType: type.toUpperCase() as RRType, MaxItems: setIdentifier ? 100 : 1 }),
  );
  const record = (out.ResourceRecordSets ?? []).find(
    (r) => normalizeRecordName(r.Name ?? "") === fqdn && (r.Type ?? "").toUpperCase() === type.toUpperCase() && (r.SetIdentifier ?? "") === setIdentifier,
  );
  return record ? { record, fqdn } : { fqdn };
}

async function change(ctx: ProviderContext, zoneId: string, changes: { Action: "CREATE" | "UPSERT" | "DELETE"; ResourceRecordSet: ResourceRecordSet }[], comment: string): Promise<void> {
  const out = await ctx.clients().route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: cleanZoneId(zoneId), ChangeBatch: { Changes: changes, Comment: comment } }));
  await waitInsync(ctx, out.ChangeInfo?.Id);
}

async function stateOf(ctx: ProviderContext, inputs: PropertyBag): Promise<PropertyBag> {
  const zoneId = stringOf(inputs, "zoneId")!;
  const { record, fqdn } = await findRecord(ctx, zoneId, stringOf(inputs, "name")!, stringOf(inputs, "type")!, stringOf(inputs, "setIdentifier"));
  return defined({
    ...inputs,
    name: normalizeRecordName(stringOf(inputs, "name")!),
    allowOverwrite: inputs["allowOverwrite"] === true,
    fqdn,
    records: (record?.ResourceRecords ?? []).flatMap((r) => (r.Value ? [r.Value] : [])),
    ttl: record?.TTL,
  });
}

export async function createRecord(ctx: ProviderContext, inputs: PropertyBag, updating = false): Promise<CreateResult> {
  const plain = plainBag(inputs);
  const zoneId = cleanZoneId(stringOf(plain, "zoneId")!);
  const action = plain["allowOverwrite"] === true || updating ? "UPSERT" : "CREATE";
  try {
    await change(ctx, zoneId, [{ Action: action, ResourceRecordSet: recordSet(plain, await zoneName(ctx, zoneId)) }], "Managed by Pulumi (rds-echo stand-in)");
  } catch (error) {
    throw describeAwsError(`creating Route53 Record`, error);
  }
  return { id: recordId(zoneId, stringOf(plain, "name")!, stringOf(plain, "type")!, stringOf(plain, "setIdentifier")), outs: await stateOf(ctx, plain) };
}

/** Import (no prior state) parses the id `ZONE_name_TYPE[_SET]` (`recordParseResourceID`); a refresh uses the state. */
export async function readRecord(ctx: ProviderContext, id: string, props: PropertyBag | undefined): Promise<ReadResult> {
  const prior = plainBag(props);
  const importing = Object.keys(prior).length === 0;
  const keys = importing ? parseRecordId(id) : prior;
  if (!stringOf(keys, "zoneId") || !stringOf(keys, "type")) throw new Error(`unexpected format of ID (${JSON.stringify(id)}), expected ZONEID_RECORDNAME_TYPE_SET-IDENTIFIER`);
  const { record } = await findRecord(ctx, stringOf(keys, "zoneId")!, stringOf(keys, "name") ?? "", stringOf(keys, "type")!, stringOf(keys, "setIdentifier"));
  if (!record) return { id: "", props: {} };
  const outs = await stateOf(ctx, keys);
  return importing ? { id, props: outs, inputs: defined({ zoneId: outs["zoneId"], name: outs["name"], type: outs["type"], records: outs["records"], ttl: outs["ttl"] }) } : { id, props: outs };
}

const RECORD_TYPES = ["SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"];

function parseRecordId(id: string): PropertyBag {
  const parts = id.split("_");
  const typeIndex = parts.findIndex((part, i) => i > 0 && RECORD_TYPES.includes(part));
  if (parts.length < 3 || typeIndex < 1) return {};
  return defined({ zoneId: parts[0], name: parts.slice(1, typeIndex).join("_").replace(/\.$/, ""), type: parts[typeIndex], setIdentifier: parts.slice(typeIndex + 1).join("_") || undefined });
}

export async function updateRecord(ctx: ProviderContext, olds: PropertyBag, news: PropertyBag): Promise<UpdateResult> {
  const plainOlds = plainBag(olds);
  const plainNews = plainBag(news);
  if (plainOlds["type"] === plainNews["type"] && plainOlds["setIdentifier"] === plainNews["setIdentifier"]) {
    return { outs: (await createRecord(ctx, news, true)).outs };
  }
  const zoneId = cleanZoneId(stringOf(plainOlds, "zoneId")!);
  const zone = await zoneName(ctx, zoneId);
  await change(ctx, zoneId, [{ Action: "DELETE", ResourceRecordSet: recordSet(plainOlds, zone) }, { Action: "CREATE", ResourceRecordSet: recordSet(plainNews, zone) }], "Managed by Pulumi (rds-echo stand-in)");
  return { outs: await stateOf(ctx, plainNews) };
}

export async function deleteRecord(ctx: ProviderContext, props: PropertyBag): Promise<void> {
  const state = plainBag(props);
  const zoneId = cleanZoneId(stringOf(state, "zoneId")!);
  const { record } = await findRecord(ctx, zoneId, stringOf(state, "name")!, stringOf(state, "type")!, stringOf(state, "setIdentifier"));
  if (!record) return;
  try {
    await change(ctx, zoneId, [{ Action: "DELETE", ResourceRecordSet: record }], "Deleted by Pulumi (rds-echo stand-in)");
  } catch (error) {
    if (error instanceof Error && error.name === "InvalidChangeBatch") return;
    throw describeAwsError(`deleting Route53 Record`, error);
  }
}

