/**
 * The stack port implemented with the Pulumi Automation API: one LocalWorkspace for the `rds-echo` project, an inline
 * program (the real generation program), one stack per generation. Thin on purpose: every translation it needs is a
 * pure, tested function (config.ts, events.ts, deployment.ts, workspace.ts), what a run learns of its stacks is
 * kept once (run-stacks.ts), and every SDK error is mapped once (errors.ts). Only these modules import
 * `@pulumi/pulumi/automation`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type LocalWorkspace,
  StackNotFoundError as PulumiStackNotFoundError,
  type Deployment,
  type PulumiCommand,
  type PulumiFn,
} from "@pulumi/pulumi/automation/index.js";
import type { EchoDefinition } from "../../definition/schema.js";
import { PendingOperationsError } from "../../errors.js";
import type {
  ArchivedGeneration,
  ChangeSet,
  EchoHold,
  GenerationSettings,
  GenerationStackOutputs,
  HistoryEntry,
  ImportedResource,
  OperationOptions,
  PendingOperation,
  RecordedResource,
  StackEngine,
  StackSummary,
  UpdateResult,
} from "../../ports.js";
import { programFromStackConfig } from "../../program/from-config.js";
import { PROJECT } from "../../program/project.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "../../program/stack-config.js";
import { secretsToConfig, settingsFromConfig } from "./config.js";
import { withConfigFile } from "./config-file.js";
import { pendingOperationsIn, resolvePendingInDeployment } from "./deployment.js";
import { mapPulumiError, withoutSecrets } from "./errors.js";
import { importPlan } from "./import.js";
import { ChangeCollector, historyEntryFromSummary, outputsFromMap } from "./events.js";
import { pagedHistory } from "./history.js";
import { withOutputLines, type OutputOption } from "./lines.js";
import { checkpointDeployment } from "./checkpoint.js";
import { RunStacks } from "./run-stacks.js";
import { DeclaredCollector, recordedIn, withUnrecorded } from "./unrecorded.js";
import { everyListener, RootOutputsCollector, withoutAfterReads } from "./operation-stack.js";
import { importDeployment, readOutputs, setSecretConfig, type CliTarget } from "./stack-io.js";
import { openWorkspace } from "./open-workspace.js";
import { archiveStack, readArchive } from "./archiving.js";

/** What the engine needs from the CLI layer; everything but `root` and `definitionFor` has a working default. */
export interface AutomationEngineOptions {
  /**
   * The project directory (the repo with `Pulumi.yaml` and `stacks/`): the workspace, where each generation's
   * `Pulumi.<generation>.yaml` lives; the default file backend goes under `.rds-echo/state`.
   */
  readonly root: string;
  /** The echo's validated definition; the inline program asks for it by the echo named in the stack's config. */
  readonly definitionFor: (echo: string) => Promise<EchoDefinition>;
  /** Any Pulumi backend URL; defaults to PULUMI_BACKEND_URL, then `file://<root>/.rds-echo/state`. */
  readonly backendUrl?: string;
  /** Receives the CLI's progress output of updates, destroys and refreshes, line by line. */
  readonly onOutput?: (line: string) => void;
  /** Told what the adapter did on its own that a person should know (a stale lock released). */
  readonly onWarning?: (message: string) => void;
  /** The environment the CLI sees (passphrase, AWS credentials); defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The CLI to drive, from `ensurePulumiCli`; without it the SDK looks for `pulumi` on PATH. */
  readonly pulumiCommand?: PulumiCommand;
  /** Pulumi secrets provider for new stacks; defaults to `passphrase`. */
  readonly secretsProvider?: string;
  /**
   * Cancels the operation in flight (preview, up, destroy, refresh, import): the CLI gets one SIGINT, cancels
   * cleanly and releases its lock, and the call then fails. The CLI layer aborts it on Ctrl-C and SIGTERM.
   */
  readonly signal?: AbortSignal;
  /** Told when an operation that must not be abandoned starts and ends, so an interrupt knows to wait for it. */
  readonly track?: <T>(operation: () => Promise<T>) => Promise<T>;
}

/**
 * After an up, destroy or refresh the SDK would fetch the operation's summary from `stack history`, decrypting the
 * config unless told not to (its default is to show secrets). `withoutAfterReads` turns that read off; should an SDK
 * read it anyway, nothing is decrypted.
 */
const NO_SECRETS = { showSecrets: false } as const;

/**
 * The real StackEngine. Construct it once per run: it opens one workspace on first use (checking the passphrase before
 * anything else) and reuses it for every generation.
 */
export class AutomationEngine implements StackEngine {
  readonly #options: AutomationEngineOptions;
  readonly #env: NodeJS.ProcessEnv;
  #workspace: Promise<LocalWorkspace> | undefined;
  /** Every secret value this run handed to the CLI: redacted from any error text that leaves the adapter. */
  readonly #secrets = new Set<string>();
  /** What this run knows of its stacks (listing, selected stacks, exports), each asked of the CLI once. */
  readonly #known: RunStacks;

  constructor(options: AutomationEngineOptions) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.#known = new RunStacks((workspace) => this.#target(workspace), options.onWarning);
  }

  /** The inline program: it reads the echo from the stack's own config, so one workspace serves every generation. */
  readonly #program: PulumiFn = async () => {
    const echo = new pulumi.Config(CONFIG_NAMESPACE).require(CONFIG_KEYS.echo);
    return { ...programFromStackConfig(await this.#options.definitionFor(echo)) };
  };

  async list(): Promise<StackSummary[]> {
    return this.#run(PROJECT, (workspace) => this.#known.list(workspace));
  }

  async create(generation: string, settings: GenerationSettings, secrets: Readonly<Record<string, string>>): Promise<void> {
    const secretConfig = secretsToConfig(secrets);
    for (const { value } of Object.values(secretConfig)) this.#secrets.add(value);
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.create(workspace, generation);
      try {
        // The settings go into the stack's file in process (no CLI call); `stack init` has just written it.
        await this.#known.writeSettings(workspace, generation, settings);
        // Secrets one by one on stdin: `setAllConfig` would put them in the CLI's arguments.
        for (const [key, { value }] of Object.entries(secretConfig)) await setSecretConfig(this.#target(workspace), generation, key, value);
        // An empty refresh records the settings in the backend (its history keeps the config), so another machine
        // sharing the backend can rebuild this stack's config file even if this run dies before its first update.
        await withoutAfterReads(stack).refresh({ message: `new ${generation}: settings pinned (snapshot ${settings.snapshot})`, ...NO_SECRETS });
      } catch (error) {
        // A stack without its settings is of no use and would block a rerun; it has no update yet, so remove it.
        // Best effort: the error worth reporting is the one that got us here.
        await workspace.removeStack(generation).catch(() => undefined);
        this.#known.forget(generation);
        throw error;
      }
    });
  }

  async remove(generation: string): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      const updates = (await stack.history(1, 1, false)).filter((entry) => entry.kind !== "refresh");
      if (updates.length > 0) throw new Error(`stack ${generation} has history; it is never removed`);
      await workspace.removeStack(generation);
      this.#known.forget(generation);
    });
  }

  async settings(generation: string): Promise<GenerationSettings | undefined> {
    return this.#run(generation, async (workspace) => {
      let config;
      try {
        // The backend's newest recorded config, read in process where it can be (run-stacks.ts, latest-config.ts).
        config = await this.#known.config(workspace, generation);
      } catch (error) {
        if (error instanceof PulumiStackNotFoundError) return undefined;
        throw error;
      }
      return settingsFromConfig(generation, config);
    });
  }

  /**
   * Runs the preview against a temporary copy of the stack's config file carrying the new settings (`--config-file`),
   * so the stack's own settings are never written: not even a killed preview can leave them changed.
   */
  async preview(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      const changes = new ChangeCollector();
      await withConfigFile(workspace.workDir, generation, settings, (configFile) =>
        this.#operation(() => stack.preview({ message: options.message, diff: true, configFile, onEvent: changes.onEvent, ...this.#signal() })),
      );
      return { changes: changes.changes() };
    });
  }

  async update(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<UpdateResult> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      await this.#assertNoPending(workspace, generation);
      this.#known.changing(generation);
      await this.#known.writeSettings(workspace, generation, settings);
      const changes = new ChangeCollector();
      const root = new RootOutputsCollector();
      const onEvent = everyListener(changes.onEvent, root.onEvent);
      await this.#withOutput((output) => this.#operation(() => withoutAfterReads(stack).up({ message: options.message, onEvent, ...NO_SECRETS, ...output, ...this.#signal() })));
      // From the update's own events; a CLI whose events carried none is asked once (masked: secrets are dropped).
      return { changes: changes.changes(), outputs: outputsFromMap(root.outputs() ?? (await readOutputs(this.#target(workspace), generation))) };
    });
  }

  async previewDestroy(generation: string): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      const changes = new ChangeCollector();
      // The SDK's dedicated dry run (`destroy --preview-only`); `destroy({ previewOnly })` would also fetch and
      // return the previous update's summary, which is not this operation's.
      await this.#operation(() => stack.previewDestroy({ onEvent: changes.onEvent, ...this.#signal() }));
      return { changes: changes.changes() };
    });
  }

  async destroy(generation: string, options: OperationOptions): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      await this.#assertNoPending(workspace, generation);
      this.#known.changing(generation);
      const changes = new ChangeCollector();
      // No `remove`: the stack, its config and its history stay (the audit trail of a retired generation).
      await this.#withOutput((output) =>
        this.#operation(() => withoutAfterReads(stack).destroy({ message: options.message, onEvent: changes.onEvent, ...NO_SECRETS, ...output, ...this.#signal() })),
      );
      return { changes: changes.changes() };
    });
  }

  async outputs(generation: string): Promise<GenerationStackOutputs> {
    return this.#run(generation, async (workspace) => {
      await this.#known.select(workspace, generation);
      return outputsFromMap(await readOutputs(this.#target(workspace), generation));
    });
  }

  async history(generation: string, limit?: number): Promise<HistoryEntry[]> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      // showSecrets false: the audit trail needs no decrypted config.
      return (await pagedHistory((size, page) => stack.history(size, page, false), limit)).map(historyEntryFromSummary);
    });
  }

  async pendingOperations(generation: string): Promise<PendingOperation[]> {
    return this.#run(generation, async (workspace) => pendingOperationsIn(await this.#deployment(workspace, generation, false)));
  }

  async recorded(generation: string): Promise<readonly RecordedResource[]> {
    return this.#run(generation, async (workspace) => recordedIn(await this.#deployment(workspace, generation, false)));
  }

  async adoptUnrecorded(generation: string, settings: GenerationSettings, resource: ImportedResource, options: OperationOptions): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      await this.#assertNoPending(workspace, generation);
      // What the program declares for it, from a preview at these settings (its create step's event).
      const declared = new DeclaredCollector();
      await withConfigFile(workspace.workDir, generation, settings, (configFile) =>
        this.#operation(() => stack.preview({ message: options.message, configFile, onEvent: declared.onEvent, ...this.#signal() })),
      );
      const found = declared.find(resource.type, resource.name);
      if (!found) throw new Error(`${generation}: the program plans no create of ${resource.type} ${resource.name}; nothing to adopt`);
      this.#known.changing(generation);
      const deployment = await this.#known.exported(workspace, generation);
      this.#known.changing(generation);
      await this.#operation(() => importDeployment(this.#target(workspace), generation, withUnrecorded(deployment, found, resource.id)));
      await this.#withOutput((output) => this.#operation(() => withoutAfterReads(stack).refresh({ message: options.message, ...NO_SECRETS, ...output, ...this.#signal() })));
    });
  }

  async refresh(generation: string, options: OperationOptions): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      this.#known.changing(generation);
      await this.#withOutput((output) => this.#operation(() => withoutAfterReads(stack).refresh({ message: options.message, ...NO_SECRETS, ...output, ...this.#signal() })));
    });
  }

  async resolvePending(generation: string, imports: ReadonlyMap<string, string>, options: OperationOptions): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      const target = this.#target(workspace);
      // Fresh: the import writes this deployment back, so it must be the backend's current one.
      this.#known.changing(generation);
      const deployment = await this.#known.exported(workspace, generation);
      if (pendingOperationsIn(deployment).length === 0) return;
      this.#known.changing(generation);
      await this.#operation(() => importDeployment(target, generation, resolvePendingInDeployment(deployment, imports)));
      // Reads the adopted resources' real state, and records the repair (with its message) in the history.
      await this.#withOutput((output) => this.#operation(() => withoutAfterReads(stack).refresh({ message: options.message, ...NO_SECRETS, ...output, ...this.#signal() })));
    });
  }

  /**
   * Adopts live resources (`migrate --adopt`): the stack with its settings, the program's provider by a targeted
   * `up` when it is not in the state yet, then `pulumi import` of what is missing, unprotected (retire must be able to
   * destroy it) and without generated code (the program already declares it). Nothing in the cloud changes here.
   */
  async importGeneration(generation: string, settings: GenerationSettings, resources: readonly ImportedResource[], options: OperationOptions): Promise<void> {
    if ((await this.settings(generation)) === undefined) await this.create(generation, settings, {});
    await this.#run(generation, async (workspace) => {
      const stack = await this.#known.select(workspace, generation);
      await this.#known.releaseStaleLock(workspace, generation);
      this.#known.changing(generation);
      const plan = importPlan(generation, await this.#known.exported(workspace, generation), resources);
      if (plan.resources.length === 0) return;
      this.#known.changing(generation);
      const quiet = { ...NO_SECRETS, ...this.#signal() };
      if (!plan.providerInState) {
        // A targeted up creates the provider alone and skips the program's other, untargeted, creates (the
        // engine suite's adopt case shows it on the real CLI: the provider created, the instance and record not).
        await this.#withOutput((output) => this.#operation(() => withoutAfterReads(stack).up({ message: `${options.message} (provider)`, target: [plan.providerUrn], ...quiet, ...output })));
      }
      const { resources: toImport, nameTable } = plan;
      await this.#withOutput((output) =>
        this.#operation(() => withoutAfterReads(stack).import({ resources: toImport, nameTable, protect: false, generateCode: false, message: options.message, ...quiet, ...output })),
      );
    });
  }

  async archived(echo: string): Promise<ArchivedGeneration[]> {
    return this.#run(PROJECT, async (workspace) => {
      const store = await this.#known.archiveStore(workspace);
      return store === undefined ? [] : [...(await readArchive(store, echo)).archive.generations];
    });
  }

  async archive(generation: string, options: { readonly echo: string; readonly at: Date }): Promise<boolean> {
    return this.#run(generation, async (workspace) => {
      const store = await this.#known.archiveStore(workspace);
      if (store === undefined) return false;
      this.#known.changing(generation);
      await archiveStack(this.#target(workspace), store, generation, options.echo, options.at);
      this.#known.forget(generation);
      return true;
    });
  }

  /** Holds the echo's lease in the backend for this run (run-stacks.ts, echo-leases.ts). */
  async hold(echo: string): Promise<EchoHold> {
    return this.#run(echo, (workspace) => this.#known.hold(workspace, echo));
  }

  /** Runs one port call against the workspace, mapping SDK errors to the port's typed errors once, here. */
  async #run<T>(stack: string, body: (workspace: LocalWorkspace) => Promise<T>): Promise<T> {
    try {
      return await body(await this.#ready());
    } catch (error) {
      throw withoutSecrets(mapPulumiError(error, stack), this.#secrets);
    }
  }

  /** An operation the CLI layer must let finish (or cancel) before the process exits. */
  #operation<T>(run: () => Promise<T>): Promise<T> {
    return this.#options.track ? this.#options.track(run) : run();
  }

  #signal(): { signal?: AbortSignal } {
    return this.#options.signal ? { signal: this.#options.signal } : {};
  }

  /** The CLI as the SDK runs it, for the calls stack-io.ts makes directly. */
  #target(workspace: LocalWorkspace): CliTarget {
    return { binary: workspace.pulumiCommand.command, cwd: workspace.workDir, env: workspace.envVars, ...this.#signal() };
  }

  /**
   * Pulumi does not stop on pending operations (it warns and drops them), which would orphan an interrupted create;
   * the port's contract is that they are resolved first, so an update or destroy refuses while any are left.
   */
  async #assertNoPending(workspace: LocalWorkspace, generation: string): Promise<void> {
    // Fresh, not this run's earlier read: between two operations no lock is held, and a run killed meanwhile (whose
    // lock may just have been released as stale) can have left a pending create that the update would drop.
    const pending = pendingOperationsIn(await this.#deployment(workspace, generation, true));
    if (pending.length > 0) throw new PendingOperationsError(generation, pending.length);
  }

  /**
   * The stack's deployment: read in process on `file://` and `s3://` (checkpoint.ts, always current), else exported
   * by the CLI, afresh when `fresh` (else this run's earlier export serves).
   */
  async #deployment(workspace: LocalWorkspace, generation: string, fresh: boolean): Promise<Deployment> {
    const objects = await this.#known.objects(workspace);
    const read = objects === undefined ? undefined : await checkpointDeployment(objects, PROJECT, generation);
    if (read !== undefined) return read;
    if (fresh) this.#known.changing(generation);
    return this.#known.exported(workspace, generation);
  }

  /** The workspace, opened once; a failed opening (no passphrase, no CLI) is retried on the next call. */
  #ready(): Promise<LocalWorkspace> {
    this.#workspace ??= this.#open().catch((error: unknown) => {
      this.#workspace = undefined;
      throw error;
    });
    return this.#workspace;
  }

  #open(): Promise<LocalWorkspace> {
    return openWorkspace(this.#options, this.#env, this.#program);
  }

  /** Gives a command's output to `onOutput` line by line (and nothing when no one listens). */
  #withOutput<T>(run: (output: OutputOption) => Promise<T>): Promise<T> {
    return withOutputLines(this.#options.onOutput, run);
  }
}
