/**
 * What the original (Java) rds-echo leaves behind, for trying and testing `migrate --adopt` on the sandbox: instances
 * named `<name>-yyyy-MM-dd`, tagged `rdsecho:<name>:managed=true` and `rdsecho:<name>:stage=…`, and the CNAME
 * pointing at the last one it promoted. Its promote never demoted the previous instance (EchoPromote.java: "TODO no it
 * doesn't"), so an older instance still says `promoted` too.
 */
import { createHash } from "node:crypto";
import type { InstanceEchoDefinition } from "../../definition/schema.js";
import { legacyManagedTag, legacyStageTag, type LegacyStage } from "../../migrate/legacy.js";
import { seed } from "./seed.js";
import type { SimInstance, SimWorld } from "./world.js";

const DAY_MS = 86_400_000;

export interface LegacyInstanceSpec {
  readonly stage: LegacyStage;
  /** How long ago the original restored it. */
  readonly ageMs: number;
  /** The CNAME points at it. */
  readonly served?: boolean;
}

/** Two instances the original promoted, 9 and 2 days ago; the CNAME serves the newer one. */
export const TYPICAL_LEGACY_FLEET: readonly LegacyInstanceSpec[] = [
  { stage: "promoted", ageMs: 9 * DAY_MS },
  { stage: "promoted", ageMs: 2 * DAY_MS, served: true },
];

export function seedLegacyInstances(world: SimWorld, definition: InstanceEchoDefinition, legacyName: string, specs: readonly LegacyInstanceSpec[] = TYPICAL_LEGACY_FLEET): SimInstance[] {
  seed(world, definition);
  const created: SimInstance[] = [];
  for (const spec of specs) {
    const at = world.now - spec.ageMs;
    const id = `${legacyName}-${new Date(at).toISOString().slice(0, 10)}`;
    if (world.rds.instances[id]) throw new Error(`the sandbox already has an instance ${id}`);
    const instance: SimInstance = {
      id,
      arn: `arn:aws:rds:${world.region}:${world.account}:db:${id}`,
      resourceId: `db-${createHash("sha256").update(`legacy:${world.account}:${id}`).digest("hex").slice(0, 26).toUpperCase()}`,
      status: "available",
      address: `${id}.${createHash("sha256").update(`${world.account}:${world.region}`).digest("hex").slice(0, 12)}.${world.region}.rds.amazonaws.com`,
      port: definition.instance.port ?? 5432,
      region: world.region,
      createdAt: at,
      // What the original's restore and modify calls set, as the provider's inputs name them.
      settings: {
        instanceClass: definition.instance.class,
        multiAz: definition.instance.multiAz,
        ...(definition.modify.parameterGroup ? { parameterGroupName: definition.modify.parameterGroup } : {}),
        ...(definition.modify.backupRetentionPeriod !== undefined ? { backupRetentionPeriod: definition.modify.backupRetentionPeriod } : {}),
      },
      tags: {
        ...definition.instance.tags,
        ...(spec.stage === "promoted" ? definition.promote?.tags : {}),
        [legacyManagedTag(legacyName)]: "true",
        [legacyStageTag(legacyName)]: spec.stage,
      },
      pendingReboot: false,
    };
    world.rds.instances[id] = instance;
    created.push(instance);
    const promote = definition.promote;
    if (spec.served && promote?.cname) {
      // The zone the definition names (migrate writes the original's: the CNAME's last two labels), else the nearest
      // one: adopt looks for the record where the definition says, and another echo's zone may also be a suffix.
      const suffixes = world.route53.zones.filter((z) => promote.cname === z.name || promote.cname!.endsWith(`.${z.name}`));
      const zone = promote.zoneId
        ? world.route53.zones.find((z) => z.id === promote.zoneId)
        : promote.zoneName
          ? world.route53.zones.find((z) => z.name === promote.zoneName)
          : suffixes.sort((a, b) => b.name.length - a.name.length)[0];
      if (!zone) throw new Error(`the sandbox has no zone for ${promote.cname}`);
      zone.records[promote.cname] = { type: "CNAME", ttl: promote.ttl, values: [instance.address] };
    }
  }
  return created;
}
