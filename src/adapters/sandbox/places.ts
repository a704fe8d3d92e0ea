/**
 * Accounts and regions in the sandbox. The world is the echo's account in the echo's region; a source in another
 * account (source.assumeRole) or region (source.copy.region) is kept in the same lists, marked with where it lives,
 * and seen from the echo's side only as AWS would show it: one's own snapshots of this region, and snapshots another
 * account shared with this one.
 */
import type { SnapshotInfo } from "../../ports.js";
import type { SimInstance, SimSnapshot, SimWorld } from "./world.js";

export interface Place {
  readonly account: string;
  readonly region: string;
}

export function echoPlace(world: SimWorld): Place {
  return { account: world.account, region: world.region };
}

export function snapshotPlace(world: SimWorld, s: SimSnapshot): Place {
  return { account: s.account ?? world.account, region: s.region ?? world.region };
}

export function instancePlace(world: SimWorld, i: SimInstance): Place {
  return { account: i.account ?? world.account, region: i.region };
}

export function samePlace(a: Place, b: Place): boolean {
  return a.account === b.account && a.region === b.region;
}

/** Where the source lives for a definition's source section (see SnapshotSide). */
export function sourcePlace(world: SimWorld, source: { readonly copy?: { readonly region?: string | undefined } | undefined; readonly assumeRole?: { readonly roleArn: string } | undefined }): Place {
  const account = source.assumeRole ? (/^arn:[^:]+:iam::(\d{12}):/.exec(source.assumeRole.roleArn)?.[1] ?? world.account) : world.account;
  return { account, region: source.copy?.region ?? world.region };
}

/** Another account's snapshot shared with the echo's account (in the echo's region): restorable and copyable by ARN. */
export function sharedWithEcho(world: SimWorld, s: SimSnapshot): boolean {
  const place = snapshotPlace(world, s);
  return place.account !== world.account && place.region === world.region && (s.sharedWith ?? []).includes(world.account);
}

/** The echo account's own snapshots in its region, and those shared with it. */
export function visibleToEcho(world: SimWorld, s: SimSnapshot): boolean {
  return samePlace(snapshotPlace(world, s), echoPlace(world)) || sharedWithEcho(world, s);
}

/** When the data was taken: a copy keeps its original's time. */
export function dataTime(s: SimSnapshot): number {
  return s.originalCreatedAt ?? s.createdAt;
}

/** The port's view of a snapshot; another account's shared one is named by its ARN and typed `shared`, as RDS does. */
export function simSnapshotInfo(world: SimWorld, s: SimSnapshot): SnapshotInfo {
  const shared = s.type === "shared" || sharedWithEcho(world, s);
  return {
    id: shared ? s.arn : s.id,
    arn: s.arn,
    type: shared ? "shared" : s.type,
    createdAt: new Date(dataTime(s)),
    status: s.status,
    encrypted: s.encrypted === true,
    ...(s.encrypted && s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    ...(s.engine ? { engine: s.engine } : {}),
  };
}

/** RDS uploads transaction logs every five minutes: the latest restorable time trails now by about that. */
export const RESTORABLE_LAG_MS = 5 * 60_000;

/** The newest restorable time: whole seconds, about five minutes behind. */
export function latestRestorableTime(now: number): Date {
  return new Date(Math.floor((now - RESTORABLE_LAG_MS) / 1000) * 1000);
}
