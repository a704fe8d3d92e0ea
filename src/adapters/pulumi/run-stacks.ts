/**
 * What one run of rds-echo knows about its stacks, so that it asks the Pulumi CLI each thing once: the project's
 * stack listing, each generation's Stack (selected and its config file re-synced), each generation's exported
 * deployment; each generation's recorded config, read in process (latest-config.ts). Entries hold until this run changes that stack (`changing`, `forget`). They are for reading: another
 * run may change a stack between two of this run's operations (no lock is held then), so every operation that
 * writes takes a fresh export first, and a stack another run is updating is caught by its lock (read fresh from a file
 * or S3 backend each time; elsewhere the CLI refuses the update). Also the stack file's settings, written in process,
 * the echo leases of this run (echo-leases.ts), and the release of locks left by dead runs.
 */
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { CommandError, Stack, StackNotFoundError as PulumiStackNotFoundError, type ConfigMap, type Deployment, type LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import { StackLockedError } from "../../errors.js";
import type { EchoHold, GenerationSettings, StackSummary } from "../../ports.js";
import { PROJECT } from "../../program/project.js";
import { configFromStackFile, stackFileWithSettings } from "./config.js";
import { latestConfig, type BackendObjects } from "./latest-config.js";
import { ownStacks, stackSummaryFrom } from "./events.js";
import { backendAccess, leaseTtlMs, type BackendAccess } from "./backend-access.js";
import type { ArchiveStore } from "./archive-store.js";
import { EchoLeases, releasedMessage } from "./echo-leases.js";
import { releaseStaleLocks } from "./locks.js";
import { parseGenerationName } from "../../definition/identifiers.js";
import { exportDeployment, refreshConfigFile, type CliTarget } from "./stack-io.js";
import { readStackFile, stackFilePath } from "./workspace.js";

/**
 * The project's stacks as `pulumi stack ls` listed them earlier in this process, by workspace and backend. `up`
 * re-reads the echo's state before every step, and `status` of every echo builds an engine per echo: one listing
 * serves them all. Cleared by any change any engine of this process makes.
 */
const LISTINGS = new Map<string, Promise<StackSummary[]>>();

function listingKey(workspace: LocalWorkspace): string {
  return `${workspace.workDir}\n${backendUrl(workspace)}`;
}

function backendUrl(workspace: LocalWorkspace): string {
  return workspace.envVars["PULUMI_BACKEND_URL"] ?? "";
}

export class RunStacks {
  readonly #stacks = new Map<string, Stack>();
  readonly #deployments = new Map<string, Promise<Deployment>>();
  readonly #leases: EchoLeases;
  #access: Promise<BackendAccess> | undefined;

  /**
   * @param target the CLI as the SDK runs it, for the calls made directly
   * @param onWarning told when a dead process's lock is released
   */
  constructor(
    private readonly target: (workspace: LocalWorkspace) => CliTarget,
    private readonly onWarning?: (message: string) => void,
  ) {
    this.#leases = new EchoLeases(onWarning);
  }

  /** The backend's leases and locks as rds-echo reaches them itself, opened once. */
  #backend(workspace: LocalWorkspace): Promise<BackendAccess> {
    this.#access ??= backendAccess(backendUrl(workspace), workspace.envVars).catch((error: unknown) => {
      this.#access = undefined;
      throw error;
    });
    return this.#access;
  }

  /** The backend's objects as rds-echo reads them itself, where it can (backend-access.ts). */
  async objects(workspace: LocalWorkspace): Promise<BackendObjects | undefined> {
    return (await this.#backend(workspace)).objects;
  }

  /** The backend's archive store, where it has one (backend-access.ts). */
  async archiveStore(workspace: LocalWorkspace): Promise<ArchiveStore | undefined> {
    return (await this.#backend(workspace)).archive;
  }

  /** Holds the echo for this run (StackEngine.hold); the TTL is RDS_ECHO_LEASE_TTL's, or the default. */
  async hold(workspace: LocalWorkspace, echo: string): Promise<EchoHold> {
    const ttlMs = leaseTtlMs(workspace.envVars);
    return this.#leases.hold(await this.#backend(workspace), workspace.envVars, ttlMs, echo);
  }


  async list(workspace: LocalWorkspace): Promise<StackSummary[]> {
    const key = listingKey(workspace);
    let listing = LISTINGS.get(key);
    if (listing === undefined) {
      listing = workspace.listStacks().then((listed) => ownStacks(listed).map(stackSummaryFrom));
      LISTINGS.set(key, listing);
      listing.catch(() => LISTINGS.delete(key));
    }
    const stacks = await listing;
    // A DIY backend's listing never says "update in progress": its lock files do.
    const access = await this.#backend(workspace);
    if (access.locks === undefined) return stacks;
    // A lock whose holder is gone (dead on this host, or its run's lease expired) holds nothing: the next operation
    // on that stack releases it.
    const locks = await access.locks.held(PROJECT);
    const gone = await this.#leases.gone(access, locks);
    const locked = new Set(locks.filter((lock) => !gone.has(lock)).map((lock) => lock.stack));
    return stacks.map((stack) => (locked.has(stack.name) ? { ...stack, updateInProgress: true } : stack));
  }

  /** A stack this run has just created (`stack init`): its file is the only copy of its config. */
  async create(workspace: LocalWorkspace, generation: string): Promise<Stack> {
    LISTINGS.clear();
    const stack = await Stack.create(generation, workspace);
    LISTINGS.clear();
    this.#stacks.set(generation, stack);
    return stack;
  }

  /**
   * An existing stack, its local config file re-synced from the backend (`pulumi config refresh --force`) once per
   * run: the file may be missing (the stack was created on another machine) or stale (another machine moved the
   * generation since); the backend's last deployment is the truth. A stack never deployed has nothing to sync from,
   * and its local file (if any) is the only copy. Fails with the SDK's StackNotFoundError when there is no stack.
   */
  async select(workspace: LocalWorkspace, generation: string): Promise<Stack> {
    const known = this.#stacks.get(generation);
    if (known) return known;
    try {
      await refreshConfigFile(this.target(workspace), generation);
    } catch (error) {
      if (!(error instanceof CommandError) || error instanceof PulumiStackNotFoundError) throw error;
    }
    // The refresh has just shown the stack exists; the SDK's `Stack.select` would spawn `pulumi stack select` to
    // check it again. Every command the Stack runs names its stack with `--stack`, so selecting adds nothing.
    const stack = await Stack.select(generation, withoutSelect(workspace));
    this.#stacks.set(generation, stack);
    return stack;
  }

  /**
   * The stack's config as the backend last recorded it, the settings rds-echo reads from it (secrets only marked).
   * Read in process from the newest history entry where latest-config.ts can read it (file:// and s3://): the values
   * `config refresh` would write, without its process, and without writing the local file, which is re-synced by
   * `select` only when an operation needs it. A stack this run selected (or created) is read from its file, as it
   * was re-synced (or written) by this run. Anything the reader cannot vouch for goes through `select` as before.
   * Fails with the SDK's StackNotFoundError when there is no stack.
   */
  async config(workspace: LocalWorkspace, generation: string): Promise<ConfigMap> {
    if (!this.#stacks.has(generation)) {
      const { objects } = await this.#backend(workspace);
      const latest = objects === undefined ? undefined : await latestConfig(objects, PROJECT, generation);
      if (latest?.kind === "recorded") return latest.config;
      // Never deployed: the local file is the only copy, as `config refresh` (which fails then) leaves it.
      if (latest === undefined) await this.select(workspace, generation);
    }
    return configFromStackFile(await readStackFile(workspace.workDir, generation));
  }

  /** The stack's deployment (secrets still encrypted) as exported earlier in this run, or now. */
  exported(workspace: LocalWorkspace, generation: string): Promise<Deployment> {
    let deployment = this.#deployments.get(generation);
    if (deployment === undefined) {
      deployment = exportDeployment(this.target(workspace), generation);
      this.#deployments.set(generation, deployment);
      deployment.catch(() => this.#deployments.delete(generation));
    }
    return deployment;
  }

  /** This run is about to change a stack: what it read of it (and every listing) may no longer hold. */
  changing(generation: string): void {
    LISTINGS.clear();
    this.#deployments.delete(generation);
  }

  /** The stack is gone (removed): nothing of it is kept. */
  forget(generation: string): void {
    this.changing(generation);
    this.#stacks.delete(generation);
  }

  /**
   * Writes the settings into the stack's config file in process: what `pulumi config set-all` would write, without
   * a CLI process. Written aside and renamed, so a killed run leaves the old file or the new one, never half of one.
   */
  async writeSettings(workspace: LocalWorkspace, generation: string, settings: GenerationSettings): Promise<void> {
    const file = stackFilePath(workspace.workDir, generation);
    const text = stackFileWithSettings(await readStackFile(workspace.workDir, generation), settings);
    const aside = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(aside, text, { mode: (await stat(file)).mode & 0o777 });
      await rename(aside, file);
    } catch (error) {
      await rm(aside, { force: true });
      throw error;
    }
  }

  /**
   * Before this run changes a stack: it must still hold the echo's lease (a run that lost it stops), and a lock left
   * by a run killed mid-operation on this host (kill -9, OOM, a reboot) is released, said so: its holder is provably
   * gone, and every later run would otherwise be "busy" forever. (Locks of a run whose lease expired were released
   * when the lease was taken over: echo-leases.ts.)
   */
  async releaseStaleLock(workspace: LocalWorkspace, generation: string): Promise<void> {
    const echo = parseGenerationName(generation)?.echo;
    const lost = echo === undefined ? undefined : this.#leases.lost(echo);
    if (lost !== undefined) throw new StackLockedError(generation, lost);
    const { locks } = await this.#backend(workspace);
    if (locks === undefined) return;
    for (const lock of await releaseStaleLocks(locks, PROJECT, (stack) => stack === generation)) this.onWarning?.(releasedMessage(lock));
  }
}

/**
 * The workspace, seen by a Stack, with `selectStack` a no-op: everything else is the workspace itself (reads go
 * through the prototype chain), so the Stack runs its commands exactly as it would on the workspace.
 */
function withoutSelect(workspace: LocalWorkspace): LocalWorkspace {
  return Object.create(workspace, { selectStack: { value: async () => undefined } }) as LocalWorkspace;
}
