/**
 * The sandbox engine: the lifecycle's stack port, evaluating the *real* generation program under Pulumi's mock
 * runtime and applying the difference to the simulated cloud.
 *
 * It keeps the real engine's order of persistence: a pending operation is recorded before the cloud call and cleared
 * after the resource is stored, so a crash in between leaves exactly what a killed `pulumi up` leaves.
 */
import type { EchoDefinition } from "../../definition/schema.js";
import { PendingOperationsError, StackExistsError, StackLockedError, StackNotFoundError } from "../../errors.js";
import type { Declaration, ResourceState } from "../../program/evaluate.js";
import { PROJECT } from "../../program/project.js";
import { pointInTimeOf } from "../../program/restore-source.js";
import { SecretValue, UNKNOWN, type Value } from "../../program/values.js";
import type {
  ArchivedGeneration,
  ChangeOp,
  ChangeSet,
  EchoHold,
  Clock,
  GenerationSettings,
  GenerationStackOutputs,
  HistoryEntry,
  ImportedResource,
  OperationKind,
  OperationOptions,
  PendingOperation,
  RecordedResource,
  ResourceChange,
  StackEngine,
  StackSummary,
  UpdateResult,
} from "../../ports.js";
import { SimulatedCrash, type Faults } from "./faults.js";
import { changedKeys, isPlainMap, valueDiffs } from "../value-diffs.js";
import { readBackInputs, SandboxCloud } from "./cloud.js";
import { CLUSTER_REPLACE_KEYS } from "./cluster-cloud.js";
import type { SandboxPostgres } from "./postgres.js";
import { INSTANCE_TYPE, RECORD_TYPE } from "../../program/resource-types.js";
import type { SimHistoryEntry, SimStack, SimWorld, StoredResource } from "./world.js";
import { countChanges, digest, historyFromSim, isSecret, orderForApply, plainOutputs, toStored, urnOf, withIgnored } from "./state-values.js";
import { archiveInWorld, archivedInWorld } from "./archive.js";
import { processGone } from "../lease/liveness.js";

/** Inputs whose change makes the provider replace the resource (the provider schema's ForceNew fields we use). */
const REPLACE_KEYS: Record<string, readonly string[]> = {
  [INSTANCE_TYPE]: ["identifier", "snapshotIdentifier", "restoreToPointInTime", "availabilityZone", "dbName", "kmsKeyId", "storageEncrypted", "username", "characterSetName", "timezone"],
  [RECORD_TYPE]: ["zoneId", "name", "type", "setIdentifier"],
  ...CLUSTER_REPLACE_KEYS,
};

export interface SandboxEngineOptions {
  readonly world: SimWorld;
  readonly faults: Faults;
  readonly clock: Clock;
  readonly definitionFor: (echo: string) => Promise<EchoDefinition>;
  /** Called whenever the real engine would have written its state (checkpoints); the CLI saves the world there. */
  readonly persist?: () => Promise<void>;
  /** The real PostgreSQL behind the simulated instances, when there is one. */
  readonly dataPlane?: SandboxPostgres;
  /**
   * The world's lock, when the world is a file other processes also change (the CLI's --sandbox: world-file.ts).
   * Without one (a test's world in memory) every hold is granted: nobody else can reach the world.
   */
  readonly hold?: (echo: string) => Promise<EchoHold>;
}

interface Planned {
  readonly change: ResourceChange;
  readonly declaration?: Declaration;
  readonly stored?: StoredResource;
  /** The inputs the state will hold: the declared ones, with the stored value of every ignored input. */
  readonly inputs?: Record<string, unknown>;
}

export class SandboxEngine implements StackEngine {
  readonly #world: SimWorld;
  readonly #faults: Faults;
  readonly #options: SandboxEngineOptions;
  readonly #cloud: SandboxCloud;

  constructor(options: SandboxEngineOptions) {
    this.#options = options;
    this.#world = options.world;
    this.#faults = options.faults;
    this.#cloud = new SandboxCloud(options.world, options.faults, options.clock, options.dataPlane);
  }

  async list(): Promise<StackSummary[]> {
    this.#faults.enter("engine.list");
    return Object.values(this.#world.stacks).map((s) => ({
      name: s.name,
      ...(s.lastUpdate !== undefined ? { lastUpdate: new Date(s.lastUpdate) } : {}),
      updateInProgress: this.#locked(s),
      // Pulumi counts the root stack resource too.
      resourceCount: s.resources.length > 0 ? s.resources.length + 1 : 0,
    }));
  }

  async create(generation: string, settings: GenerationSettings, secrets: Readonly<Record<string, string>>): Promise<void> {
    this.#faults.enter("engine.create");
    if (this.#world.stacks[generation]) throw new StackExistsError(generation);
    this.#world.stacks[generation] = {
      name: generation,
      settings: { ...settings },
      secrets: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, digest(v)])),
      resources: [],
      outputs: {},
      pending: [],
      history: [],
    };
    await this.#persist();
  }

  /** StackEngine.hold: the sandbox's one world is held whole, whichever echo the run works on. */
  async hold(echo: string): Promise<EchoHold> {
    return this.#options.hold?.(echo) ?? { held: true, release: async () => undefined };
  }

  async remove(generation: string): Promise<void> {
    const stack = this.#stack(generation);
    if (stack.history.length > 0 || stack.resources.length > 0) throw new Error(`stack ${generation} has history; it is never removed`);
    delete this.#world.stacks[generation];
    await this.#persist();
  }

  async settings(generation: string): Promise<GenerationSettings | undefined> {
    const stack = this.#world.stacks[generation];
    return stack && { ...stack.settings };
  }

  async preview(generation: string, settings: GenerationSettings, _options: OperationOptions): Promise<ChangeSet> {
    this.#faults.enter("engine.preview");
    const stack = this.#stack(generation);
    const { planned } = await this.#plan(stack, settings, true);
    return { changes: planned.map((p) => p.change) };
  }

  async update(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<UpdateResult> {
    this.#faults.enter("engine.update", generation);
    const stack = this.#stack(generation);
    if (stack.pending.length > 0) throw new PendingOperationsError(generation, stack.pending.length);
    // The settings are the stack's once the backend records the update, which it does when the update ends,
    // succeeded or failed. A killed update is never recorded, and the next run's `pulumi config refresh` takes the
    // config of the last recorded one (see the Pulumi adapter's run-stacks.ts): so a run that dies mid-update, here
    // as there, leaves the old settings (and whatever the provider had already changed in the cloud).
    const record = { settings: { ...settings } };
    return this.#operation(
      stack,
      "update",
      options.message,
      async () => {
        const { planned, outputs } = await this.#plan(stack, settings, false);
        for (const step of orderForApply(planned)) await this.#apply(stack, step);
        // Evaluated with the outputs each resource has once applied (see #stateOf), so they are the stack's outputs.
        stack.outputs = plainOutputs(outputs);
        return planned.map((p) => p.change);
      },
      record,
    ).then((changes) => ({ changes, outputs: { ...stack.outputs } as GenerationStackOutputs }));
  }

  async previewDestroy(generation: string): Promise<ChangeSet> {
    const stack = this.#stack(generation);
    return { changes: [...stack.resources].reverse().map((r) => ({ op: "delete" as const, type: r.type, name: r.name, ...(r.retainOnDelete ? { retained: true } : {}) })) };
  }

  async destroy(generation: string, options: OperationOptions): Promise<ChangeSet> {
    this.#faults.enter("engine.destroy", generation);
    const stack = this.#stack(generation);
    if (stack.pending.length > 0) throw new PendingOperationsError(generation, stack.pending.length);
    const changes = await this.#operation(stack, "destroy", options.message, async () => {
      const plan: Planned[] = [...stack.resources]
        .reverse()
        .map((stored) => ({ change: { op: "delete", type: stored.type, name: stored.name, ...(stored.retainOnDelete ? { retained: true } : {}) }, stored }));
      for (const step of plan) await this.#apply(stack, step);
      stack.outputs = {};
      return plan.map((p) => p.change);
    });
    return { changes };
  }

  async outputs(generation: string): Promise<GenerationStackOutputs> {
    return { ...this.#stack(generation).outputs } as GenerationStackOutputs;
  }

  async history(generation: string, limit?: number): Promise<HistoryEntry[]> {
    this.#faults.enter("engine.history");
    return historyFromSim(this.#stack(generation).history).slice(0, limit);
  }

  async pendingOperations(generation: string): Promise<PendingOperation[]> {
    return this.#stack(generation).pending.map(({ resource: _resource, ...op }) => op);
  }

  async recorded(generation: string): Promise<readonly RecordedResource[]> {
    return this.#stack(generation).resources.map((r) => ({ type: r.type, name: r.name }));
  }

  async adoptUnrecorded(generation: string, settings: GenerationSettings, resource: ImportedResource, options: OperationOptions): Promise<void> {
    this.#faults.enter("engine.refresh");
    const stack = this.#stack(generation);
    if (stack.pending.length > 0) throw new PendingOperationsError(generation, stack.pending.length);
    await this.#operation(stack, "refresh", options.message, async () => {
      const urn = urnOf(stack.name, resource);
      if (stack.resources.some((r) => r.urn === urn)) return [];
      const { planned } = await this.#plan(stack, settings, true);
      const declared = planned.find((p) => p.change.op === "create" && p.declaration && urnOf(stack.name, p.declaration) === urn)?.declaration;
      if (!declared) throw new Error(`${generation}: the program declares no ${resource.type} ${resource.name} to adopt`);
      // As an adopted pending create: the declared inputs, the cloud's id (see resolvePending).
      stack.resources.push({ urn, type: resource.type, name: resource.name, id: resource.id, inputs: toStored(declared.inputs), outputs: {}, retainOnDelete: declared.retainOnDelete });
      return this.#readBack(stack);
    });
  }

  async refresh(generation: string, options: OperationOptions): Promise<void> {
    this.#faults.enter("engine.refresh");
    const stack = this.#stack(generation);
    await this.#operation(stack, "refresh", options.message, async () => this.#readBack(stack));
  }

  async resolvePending(generation: string, imports: ReadonlyMap<string, string>, options: OperationOptions): Promise<void> {
    this.#faults.enter("engine.refresh");
    const stack = this.#stack(generation);
    await this.#operation(stack, "refresh", options.message, async () => {
      for (const op of stack.pending) {
        const id = imports.get(op.urn);
        if (op.operation === "creating" && id !== undefined) stack.resources.push({ ...op.resource, id });
      }
      stack.pending = [];
      return this.#readBack(stack);
    });
  }

  /**
   * A refresh reads every resource back from the cloud: what no longer exists leaves the state, and an instance's
   * live tags replace the ones in its state, so a tag changed out of band shows in the next diff (the provider's
   * diff runs against the refreshed state). GUESS/limit: of what a real refresh reads, only the outputs and the
   * instance tags are modelled here; other out-of-band changes to inputs stay invisible to the sandbox's diff.
   */
  #readBack(stack: SimStack): ResourceChange[] {
    const changes: ResourceChange[] = [];
    stack.resources = stack.resources.filter((r) => {
      const outputs = this.#cloud.read(r);
      if (outputs === undefined) changes.push({ op: "delete", type: r.type, name: r.name });
      else r.outputs = outputs;
      const tags = outputs && this.#cloud.refreshedTags(r);
      if (tags) r.inputs = { ...r.inputs, tags };
      return outputs !== undefined;
    });
    return changes;
  }

  async importGeneration(generation: string, settings: GenerationSettings, resources: readonly ImportedResource[], options: OperationOptions): Promise<void> {
    this.#faults.enter("engine.import", generation);
    if (!this.#world.stacks[generation]) await this.create(generation, settings, {});
    const stack = this.#stack(generation);
    await this.#operation(stack, "import", options.message, async () => {
      const changes: ResourceChange[] = [];
      for (const resource of resources) {
        const urn = urnOf(stack.name, resource);
        if (stack.resources.some((r) => r.urn === urn)) continue;
        const inputs = this.#cloud.importInputs(resource.type, resource.id);
        if (inputs === undefined) throw new Error(`import ${resource.type} ${resource.id}: no such resource in the cloud`);
        const outputs = this.#cloud.read({ type: resource.type, name: resource.name, inputs, id: resource.id }) ?? {};
        // Imported as it is: not protected (retire must be able to destroy it) and not retained, as `pulumi import
        // --protect=false` stores it; the program's next update sets retainOnDelete on the record again.
        stack.resources.push({ urn, type: resource.type, name: resource.name, id: resource.id, inputs, outputs, retainOnDelete: false });
        changes.push({ op: "same", type: resource.type, name: resource.name });
      }
      return changes;
    });
  }

  // -------------------------------------------------------------------------------------------------------------

  async archived(echo: string): Promise<ArchivedGeneration[]> {
    return archivedInWorld(this.#world, echo);
  }

  async archive(generation: string, options: { readonly echo: string; readonly at: Date }): Promise<boolean> {
    this.#faults.enter("engine.archive");
    const stack = this.#stack(generation);
    if (this.#locked(stack)) throw new StackLockedError(generation, `process ${stack.lock?.pid}`);
    archiveInWorld(this.#world, stack, options.echo, options.at);
    await this.#persist();
    return true;
  }

  /**
   * A stack is locked while the process that took the lock is alive. The sandbox runs on one machine, so unlike a
   * shared Pulumi backend it can tell a dead run's lock (kill -9) from a live one, and ignores the former.
   */
  #locked(stack: SimStack): boolean {
    if (!stack.lock) return false;
    if (stack.lock.pid === process.pid) return true;
    // A zombie (killed, not yet reaped) is gone too: it will never release anything.
    return !processGone(stack.lock.pid);
  }

  #stack(generation: string): SimStack {
    const stack = this.#world.stacks[generation];
    if (!stack) throw new StackNotFoundError(generation);
    return stack;
  }

  async #persist(): Promise<void> {
    await this.#options.persist?.();
  }

  /** Runs one engine operation under the stack's lock, with its history entry. */
  async #operation(stack: SimStack, kind: OperationKind, message: string, body: () => Promise<ResourceChange[]>, record?: { settings: GenerationSettings }): Promise<ResourceChange[]> {
    if (this.#locked(stack)) throw new StackLockedError(stack.name, `process ${stack.lock?.pid}`);
    const entry: SimHistoryEntry = { version: stack.history.length + 1, kind, message, result: "in-progress", startTime: this.#world.now, resourceChanges: {} };
    stack.history.push(entry);
    stack.lock = { pid: process.pid };
    await this.#persist();
    let changes: ResourceChange[] = [];
    try {
      changes = await body();
      entry.result = "succeeded";
      return changes;
    } catch (error) {
      if (!(error instanceof SimulatedCrash)) entry.result = "failed";
      throw error;
    } finally {
      if (record && entry.result !== "in-progress") stack.settings = record.settings;
      // A simulated crash is this process "dying": its lock dies with it, its history entry stays "in-progress".
      delete stack.lock;
      entry.endTime = this.#world.now;
      entry.resourceChanges = countChanges(changes);
      stack.lastUpdate = this.#world.now;
      await this.#persist();
    }
  }

  async #evaluate(stack: SimStack, settings: GenerationSettings, preview: boolean) {
    // Pulumi is loaded only when a program is evaluated: `status` and `history` on the sandbox never need it.
    const [{ evaluateUnderMocks }, { generationProgram }] = await Promise.all([import("../../program/evaluate.js"), import("../../program/generation.js")]);
    const definition = await this.#options.definitionFor(settings.echo);
    const secret = definition.modify.masterPassword?.secret;
    const password = secret ? stack.secrets[secret] : undefined;
    return evaluateUnderMocks({
      project: PROJECT,
      stack: stack.name,
      preview,
      program: () =>
        generationProgram({
          definition,
          generation: stack.name,
          stage: settings.stage,
          snapshot: settings.snapshot,
          ...(settings.zoneId ? { zoneId: settings.zoneId } : {}),
          ...(settings.storageEncrypted !== undefined ? { storageEncrypted: settings.storageEncrypted } : {}),
          ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
          ...(pointInTimeOf(settings) ? { pointInTime: pointInTimeOf(settings)! } : {}),
          ...(settings.adopted ? { adopted: settings.adopted } : {}),
          ...(settings.rolledBack ? { rolledBack: settings.rolledBack } : {}),
          ...(settings.cloneOf ? { cloneOf: settings.cloneOf } : {}),
          ...(settings.engine ? { engine: settings.engine } : {}),
          ...(password !== undefined ? { masterPassword: password } : {}),
        }),
      state: (d) => this.#stateOf(d, preview),
    });
  }

  /** The outputs a declared resource has (or will have) in the simulated cloud. */
  #stateOf(declaration: Declaration, preview: boolean): ResourceState | undefined {
    const inputs = toStored(declaration.inputs);
    const live = this.#cloud.read({ type: declaration.type, name: declaration.name, inputs });
    if (live) return { id: String(live["id"] ?? declaration.name), state: { ...inputs, ...live } };
    if (preview) return undefined;
    return { id: declaration.name, state: { ...inputs, ...this.#cloud.predict({ type: declaration.type, inputs }) } };
  }

  async #plan(stack: SimStack, settings: GenerationSettings, preview: boolean): Promise<{ planned: Planned[]; outputs: Record<string, Value> }> {
    const evaluation = await this.#evaluate(stack, settings, preview);
    const planned: Planned[] = [];
    const declaredUrns = new Set<string>();
    for (const declaration of evaluation.declarations) {
      const urn = urnOf(stack.name, declaration);
      declaredUrns.add(urn);
      const stored = stack.resources.find((r) => r.urn === urn);
      const base = { type: declaration.type, name: declaration.name };
      if (!stored) {
        planned.push({ change: { op: "create", ...base }, declaration });
        continue;
      }
      const declared = withIgnored(toStored(declaration.inputs), stored.inputs, declaration.ignoreChanges ?? []);
      const keys = changedKeys(stored.inputs, declared);
      const replace = keys.some((k) => REPLACE_KEYS[declaration.type]?.includes(k));
      const op: ChangeOp = keys.length === 0 ? "same" : replace ? "replace" : "update";
      const diffs = keys.flatMap((k) => valueDiffs(k, stored.inputs[k], declared[k], isSecret));
      planned.push({ change: { op, ...base, ...(keys.length ? { keys, diffs } : {}) }, declaration, stored, inputs: declared });
    }
    for (const stored of stack.resources) {
      if (!declaredUrns.has(stored.urn)) {
        planned.push({ change: { op: "delete", type: stored.type, name: stored.name, ...(stored.retainOnDelete ? { retained: true } : {}) }, stored });
      }
    }
    return { planned, outputs: evaluation.outputs };
  }

  async #apply(stack: SimStack, step: Planned): Promise<void> {
    const { change, declaration, stored } = step;
    if (change.op === "same") return;
    if ((change.op === "delete" || change.op === "replace") && stored) {
      if (!stored.retainOnDelete) await this.#cloud.delete(stored);
      stack.resources = stack.resources.filter((r) => r.urn !== stored.urn);
      await this.#persist();
      if (change.op === "delete") return;
    }
    if (!declaration) return;
    const inputs = step.inputs ?? toStored(declaration.inputs);
    const resource: StoredResource = {
      urn: urnOf(stack.name, declaration),
      type: declaration.type,
      name: declaration.name,
      id: "",
      inputs,
      outputs: {},
      retainOnDelete: declaration.retainOnDelete,
    };
    if (change.op === "update" && stored) {
      resource.id = stored.id;
      // Pending while the provider works, as the engine records it: a run that dies here leaves an `updating`.
      const pending = { urn: resource.urn, type: resource.type, name: resource.name, operation: "updating" as const, resource: stored };
      stack.pending.push(pending);
      await this.#persist();
      try {
        resource.outputs = await this.#cloud.update(stored, inputs, change.keys ?? []);
      } catch (error) {
        // A failed update is no longer pending (the engine records the failure); only a dead process leaves it.
        if (!(error instanceof SimulatedCrash)) stack.pending = stack.pending.filter((p) => p !== pending);
        throw error;
      }
      stack.pending = stack.pending.filter((p) => p !== pending);
      stack.resources = stack.resources.map((r) => (r.urn === resource.urn ? resource : r));
      await this.#persist();
      return;
    }
    // create (or the create half of a replace): recorded as pending before the cloud call, as the engine does.
    stack.pending.push({ urn: resource.urn, type: resource.type, name: resource.name, operation: "creating", resource });
    await this.#persist();
    let created: Awaited<ReturnType<SandboxCloud["create"]>>;
    try {
      created = await this.#cloud.create(resource, () => this.#persist());
    } catch (error) {
      // A create the provider reported as failed is no longer pending; only a dead process leaves it behind.
      if (!(error instanceof SimulatedCrash)) stack.pending = stack.pending.filter((p) => p.urn !== resource.urn);
      throw error;
    }
    resource.id = created.id;
    resource.outputs = created.outputs;
    resource.inputs = { ...resource.inputs, ...readBackInputs(resource.type, resource.inputs, created.outputs) };
    this.#faults.checkpoint("engine:before-finish");
    stack.pending = stack.pending.filter((p) => p.urn !== resource.urn);
    stack.resources.push(resource);
    await this.#persist();
  }
}
