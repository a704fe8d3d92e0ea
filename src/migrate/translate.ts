/**
 * The original rds-echo's properties as an echo definition: every property that has an equivalent, with where it came
 * from; one warning line for each that has none; and what the original did without saying (its fixed 24-hour guard,
 * `iops=0` meaning none, a fixed final snapshot name, the zone of the CNAME's last two labels). Pure.
 */
import { UsageError } from "../errors.js";
import { echoNameProblem } from "../definition/identifiers.js";
import { tagKeyProblem, tagValueProblem } from "../definition/tags.js";
import { interpolate, javaBoolean, javaInteger, type PropertyMap } from "./properties.js";
import { KNOWN_PROPERTIES, LEGACY_GUARD_HOURS, LEGACY_PREFIX, P } from "./legacy.js";

/** A key path in the definition and the comment saying where its value came from. */
export interface Provenance {
  readonly path: readonly string[];
  readonly comment: string;
}

export interface Translation {
  readonly echo: string;
  /** The definition, as plain data in the order the file shows it. */
  readonly definition: Record<string, unknown>;
  readonly provenance: readonly Provenance[];
  /** One line per property without an equivalent (or a value rds-echo cannot take), saying what to do. */
  readonly warnings: readonly string[];
}

const LICENSE_MODELS = ["license-included", "bring-your-own-license", "general-public-license", "postgresql-license"];
const STORAGE_TYPES = ["standard", "gp2", "gp3", "io1", "io2"];
const SG_ID = /^sg-[0-9a-f]{8,17}$/;

export function translateProperties(properties: PropertyMap, options: { name?: string; env?: NodeJS.ProcessEnv } = {}): Translation {
  const env = options.env ?? {};
  const warnings: string[] = [];
  const provenance: Provenance[] = [];
  const used = new Set<string>();

  const from = (key: string): string => (properties.get(key)?.source === "opts" ? `${key} (-D in RDS_ECHO_OPTS)` : key);
  /** `getString`: the first element of the value's list, interpolated; undefined when unset (or set empty, see below). */
  const str = (key: string): string | undefined => {
    used.add(key);
    const first = properties.get(key)?.values[0];
    // The sample file ships `rdsecho.retire.finalDbSnapshotIdentifier=` empty; an empty value means "not set" here.
    return first === undefined || first === "" ? undefined : interpolate(first, properties, env);
  };
  const list = (key: string): string[] => {
    used.add(key);
    return (properties.get(key)?.values ?? []).map((v) => interpolate(v, properties, env)).filter((v) => v !== "");
  };
  const bool = (key: string): boolean | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const b = javaBoolean(v);
    if (b === undefined) warnings.push(`${from(key)}=${v} is not a boolean; left out`);
    return b;
  };
  const int = (key: string): number | undefined => {
    const v = str(key);
    if (v === undefined) return undefined;
    const n = javaInteger(v);
    if (n === undefined) warnings.push(`${from(key)}=${v} is not an integer; left out`);
    return n;
  };
  const note = (path: string[], comment: string) => provenance.push({ path, comment });

  const echo = options.name ?? str(P.name);
  if (echo === undefined) throw new UsageError(`${P.name} is not set: pass --name <echo>`);
  const nameProblem = echoNameProblem(echo);
  if (nameProblem) {
    throw new UsageError(`echo name "${echo}"${options.name ? "" : ` (from ${P.name})`} ${nameProblem}; pass --name <echo> with a name that is`);
  }
  used.add(P.name);

  const region = str(P.region);
  if (region === undefined) throw new UsageError(`${P.region} is not set; rds-echo needs the region (set it in the file or as -D${P.region}=… in RDS_ECHO_OPTS)`);
  note(["region"], `from ${from(P.region)}`);

  const sourceInstance = str(P.sourceInstance);
  if (sourceInstance === undefined) throw new UsageError(`${P.sourceInstance} is not set; rds-echo needs the source instance`);
  note(["source", "instance"], `from ${from(P.sourceInstance)}`);
  note(["source", "snapshotTypes"], "the original asked RDS for snapshots without a type: automated and manual ones");

  const instanceClass = str(P.instanceClass);
  if (instanceClass === undefined) {
    throw new UsageError(
      `${P.instanceClass} is not set (the original then kept the snapshot's class); rds-echo needs instance.class: ` +
        `add ${P.instanceClass}=db.… to the file, or -D${P.instanceClass}=db.… to RDS_ECHO_OPTS`,
    );
  }
  const instance: Record<string, unknown> = { class: instanceClass };
  note(["instance", "class"], `from ${from(P.instanceClass)}`);

  const multiAz = bool(P.multiAz);
  if (multiAz !== undefined) (instance["multiAz"] = multiAz), note(["instance", "multiAz"], `from ${from(P.multiAz)}`);
  const storageType = str(P.storageType);
  if (storageType !== undefined) {
    if (STORAGE_TYPES.includes(storageType)) (instance["storageType"] = storageType), note(["instance", "storageType"], `from ${from(P.storageType)}`);
    else warnings.push(`${from(P.storageType)}=${storageType} is not one of ${STORAGE_TYPES.join(", ")}; left out (the snapshot's storage type is restored)`);
  }
  const iops = int(P.iops);
  if (iops !== undefined && iops > 0) (instance["iops"] = iops), note(["instance", "iops"], `from ${from(P.iops)}`);
  else if (iops !== undefined) note(["instance"], `${P.iops}=${iops} meant no provisioned IOPS: iops left out`);
  const port = int(P.port);
  if (port !== undefined) {
    if (port >= 1150 && port <= 65535) (instance["port"] = port), note(["instance", "port"], `from ${from(P.port)}`);
    else warnings.push(`${from(P.port)}=${port} is outside RDS's 1150-65535; left out (the snapshot's port is restored)`);
  }
  const optionGroup = str(P.optionGroup);
  if (optionGroup !== undefined) (instance["optionGroup"] = optionGroup), note(["instance", "optionGroup"], `from ${from(P.optionGroup)}`);
  const autoMinor = bool(P.autoMinorVersionUpgrade);
  if (autoMinor !== undefined) (instance["autoMinorVersionUpgrade"] = autoMinor), note(["instance", "autoMinorVersionUpgrade"], `from ${from(P.autoMinorVersionUpgrade)}`);
  const licenseModel = str(P.licenseModel);
  if (licenseModel !== undefined) {
    if (LICENSE_MODELS.includes(licenseModel)) (instance["licenseModel"] = licenseModel), note(["instance", "licenseModel"], `from ${from(P.licenseModel)}`);
    else warnings.push(`${from(P.licenseModel)}=${licenseModel} is not one of ${LICENSE_MODELS.join(", ")}; left out`);
  }
  const newTags = tagsFrom(list(P.newTags), from(P.newTags), warnings);
  if (Object.keys(newTags).length > 0) (instance["tags"] = newTags), note(["instance", "tags"], `from ${from(P.newTags)} (applied at restore)`);

  const modify: Record<string, unknown> = {};
  const parameterGroup = str(P.parameterGroup);
  if (parameterGroup !== undefined) (modify["parameterGroup"] = parameterGroup), note(["modify", "parameterGroup"], `from ${from(P.parameterGroup)}`);
  const groups = list(P.securityGroups);
  if (groups.length > 0 && groups.every((g) => SG_ID.test(g))) {
    modify["vpcSecurityGroupIds"] = groups;
    note(["modify", "vpcSecurityGroupIds"], `from ${from(P.securityGroups)}`);
  } else if (groups.length > 0) {
    warnings.push(
      `${from(P.securityGroups)}=${groups.join(",")}: DB security group names (EC2-Classic) have no equivalent; look up the VPC ` +
        `security groups' ids (aws ec2 describe-security-groups --filters Name=group-name,Values=${groups.join(",")}) and set modify.vpcSecurityGroupIds: [sg-…]`,
    );
  }
  const retention = int(P.backupRetention);
  if (retention !== undefined) {
    if (retention >= 0 && retention <= 35) (modify["backupRetentionPeriod"] = retention), note(["modify", "backupRetentionPeriod"], `from ${from(P.backupRetention)}`);
    else warnings.push(`${from(P.backupRetention)}=${retention} is outside RDS's 0-35 days; left out`);
  }

  const cname = str(P.cname);
  let promote: Record<string, unknown> | undefined;
  if (cname !== undefined) {
    promote = { cname: cname.replace(/\.$/, "") };
    note(["promote", "cname"], `from ${from(P.cname)}`);
    const labels = cname.replace(/\.$/, "").split(".");
    if (labels.length > 2) {
      promote["zoneName"] = labels.slice(-2).join(".");
      note(["promote", "zoneName"], `the original always used the hosted zone named by the CNAME's last two labels`);
    }
    const ttl = int(P.ttl);
    if (ttl !== undefined && ttl >= 0 && ttl <= 86400) (promote["ttl"] = ttl), note(["promote", "ttl"], `from ${from(P.ttl)}`);
    else if (ttl !== undefined) warnings.push(`${from(P.ttl)}=${ttl} is outside Route 53's 0-86400 seconds; left out (default 60)`);
    const promoteTags = tagsFrom(list(P.promoteTags), from(P.promoteTags), warnings);
    if (Object.keys(promoteTags).length > 0) (promote["tags"] = promoteTags), note(["promote", "tags"], `from ${from(P.promoteTags)}`);
  } else {
    used.add(P.ttl).add(P.promoteTags);
    warnings.push(`${P.cname} is not set: the echo has no promote section (generations are never promoted)`);
  }

  const retire: Record<string, unknown> = {};
  const skip = bool(P.skipFinalSnapshot);
  const finalName = str(P.finalSnapshot);
  if (skip === true) {
    retire["skipFinalSnapshot"] = true;
    note(["retire", "skipFinalSnapshot"], `from ${from(P.skipFinalSnapshot)}`);
    if (finalName !== undefined) warnings.push(`${from(P.finalSnapshot)}=${finalName} is ignored: ${P.skipFinalSnapshot}=true skips the final snapshot`);
  } else {
    retire["skipFinalSnapshot"] = false;
    note(["retire", "skipFinalSnapshot"], skip === false ? `from ${from(P.skipFinalSnapshot)}` : `${P.skipFinalSnapshot} unset: RDS's default, a final snapshot`);
    if (finalName !== undefined) {
      const pattern = finalName.includes("{generation}") ? finalName : `${finalName}-{generation}`;
      retire["finalSnapshotName"] = pattern;
      note(["retire", "finalSnapshotName"], `from ${from(P.finalSnapshot)}=${finalName}; {generation} added: a fixed name fails at the second retire`);
    }
  }
  const guard = { minAgeHours: LEGACY_GUARD_HOURS };
  note(["guard", "minAgeHours"], "the original refused a new instance while the newest was less than 24 hours old");

  warnUnmapped(properties, from, str, bool, warnings, used);

  const definition: Record<string, unknown> = {
    region,
    source: { instance: sourceInstance, snapshotTypes: ["automated", "manual"] },
    instance,
    ...(Object.keys(modify).length > 0 ? { modify } : {}),
    ...(promote ? { promote } : {}),
    retire,
    guard,
  };
  return { echo, definition, provenance, warnings };
}

/** The properties without an equivalent, and any the original never read (a typo it silently ignored, too). */
function warnUnmapped(
  properties: PropertyMap,
  from: (key: string) => string,
  str: (key: string) => string | undefined,
  bool: (key: string) => boolean | undefined,
  warnings: string[],
  used: Set<string>,
): void {
  const engine = str(P.engine);
  if (engine !== undefined) warnings.push(`${from(P.engine)}=${engine} has no equivalent: RDS restores the snapshot's engine; check it is the one you expect`);
  const account = str(P.accountNumber);
  if (account !== undefined) warnings.push(`${from(P.accountNumber)}=${account} has no equivalent: rds-echo works in the account of its AWS credentials (profile:)`);
  const apply = bool(P.applyImmediately);
  if (apply !== undefined) {
    warnings.push(`${from(P.applyImmediately)}=${apply} has no equivalent: rds-echo always applies modifications immediately${apply ? "" : " (not in the maintenance window)"}`);
  }
  const interactive = bool(P.interactive);
  if (interactive !== undefined) {
    warnings.push(`${from(P.interactive)}=${interactive} has no equivalent in the definition: rds-echo asks on a terminal; without one (cron) pass --yes`);
  }
  for (const [key, entry] of properties) {
    if (used.has(key) || KNOWN_PROPERTIES.has(key)) continue;
    const where = entry.source === "opts" ? "in RDS_ECHO_OPTS" : `line ${entry.line}`;
    warnings.push(`${key} (${where}) ${key.startsWith(LEGACY_PREFIX) ? "is not a property the original read" : "is not an rds-echo property"}; ignored`);
  }
}

/** `key=value` list elements, as the original parsed them (an element without `=` was dropped). */
function tagsFrom(elements: readonly string[], property: string, warnings: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const element of elements) {
    const eq = element.indexOf("=");
    if (eq < 0) {
      warnings.push(`${property}: "${element}" has no "=": the original dropped it too; left out`);
      continue;
    }
    const [key, value] = [element.slice(0, eq), element.slice(eq + 1)];
    const problem = key.startsWith("echo:") ? `tag key "${key}" uses rds-echo's reserved prefix echo:` : (tagKeyProblem(key) ?? tagValueProblem(value));
    if (problem) warnings.push(`${property}: ${problem}; left out`);
    else tags[key] = value;
  }
  return tags;
}
