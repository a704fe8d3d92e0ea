/**
 * The sandbox's snapshot port: manual snapshots of the source that take tens of simulated minutes, copies under this
 * account's key (longer across regions), sharing with another account, the source instance's restorable time, and
 * the tag-based listing retire cleans up with. It keeps the rules of RDS that make these features necessary: an
 * automated snapshot is never shared, another account's snapshot is copied only once shared and only by ARN, a copy
 * across regions needs its source region (the SDK presigns the request with it), an unsettled snapshot is never deleted.
 */
import { isClusterEcho, type EchoDefinition } from "../../definition/schema.js";
import { madeForAnotherEcho, TAG_MADE, TAG_MANAGED, TAG_GENERATION } from "../../program/tags.js";
import type { Clock, ManagedSnapshot, SnapshotInfo, SnapshotPort, SnapshotSide, SnapshotSource, SourceInstanceInfo } from "../../ports.js";
import { refuseBadTags } from "./cloud.js";
import type { Faults } from "./faults.js";
import { dataTime, echoPlace, latestRestorableTime, instancePlace, samePlace, snapshotPlace, sourcePlace, simSnapshotInfo, type Place } from "./places.js";
import type { SandboxRds } from "./rds.js";
import { DEFAULT_TIMINGS, settle, type SimSnapshot, type SimWorld } from "./world.js";

/** How often a waiter polls DescribeDBSnapshots (the SDK waiter's minimum delay for RDS snapshots is 30 s). */
const POLL_MS = 30_000;

export class SandboxSnapshots implements SnapshotPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
    private readonly clock: Clock,
    private readonly rds: SandboxRds,
    /** The echo's definition as it is now: where its source lives. */
    private readonly definition: () => EchoDefinition | undefined,
  ) {}

  async accountId(): Promise<string> {
    this.faults.enter("sts.GetCallerIdentity");
    return this.world.account;
  }

  async describeSource(id: string): Promise<SourceInstanceInfo | undefined> {
    this.faults.enter("rds.DescribeDBInstances");
    settle(this.world);
    const instance = this.world.rds.instances[id];
    if (!instance || !samePlace(instancePlace(this.world, instance), this.#place("source"))) return undefined;
    // Automated backups are on unless the instance says otherwise (the seeded production has a 7-day retention).
    const backups = instance.settings["backupRetentionPeriod"] !== 0;
    return {
      id,
      arn: instance.arn,
      status: instance.status,
      encrypted: instance.encrypted === true,
      ...(instance.encrypted && instance.kmsKeyId ? { kmsKeyId: instance.kmsKeyId } : {}),
      engine: "postgres",
      ...(backups ? { latestRestorableTime: latestRestorableTime(this.world.now) } : {}),
    };
  }

  async latestSnapshot(source: SnapshotSource): Promise<SnapshotInfo> {
    // The source side is another region of this account here (a role's account is only used with new-snapshot).
    const place = this.#place("source");
    if (samePlace(place, echoPlace(this.world))) return this.rds.latestSnapshot(source);
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    // What this account sees there: its own snapshots, and those another account shared with it in that region.
    const seen = (s: SimSnapshot) => samePlace(snapshotPlace(this.world, s), place) || (snapshotPlace(this.world, s).region === place.region && (s.sharedWith ?? []).includes(this.world.account));
    const candidates = this.world.rds.snapshots.filter(
      (s) =>
        seen(s) &&
        s.status === "available" &&
        (source.explicit !== undefined ? s.id === source.explicit || s.arn === source.explicit : s.instance === source.instance && source.types.includes(s.type) && !madeForAnotherEcho(s.tags, source.echo)),
    );
    const newest = candidates.sort((a, b) => dataTime(b) - dataTime(a))[0];
    if (!newest) throw new Error(`no available ${source.types.join("/")} snapshot of ${source.instance} in ${place.region}`);
    return { ...simSnapshotInfo(this.world, newest), id: newest.arn };
  }

  async find(side: SnapshotSide, id: string): Promise<SnapshotInfo | undefined> {
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    const found = this.#at(side, id);
    return found && simSnapshotInfo(this.world, found);
  }

  async create(request: { instance: string; snapshot: string; tags: Readonly<Record<string, string>> }): Promise<void> {
    this.faults.enter("rds.CreateDBSnapshot");
    settle(this.world);
    const place = this.#place("source");
    const instance = this.world.rds.instances[request.instance];
    if (!instance || !samePlace(instancePlace(this.world, instance), place)) throw new Error(`DBInstanceNotFound: ${request.instance}`);
    if (instance.status !== "available") throw new Error(`InvalidDBInstanceState: ${request.instance} is ${instance.status}`);
    if (this.#at("source", request.snapshot)) throw new Error(`DBSnapshotAlreadyExists: ${request.snapshot}`);
    refuseBadTags(request.tags);
    this.#push(place, {
      id: request.snapshot,
      instance: request.instance,
      type: "manual",
      status: "creating",
      readyAt: this.world.now + (this.world.timings.snapshotMs ?? DEFAULT_TIMINGS.snapshotMs!),
      createdAt: this.world.now,
      port: instance.port,
      engine: "postgres",
      ...(instance.encrypted ? { encrypted: true, ...(instance.kmsKeyId ? { kmsKeyId: instance.kmsKeyId } : {}) } : {}),
      tags: { ...request.tags },
    });
  }

  async share(snapshot: string, account: string): Promise<void> {
    this.faults.enter("rds.ModifyDBSnapshotAttribute");
    const found = this.#at("source", snapshot);
    if (!found) throw new Error(`DBSnapshotNotFound: ${snapshot}`);
    if (found.type !== "manual") throw new Error(`InvalidParameterValue: only manual snapshots can be shared (${snapshot} is ${found.type})`);
    if (found.status !== "available") throw new Error(`InvalidDBSnapshotState: ${snapshot} is ${found.status}`);
    if (!(found.sharedWith ?? []).includes(account)) found.sharedWith = [...(found.sharedWith ?? []), account];
  }

  async copy(request: { source: string; target: string; kmsKeyId: string; sourceRegion?: string; tags: Readonly<Record<string, string>> }): Promise<void> {
    this.faults.enter("rds.CopyDBSnapshot");
    settle(this.world);
    const here = echoPlace(this.world);
    const original = this.world.rds.snapshots.find((s) => s.arn === request.source || (s.id === request.source && samePlace(snapshotPlace(this.world, s), here)));
    if (!original) throw new Error(`DBSnapshotNotFound: ${request.source}`);
    const from = snapshotPlace(this.world, original);
    if (from.account !== here.account && !(original.sharedWith ?? []).includes(here.account)) {
      throw new Error(`DBSnapshotNotFound: ${request.source} is not shared with account ${here.account}`);
    }
    if (from.region !== here.region && request.sourceRegion !== from.region) {
      throw new Error(`InvalidParameterValue: copying ${request.source} from ${from.region} needs SourceRegion ${from.region} (a presigned request)`);
    }
    if (original.status !== "available") throw new Error(`InvalidDBSnapshotState: ${request.source} is ${original.status}`);
    if (this.#at("echo", request.target)) throw new Error(`DBSnapshotAlreadyExists: ${request.target}`);
    if (!request.kmsKeyId.includes(`:${here.region}:${here.account}:`)) throw new Error(`KMSKeyNotAccessibleFault: ${request.kmsKeyId} is not a key of this account in ${here.region}`);
    refuseBadTags(request.tags);
    // GUESS: copying another account's encrypted snapshot needs that account's key policy to let this one use its
    // key; the sandbox assumes it does (the setup README describes), since that grant is the point of sharing.
    const ms = from.region !== here.region ? (this.world.timings.crossRegionCopyMs ?? DEFAULT_TIMINGS.crossRegionCopyMs!) : (this.world.timings.copyMs ?? DEFAULT_TIMINGS.copyMs!);
    this.#push(here, {
      id: request.target,
      instance: original.instance,
      type: "manual",
      status: "creating",
      readyAt: this.world.now + ms,
      createdAt: this.world.now,
      originalCreatedAt: dataTime(original),
      port: original.port,
      ...(original.engine ? { engine: original.engine } : {}),
      encrypted: true,
      kmsKeyId: request.kmsKeyId,
      tags: { ...request.tags },
    });
  }

  async waitAvailable(side: SnapshotSide, id: string, options: { timeoutMs: number }): Promise<SnapshotInfo> {
    const start = this.clock.now().getTime();
    for (;;) {
      const found = await this.find(side, id);
      if (!found) throw new Error(`${id} does not exist (any more)`);
      if (found.status === "available") return found;
      if (found.status === "failed" || found.status === "error") throw new Error(`${id} is ${found.status}`);
      if (this.clock.now().getTime() - start >= options.timeoutMs) throw new Error(`${id} is not available after ${Math.round((this.clock.now().getTime() - start) / 60_000)} minutes (timeout)`);
      await this.clock.sleep(POLL_MS);
    }
  }

  async delete(side: SnapshotSide, id: string): Promise<void> {
    this.faults.enter("rds.DeleteDBSnapshot");
    settle(this.world);
    const found = this.#at(side, id);
    if (!found) throw new Error(`DBSnapshotNotFound: ${id}`);
    if (found.type !== "manual") throw new Error(`InvalidDBSnapshotState: ${id} is ${found.type}; only manual snapshots are deleted`);
    if (found.status !== "available") throw new Error(`InvalidDBSnapshotState: ${id} is ${found.status}`);
    this.world.rds.snapshots = this.world.rds.snapshots.filter((s) => s !== found);
  }

  async managed(side: SnapshotSide, echo: string): Promise<ManagedSnapshot[]> {
    this.faults.enter("rds.DescribeDBSnapshots");
    settle(this.world);
    const place = this.#place(side);
    return this.world.rds.snapshots
      .filter((s) => samePlace(snapshotPlace(this.world, s), place) && s.tags?.[TAG_MANAGED] === echo && s.tags[TAG_MADE] !== undefined && s.tags[TAG_GENERATION] !== undefined)
      .map((s) => ({ id: s.id, side, generation: s.tags![TAG_GENERATION]!, status: s.status, createdAt: new Date(s.createdAt) }));
  }

  #place(side: SnapshotSide): Place {
    const definition = this.definition();
    // A cluster echo makes no source snapshots: its only side is the echo's.
    return side === "source" && definition && !isClusterEcho(definition) ? sourcePlace(this.world, definition.source) : echoPlace(this.world);
  }

  #at(side: SnapshotSide, id: string): SimSnapshot | undefined {
    const place = this.#place(side);
    return this.world.rds.snapshots.find((s) => s.id === id && samePlace(snapshotPlace(this.world, s), place));
  }

  #push(place: Place, snapshot: Omit<SimSnapshot, "arn" | "account" | "region">): void {
    const elsewhere = { ...(place.account !== this.world.account ? { account: place.account } : {}), ...(place.region !== this.world.region ? { region: place.region } : {}) };
    this.world.rds.snapshots.push({ ...snapshot, arn: `arn:aws:rds:${place.region}:${place.account}:snapshot:${snapshot.id}`, ...elsewhere });
  }
}
