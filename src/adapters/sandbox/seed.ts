/**
 * Seeding the sandbox from echo definitions: the source instance each one names (not managed by rds-echo), a week
 * of its automated snapshots plus a manual one (and one still being created, which must never be picked), and a
 * public hosted zone for its CNAME. Idempotent: seeding twice adds nothing.
 */
import { isClusterEcho, type EchoDefinition, type InstanceEchoDefinition } from "../../definition/schema.js";
import { seedCluster } from "./cluster-seed.js";
import { createHash } from "node:crypto";
import { sourcePlace } from "./places.js";
import { SOURCE_SNAPSHOTS_KEPT, type SimWorld } from "./world.js";

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, "0");

export function seed(world: SimWorld, definition: EchoDefinition): void {
  if (isClusterEcho(definition)) seedCluster(world, definition);
  else seedInstance(world, definition);
  seedZone(world, definition);
}

function seedInstance(world: SimWorld, definition: InstanceEchoDefinition): void {
  const source = definition.source.instance;
  // Where the source lives: the echo's account and region, or the role's account and copy.region (see places.ts).
  const { region, account } = sourcePlace(world, definition.source);
  const elsewhere = { ...(account !== world.account ? { account } : {}), ...(region !== world.region ? { region } : {}) };
  seedShared(world, definition);
  if (!world.rds.instances[source]) {
    world.rds.instances[source] = {
      id: source,
      arn: `arn:aws:rds:${region}:${account}:db:${source}`,
      status: "available",
      address: `${source}.${hash(account + region)}.${region}.rds.amazonaws.com`,
      port: definition.instance.port ?? 5432,
      region,
      ...(account !== world.account ? { account } : {}),
      createdAt: world.now - 400 * DAY_MS,
      settings: {},
      tags: { environment: "production" },
      pendingReboot: false,
      encrypted: true,
      kmsKeyId: productionKey(region, account),
    };
    const today = Math.floor(world.now / DAY_MS) * DAY_MS;
    // The last 7 days' automated snapshots (RDS keeps SOURCE_SNAPSHOTS_KEPT); takeDailySnapshots adds one a day.
    for (let daysAgo = SOURCE_SNAPSHOTS_KEPT - 1; daysAgo >= 0; daysAgo--) {
      const at = today - daysAgo * DAY_MS + (3 * 60 + 10) * 60_000;
      if (at > world.now) continue;
      const d = new Date(at);
      const id = `rds:${source}-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-03-10`;
      // Production is encrypted with a customer key, as production databases usually are.
      world.rds.snapshots.push({ id, arn: `arn:aws:rds:${region}:${account}:snapshot:${id}`, instance: source, type: "automated", status: "available", createdAt: at, port: 5432, engine: "postgres", encrypted: true, kmsKeyId: productionKey(region, account), ...elsewhere });
    }
    const manual = `${source}-before-upgrade`;
    world.rds.snapshots.push({ id: manual, arn: `arn:aws:rds:${region}:${account}:snapshot:${manual}`, instance: source, type: "manual", status: "available", createdAt: today - 10 * DAY_MS, port: 5432, ...elsewhere });
    const inProgress = `${source}-in-progress`;
    world.rds.snapshots.push({ id: inProgress, arn: `arn:aws:rds:${region}:${account}:snapshot:${inProgress}`, instance: source, type: "manual", status: "creating", createdAt: world.now - 60_000, port: 5432, ...elsewhere });
  }
}

/** A public hosted zone for the echo's CNAME. */
function seedZone(world: SimWorld, definition: EchoDefinition): void {
  const promote = definition.promote;
  if (promote?.cname) {
    const zoneName = promote.zoneName ?? promote.cname.split(".").slice(1).join(".");
    if (!world.route53.zones.some((z) => z.name === zoneName)) {
      const id = promote.zoneId ?? `Z${hash(zoneName).toUpperCase().slice(0, 20)}`;
      world.route53.zones.push({ id, name: zoneName, private: false, records: {} });
    }
  }
}

/** Another account that shares its production snapshots with the echo's account (snapshotTypes: [shared]). */
export const SHARING_ACCOUNT = "210987654321";
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:(.+)$/;

/**
 * A snapshot another account shares with this one, encrypted under that account's key: the one `source.snapshot`
 * names by ARN, or (for snapshotTypes: [shared]) last night's snapshot of the source from SHARING_ACCOUNT.
 */
function seedShared(world: SimWorld, definition: InstanceEchoDefinition): void {
  const { source } = definition;
  const named = source.snapshot === undefined ? undefined : SNAPSHOT_ARN.exec(source.snapshot);
  const today = Math.floor(world.now / DAY_MS) * DAY_MS;
  const wanted =
    named && named[2] !== world.account
      ? { region: named[1]!, account: named[2]!, id: named[3]! }
      : source.snapshotTypes.includes("shared")
        ? { region: world.region, account: SHARING_ACCOUNT, id: `${source.instance}-shared-nightly` }
        : undefined;
  if (!wanted) return;
  const arn = `arn:aws:rds:${wanted.region}:${wanted.account}:snapshot:${wanted.id}`;
  if (world.rds.snapshots.some((s) => s.arn === arn)) return;
  world.rds.snapshots.push({
    id: wanted.id,
    arn,
    instance: source.instance,
    type: "manual",
    status: "available",
    createdAt: today - DAY_MS + 4 * 3_600_000,
    port: 5432,
    engine: "postgres",
    encrypted: true,
    kmsKeyId: productionKey(wanted.region, wanted.account),
    account: wanted.account,
    ...(wanted.region !== world.region ? { region: wanted.region } : {}),
    sharedWith: [world.account],
  });
}

/** The (simulated) customer-managed KMS key production's storage is encrypted with. */
export function productionKey(region: string, account: string): string {
  return `arn:aws:kms:${region}:${account}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}
