/**
 * What the mock provider does to the simulated cloud for each resource type: restore an instance from a snapshot,
 * modify it, delete it (with its final snapshot), UPSERT and delete Route 53 records. Like the real provider, create,
 * modify and delete wait until RDS reports the instance settled.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../ports.js";
import { INSTANCE_TYPE, RECORD_TYPE } from "../../program/resource-types.js";
import { LEGACY_TAG_PREFIXES, OUT_OF_BAND_TAG_PREFIXES } from "../../program/tags.js";

/** Tags a program's provider may ignore: they survive every update (the legacy ones only an adopted generation's ignores). */
const IGNORED_TAG_PREFIXES: readonly string[] = [...OUT_OF_BAND_TAG_PREFIXES, ...LEGACY_TAG_PREFIXES];
const ignoredTag = (key: string) => IGNORED_TAG_PREFIXES.some((p) => key.startsWith(p));
import { tagsProblem } from "../../definition/tags.js";
import { isTerminal, isUsable } from "../../lifecycle/rds-status.js";
import type { Faults } from "./faults.js";
import type { SandboxPostgres } from "./postgres.js";
import { latestRestorableTime, sharedWithEcho, visibleToEcho } from "./places.js";
import { settle, type SimInstance, type SimSnapshot, type SimWorld, type StoredResource } from "./world.js";
import { isClusterType, SandboxClusterCloud } from "./cluster-cloud.js";


/** How often the simulated provider polls RDS while it waits (as the real one does, in simulated time). */
const PROVIDER_POLL_MS = 30_000;
const DEFAULT_PORT = 5432;

/** Changing these needs a reboot before it takes effect (static parameters of a new parameter group). */
const REBOOT_KEYS = new Set(["parameterGroupName"]);
/** Bookkeeping inputs: changing them does not put the instance into `modifying`. */
const INSTANT_KEYS = new Set(["tags", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier", "deletionProtection"]);

type Inputs = Record<string, unknown>;

export class SandboxCloud {
  /** Aurora clusters and their instances (cluster-cloud.ts). */
  readonly #clusters: SandboxClusterCloud;

  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
    private readonly clock: Clock,
    /** The real database behind each instance, when the sandbox has a PostgreSQL server. */
    private readonly dataPlane?: SandboxPostgres,
  ) {
    this.#clusters = new SandboxClusterCloud(world, faults, clock);
  }

  /** The live outputs of a resource, or undefined when it does not exist in the cloud. */
  read(resource: { type: string; name: string; inputs: Inputs; id?: string }): Inputs | undefined {
    settle(this.world);
    if (isClusterType(resource.type)) return this.#clusters.read(resource.type, resource.inputs, resource.id);
    if (resource.type === INSTANCE_TYPE) {
      const instance = this.world.rds.instances[String(resource.inputs["identifier"] ?? resource.id)];
      return instance && instanceOutputs(instance);
    }
    if (resource.type === RECORD_TYPE) {
      const record = this.#zone(resource.inputs)?.records[String(resource.inputs["name"])];
      return record && { id: recordId(resource.inputs), fqdn: resource.inputs["name"], records: record.values, ttl: record.ttl };
    }
    return { id: `${resource.name}-provider`, ...resource.inputs };
  }

  /** The tags a refresh reads into an instance's state: every live tag but those its provider ignores. */
  refreshedTags(resource: { type: string; inputs: Inputs }): Record<string, string> | undefined {
    if (resource.type !== INSTANCE_TYPE) return undefined;
    const instance = this.world.rds.instances[String(resource.inputs["identifier"])];
    return instance && Object.fromEntries(Object.entries(instance.tags).filter(([k]) => !ignoredTag(k)));
  }

  /**
   * What the provider's Read makes of a live resource being imported: its inputs as the cloud has them (an instance
   * by its DbiResourceId, a record by `<zoneId>_<name>_<type>`), without the tags its provider ignores. Undefined
   * when there is no such resource.
   */
  importInputs(type: string, id: string): Inputs | undefined {
    settle(this.world);
    if (type === INSTANCE_TYPE) {
      const instance = Object.values(this.world.rds.instances).find((i) => i.resourceId === id);
      return instance && { ...instance.settings, identifier: instance.id, tags: Object.fromEntries(Object.entries(instance.tags).filter(([k]) => !ignoredTag(k))) };
    }
    if (type === RECORD_TYPE) {
      const [zoneId, name, recordType] = id.split("_");
      const record = this.world.route53.zones.find((z) => z.id === zoneId)?.records[name ?? ""];
      return record && record.type === recordType ? { zoneId, name, type: recordType, ttl: record.ttl, records: [...record.values] } : undefined;
    }
    return undefined;
  }

  /** Outputs a resource that does not exist yet will have once created (deterministic, like an RDS endpoint). */
  predict(resource: { type: string; inputs: Inputs }): Inputs {
    if (isClusterType(resource.type)) return this.#clusters.predict(resource.type, resource.inputs);
    if (resource.type === INSTANCE_TYPE) {
      const id = String(resource.inputs["identifier"]);
      return { id, address: this.#address(id, this.#region()), port: resource.inputs["port"] ?? DEFAULT_PORT };
    }
    return {};
  }

  async create(resource: StoredResource, persist: () => Promise<void>): Promise<{ id: string; outputs: Inputs }> {
    if (isClusterType(resource.type)) return this.#clusters.create(resource, persist);
    if (resource.type === INSTANCE_TYPE) return this.#restore(resource.inputs, persist);
    if (resource.type === RECORD_TYPE) {
      this.#upsert(resource.inputs);
      await persist();
      this.faults.checkpoint("engine:after-create-call", String(resource.inputs["name"]));
      return { id: recordId(resource.inputs), outputs: this.read(resource) ?? {} };
    }
    return { id: `${resource.name}-provider`, outputs: { ...resource.inputs } };
  }

  async update(stored: StoredResource, inputs: Inputs, keys: readonly string[]): Promise<Inputs> {
    if (isClusterType(stored.type)) return this.#clusters.update(stored, inputs, keys);
    if (stored.type === INSTANCE_TYPE) return this.#modify(stored, inputs, keys);
    if (stored.type === RECORD_TYPE) {
      this.#upsert(inputs);
      return this.read({ ...stored, inputs }) ?? {};
    }
    return { ...inputs };
  }

  async delete(stored: StoredResource): Promise<void> {
    if (isClusterType(stored.type)) return this.#clusters.delete(stored);
    if (stored.type === INSTANCE_TYPE) return this.#deleteInstance(stored);
    if (stored.type === RECORD_TYPE) {
      this.faults.enter("route53.ChangeResourceRecordSets");
      const zone = this.#zone(stored.inputs);
      if (zone) delete zone.records[String(stored.inputs["name"])];
    }
  }

  // ----------------------------------------------------------------------------------------------------------

  async #restore(inputs: Inputs, persist: () => Promise<void>): Promise<{ id: string; outputs: Inputs }> {
    const pointInTime = inputs["restoreToPointInTime"] as Inputs | undefined;
    this.faults.enter(pointInTime ? "rds.RestoreDBInstanceToPointInTime" : "rds.RestoreDBInstanceFromDBSnapshot");
    settle(this.world);
    const id = String(inputs["identifier"]);
    const snapshot = pointInTime ? this.#pointInTime(pointInTime) : this.#restorableSnapshot(String(inputs["snapshotIdentifier"]));
    if (this.world.rds.instances[id]) throw new Error(`DBInstanceAlreadyExists: ${id}`);
    const region = this.#region();
    const { tags, ...settings } = inputs;
    refuseBadTags(tags);
    const instance: SimInstance = {
      id,
      arn: `arn:aws:rds:${region}:${this.world.account}:db:${id}`,
      resourceId: `db-${createHash("sha256").update(`${this.world.account}:${id}:${this.world.now}`).digest("hex").slice(0, 26).toUpperCase()}`,
      status: "creating",
      readyAt: this.world.now + this.world.timings.restoreMs,
      address: this.#address(id, region),
      port: Number(inputs["port"] ?? snapshot.port),
      region,
      createdAt: this.world.now,
      snapshot: snapshot.id,
      settings,
      tags: { ...(tags as Record<string, string> | undefined) },
      pendingReboot: false,
      ...(snapshot.encrypted ? { encrypted: true, ...(snapshot.kmsKeyId ? { kmsKeyId: snapshot.kmsKeyId } : {}) } : {}),
    };
    this.world.rds.instances[id] = instance;
    // The cloud keeps what it created whatever happens to this process next.
    await persist();
    await this.dataPlane?.restore(snapshot, id);
    this.faults.checkpoint("engine:after-create-call");
    // As the AWS provider: the id is set only once this first wait succeeds (instance.go resourceInstanceCreate,
    // waitDBInstanceAvailableSDKv1 before d.SetId), so a failed wait is a plain failed create: the engine records
    // neither the instance nor a pending create, and the instance stays in RDS.
    await this.#waitSettled(id);
    return { id: instance.resourceId!, outputs: instanceOutputs(instance) };
  }

  /** What RDS restores from a snapshot reference: one's own by id or ARN, another account's shared one by ARN. */
  #restorableSnapshot(ref: string): SimSnapshot {
    const snapshot = this.world.rds.snapshots.find((s) => visibleToEcho(this.world, s) && (s.arn === ref || (s.id === ref && !sharedWithEcho(this.world, s))));
    if (!snapshot) throw new Error(`DBSnapshotNotFound: ${ref}`);
    if (snapshot.status !== "available") throw new Error(`InvalidDBSnapshotState: ${ref} is ${snapshot.status}`);
    const keyAccount = /^arn:[^:]+:kms:[^:]+:(\d{12}):/.exec(snapshot.kmsKeyId ?? "")?.[1];
    if (snapshot.encrypted && keyAccount !== undefined && keyAccount !== this.world.account) {
      // GUESS: AWS restores another account's encrypted snapshot only where that account's key policy lets this one
      // use the key; the sandbox assumes it does not (the case source.copy exists for), so it refuses, as RDS then does.
      throw new Error(`KMSKeyNotAccessibleFault: ${ref} is encrypted under ${snapshot.kmsKeyId}, a key of account ${keyAccount}; copy it under this account's key first (source.copy)`);
    }
    return snapshot;
  }

  /**
   * RestoreDBInstanceToPointInTime from an instance of this account and region, to a time no later than its latest
   * restorable time. Stands in as a snapshot of the source at that time (for the data plane and the encryption).
   */
  #pointInTime(request: Inputs): SimSnapshot {
    const source = this.world.rds.instances[String(request["sourceDbInstanceIdentifier"])];
    if (!source || source.region !== this.world.region || (source.account ?? this.world.account) !== this.world.account) {
      throw new Error(`DBInstanceNotFound: ${String(request["sourceDbInstanceIdentifier"])}`);
    }
    const time = Date.parse(String(request["restoreTime"]));
    if (Number.isNaN(time) || time > latestRestorableTime(this.world.now).getTime()) {
      throw new Error(`InvalidRestoreFault: ${String(request["restoreTime"])} is not within ${source.id}'s restorable window`);
    }
    const label = `point-in-time:${source.id}@${String(request["restoreTime"])}`;
    return { id: label, arn: label, instance: source.id, type: "automated", status: "available", createdAt: time, port: source.port, engine: "postgres", ...(source.encrypted ? { encrypted: true, ...(source.kmsKeyId ? { kmsKeyId: source.kmsKeyId } : {}) } : {}) };
  }

  async #modify(stored: StoredResource, inputs: Inputs, keys: readonly string[]): Promise<Inputs> {
    this.faults.enter("rds.ModifyDBInstance");
    settle(this.world);
    const id = String(stored.inputs["identifier"]);
    const instance = this.world.rds.instances[id];
    if (!instance) throw new Error(`DBInstanceNotFound: ${id}`);
    // RDS takes modifications during a storage optimisation (only another storage change must wait for its end).
    if (!isUsable(instance.status)) throw new Error(`InvalidDBInstanceState: ${id} is ${instance.status}`);
    const { tags, ...settings } = inputs;
    refuseBadTags(tags);
    // The program's provider ignores out-of-band tags (approval requests and decisions): an update keeps them.
    const kept = Object.entries(instance.tags).filter(([k]) => ignoredTag(k));
    instance.tags = { ...Object.fromEntries(kept), ...(tags as Record<string, string> | undefined) };
    // The provider writes the tags before its ModifyDBInstance (see CRASH_POINTS): a process dying in between leaves
    // the new tags on an instance whose other settings are the old ones.
    this.faults.checkpoint("rds:after-tags", id);
    instance.settings = settings;
    if (keys.some((k) => REBOOT_KEYS.has(k))) instance.pendingReboot = true;
    if (keys.some((k) => !INSTANT_KEYS.has(k))) {
      instance.status = "modifying";
      instance.readyAt = this.world.now + this.world.timings.modifyMs;
      await this.#waitSettled(id);
    }
    return instanceOutputs(instance);
  }

  async #deleteInstance(stored: StoredResource): Promise<void> {
    this.faults.enter("rds.DeleteDBInstance");
    settle(this.world);
    const id = String(stored.inputs["identifier"]);
    const instance = this.world.rds.instances[id];
    if (!instance) return; // already gone: the provider treats that as deleted
    if (instance.settings["deletionProtection"] === true) {
      throw new Error(`InvalidParameterCombination: ${id} has deletion protection enabled`);
    }
    if (stored.inputs["skipFinalSnapshot"] !== true) {
      const name = String(stored.inputs["finalSnapshotIdentifier"]);
      this.world.rds.snapshots.push({
        id: name,
        arn: `arn:aws:rds:${instance.region}:${this.world.account}:snapshot:${name}`,
        instance: id,
        type: "manual",
        status: "available",
        createdAt: this.world.now,
        port: instance.port,
        // RDS copies the instance's tags onto its snapshots, the final one included, only with CopyTagsToSnapshot.
        ...(stored.inputs["copyTagsToSnapshot"] === true ? { tags: { ...instance.tags } } : {}),
      });
    }
    await this.dataPlane?.destroy(id, stored.inputs["skipFinalSnapshot"] !== true ? String(stored.inputs["finalSnapshotIdentifier"]) : undefined);
    instance.status = "deleting";
    instance.deleting = true;
    instance.readyAt = this.world.now + this.world.timings.deleteMs;
    await this.#waitSettled(id, "deleted");
  }

  #upsert(inputs: Inputs): void {
    this.faults.enter("route53.ChangeResourceRecordSets");
    const zone = this.#zone(inputs);
    if (!zone) throw new Error(`NoSuchHostedZone: ${String(inputs["zoneId"])}`);
    const name = String(inputs["name"]);
    if (zone.records[name] && inputs["allowOverwrite"] !== true) {
      throw new Error(`InvalidChangeBatch: a record ${name} already exists (allowOverwrite is off)`);
    }
    // UPSERT: one change replaces the target atomically; there is never a moment without a record.
    zone.records[name] = { type: String(inputs["type"]), ttl: Number(inputs["ttl"] ?? 300), values: (inputs["records"] as string[]).map(String) };
  }

  /**
   * The provider's waiter (a StateChangeConf over the instance's status): a status outside its pending and target
   * lists fails it ("unexpected state"), as a fault injected as `provider.wait` does (expired credentials, a timeout
   * shorter than the restore). A create whose wait fails is reported failed with no id (see #restore).
   */
  async #waitSettled(id: string, target: "available" | "deleted" = "available"): Promise<void> {
    for (;;) {
      settle(this.world);
      this.faults.enter("provider.wait", id);
      const instance = this.world.rds.instances[id];
      if (!instance) return;
      // The deletion waiter's pending list holds `deleting` and the like (rds-wait.ts DELETED_PENDING).
      if (target === "available" && isTerminal(instance.status)) throw new Error(`waiting for RDS DB Instance (${id}): unexpected state '${instance.status}', wanted target 'available, storage-optimization'`);
      if (instance.readyAt === undefined) return;
      await this.clock.sleep(PROVIDER_POLL_MS);
    }
  }

  #zone(inputs: Inputs) {
    return this.world.route53.zones.find((z) => z.id === inputs["zoneId"]);
  }

  #region(): string {
    return this.world.region;
  }

  #address(id: string, region: string): string {
    const hash = createHash("sha256").update(`${this.world.account}:${region}`).digest("hex").slice(0, 12);
    return `${id}.${hash}.${region}.rds.amazonaws.com`;
  }
}

/** RDS refuses a request whose tags break its rules (reserved prefixes, characters, lengths, 50 per resource). */
export function refuseBadTags(tags: unknown): void {
  const problem = tagsProblem((tags ?? {}) as Record<string, string>);
  if (problem) throw new Error(`InvalidParameterValue: ${problem}`);
}

function recordId(inputs: Inputs): string {
  return `${String(inputs["zoneId"])}_${String(inputs["name"])}_${String(inputs["type"])}`;
}

function instanceOutputs(i: SimInstance): Inputs {
  return {
    id: i.resourceId ?? i.id,
    resourceId: i.resourceId,
    identifier: i.id,
    address: i.address,
    port: i.port,
    arn: i.arn,
    status: i.status,
    endpoint: `${i.address}:${i.port}`,
    storageEncrypted: i.encrypted === true,
    ...(i.kmsKeyId ? { kmsKeyId: i.kmsKeyId } : {}),
  };
}

/**
 * What the provider's read after a create writes into state for inputs that were not declared. `storageEncrypted` is
 * optional, force-new and not computed in the provider's schema: once read back `true`, a later plan that does not
 * declare it sees a change, hence a replacement. (`kmsKeyId` is computed: leaving it undeclared is no change.)
 */
export function readBackInputs(type: string, declared: Inputs, outputs: Inputs): Inputs {
  if (type !== INSTANCE_TYPE || declared["storageEncrypted"] !== undefined || outputs["storageEncrypted"] !== true) return {};
  return { storageEncrypted: true };
}
