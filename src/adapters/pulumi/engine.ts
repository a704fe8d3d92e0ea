/**
 * The stack port implemented with the Pulumi Automation API: one LocalWorkspace for the `rds-echo` project, an inline
 * program (the real generation program), one stack per generation. Thin on purpose: every translation it needs is a
 * pure, tested function (config.ts, events.ts, deployment.ts, workspace.ts) and every SDK error is mapped once
 * (errors.ts). This is the only module, with those, that imports `@pulumi/pulumi/automation`.
 */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  CommandError,
  LocalWorkspace,
  Stack,
  StackNotFoundError as PulumiStackNotFoundError,
  type PulumiCommand,
  type PulumiFn,
} from "@pulumi/pulumi/automation/index.js";
import type { EchoDefinition } from "../../definition/schema.js";
import { PendingOperationsError } from "../../errors.js";
import type {
  ChangeSet,
  GenerationSettings,
  GenerationStackOutputs,
  HistoryEntry,
  OperationOptions,
  PendingOperation,
  StackEngine,
  StackSummary,
  UpdateResult,
} from "../../ports.js";
import { programFromStackConfig } from "../../program/from-config.js";
import { PROJECT } from "../../program/project.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "../../program/stack-config.js";
import { configChange, secretsToConfig, settingsFromConfig, settingsToConfig, stackFileWithSettings } from "./config.js";
import { pendingOperationsIn, resolvePendingInDeployment } from "./deployment.js";
import { mapPulumiError } from "./errors.js";
import { ChangeCollector, historyEntryFromSummary, outputsFromMap, stackSummaryFrom } from "./events.js";
import { LineSplitter } from "./lines.js";
import {
  assertPassphrase,
  chooseBackend,
  DEFAULT_SECRETS_PROVIDER,
  projectSettingsFor,
  stackFilePath,
  workspaceDir,
  workspaceEnv,
} from "./workspace.js";

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
  /** The environment the CLI sees (passphrase, AWS credentials); defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The CLI to drive, from `ensurePulumiCli`; without it the SDK looks for `pulumi` on PATH. */
  readonly pulumiCommand?: PulumiCommand;
  /** Pulumi secrets provider for new stacks; defaults to `passphrase`. */
  readonly secretsProvider?: string;
}

type OutputOption = { onOutput?: (chunk: string) => void };

/**
 * After an up, destroy or refresh the SDK fetches the operation's summary from `stack history`, decrypting the
 * config unless told not to (its default is to show secrets). We never need them.
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

  constructor(options: AutomationEngineOptions) {
    this.#options = options;
    this.#env = options.env ?? process.env;
  }

  /** The inline program: it reads the echo from the stack's own config, so one workspace serves every generation. */
  readonly #program: PulumiFn = async () => {
    const echo = new pulumi.Config(CONFIG_NAMESPACE).require(CONFIG_KEYS.echo);
    return { ...programFromStackConfig(await this.#options.definitionFor(echo)) };
  };

  async list(): Promise<StackSummary[]> {
    return this.#run(PROJECT, async (workspace) => (await workspace.listStacks()).map(stackSummaryFrom));
  }

  async create(generation: string, settings: GenerationSettings, secrets: Readonly<Record<string, string>>): Promise<void> {
    const config = { ...settingsToConfig(settings), ...secretsToConfig(secrets) };
    await this.#run(generation, async (workspace) => {
      const stack = await Stack.create(generation, workspace);
      try {
        await stack.setAllConfig(config);
      } catch (error) {
        // A stack without its settings is of no use and would block a rerun; it has no history, so remove it.
        // Best effort: the error worth reporting is the one that got us here.
        await workspace.removeStack(generation).catch(() => undefined);
        throw error;
      }
    });
  }

  async remove(generation: string): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      if ((await stack.history(1, 1, false)).length > 0) throw new Error(`stack ${generation} has history; it is never removed`);
      await workspace.removeStack(generation);
    });
  }

  async settings(generation: string): Promise<GenerationSettings | undefined> {
    return this.#run(generation, async (workspace) => {
      let stack: Stack;
      try {
        stack = await this.#select(workspace, generation);
      } catch (error) {
        if (error instanceof PulumiStackNotFoundError) return undefined;
        throw error;
      }
      return settingsFromConfig(generation, await stack.getAllConfig());
    });
  }

  /**
   * Runs the preview against a temporary copy of the stack's config file carrying the new settings (`--config-file`),
   * so the stack's own settings are never written: not even a killed preview can leave them changed.
   */
  async preview(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      const current = await readStackFile(workspace.workDir, generation);
      const dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-preview-"));
      try {
        const configFile = path.join(dir, `Pulumi.${generation}.yaml`);
        await writeFile(configFile, stackFileWithSettings(current, settings), { mode: 0o600 });
        const changes = new ChangeCollector();
        await stack.preview({ message: options.message, diff: true, configFile, onEvent: changes.onEvent });
        return { changes: changes.changes() };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  async update(generation: string, settings: GenerationSettings, options: OperationOptions): Promise<UpdateResult> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      await assertNoPending(stack, generation);
      const { set, remove } = configChange(await stack.getAllConfig(), settingsToConfig(settings));
      if (Object.keys(set).length > 0) await stack.setAllConfig(set);
      if (remove.length > 0) await stack.removeAllConfig([...remove]);
      const changes = new ChangeCollector();
      const result = await this.#withOutput((output) => stack.up({ message: options.message, onEvent: changes.onEvent, ...NO_SECRETS, ...output }));
      return { changes: changes.changes(), outputs: outputsFromMap(result.outputs) };
    });
  }

  async previewDestroy(generation: string): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      const changes = new ChangeCollector();
      // The SDK's dedicated dry run (`destroy --preview-only`); `destroy({ previewOnly })` would also fetch and
      // return the previous update's summary, which is not this operation's.
      await stack.previewDestroy({ onEvent: changes.onEvent });
      return { changes: changes.changes() };
    });
  }

  async destroy(generation: string, options: OperationOptions): Promise<ChangeSet> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      await assertNoPending(stack, generation);
      const changes = new ChangeCollector();
      // No `remove`: the stack, its config and its history stay (the audit trail of a retired generation).
      await this.#withOutput((output) => stack.destroy({ message: options.message, onEvent: changes.onEvent, ...NO_SECRETS, ...output }));
      return { changes: changes.changes() };
    });
  }

  async outputs(generation: string): Promise<GenerationStackOutputs> {
    return this.#run(generation, async (workspace) => outputsFromMap(await (await this.#select(workspace, generation)).outputs()));
  }

  async history(generation: string): Promise<HistoryEntry[]> {
    return this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      // showSecrets false: the audit trail needs no decrypted config.
      return (await stack.history(undefined, undefined, false)).map(historyEntryFromSummary);
    });
  }

  async pendingOperations(generation: string): Promise<PendingOperation[]> {
    return this.#run(generation, async (workspace) => pendingOperationsIn(await (await this.#select(workspace, generation)).exportStack()));
  }

  async resolvePending(generation: string, imports: ReadonlyMap<string, string>, options: OperationOptions): Promise<void> {
    await this.#run(generation, async (workspace) => {
      const stack = await this.#select(workspace, generation);
      const deployment = await stack.exportStack();
      if (pendingOperationsIn(deployment).length === 0) return;
      await stack.importStack(resolvePendingInDeployment(deployment, imports));
      // Reads the adopted resources' real state, and records the repair (with its message) in the history.
      await this.#withOutput((output) => stack.refresh({ message: options.message, ...NO_SECRETS, ...output }));
    });
  }

  /** Runs one port call against the workspace, mapping SDK errors to the port's typed errors once, here. */
  async #run<T>(stack: string, body: (workspace: LocalWorkspace) => Promise<T>): Promise<T> {
    try {
      return await body(await this.#ready());
    } catch (error) {
      throw mapPulumiError(error, stack);
    }
  }

  /** The workspace, opened once; a failed opening (no passphrase, no CLI) is retried on the next call. */
  #ready(): Promise<LocalWorkspace> {
    this.#workspace ??= this.#open().catch((error: unknown) => {
      this.#workspace = undefined;
      throw error;
    });
    return this.#workspace;
  }

  async #open(): Promise<LocalWorkspace> {
    const secretsProvider = this.#options.secretsProvider ?? DEFAULT_SECRETS_PROVIDER;
    // Before anything touches the disk or spawns the CLI.
    assertPassphrase(secretsProvider, this.#env);
    const backend = chooseBackend(this.#options.root, this.#options.backendUrl, this.#env);
    const workDir = workspaceDir(this.#options.root);
    if (backend.stateDir !== undefined) await mkdir(backend.stateDir, { recursive: true });
    // The backend reaches the CLI through PULUMI_BACKEND_URL (workspaceEnv), never through the project file.
    const projectSettings = projectSettingsFor(await exists(path.join(workDir, "Pulumi.yaml")), PROJECT);
    return LocalWorkspace.create({
      workDir,
      ...(projectSettings ? { projectSettings } : {}),
      secretsProvider,
      envVars: workspaceEnv(this.#env, backend.url),
      program: this.#program,
      ...(this.#options.pulumiCommand !== undefined ? { pulumiCommand: this.#options.pulumiCommand } : {}),
    });
  }

  /**
   * Selects an existing stack. A stack created on another machine (a shared backend) has no config file here yet;
   * Pulumi can rebuild it from the stack's last deployment (`pulumi config refresh`), so that is tried once.
   */
  async #select(workspace: LocalWorkspace, generation: string): Promise<Stack> {
    const stack = await Stack.select(generation, workspace);
    if (!(await exists(stackFilePath(workspace.workDir, generation)))) {
      try {
        await stack.refreshConfig();
      } catch (error) {
        // Never deployed, so nothing to rebuild from: the call that needs the config says what is missing.
        if (!(error instanceof CommandError)) throw error;
      }
    }
    return stack;
  }

  /** Gives a command's output to `onOutput` line by line (and nothing when no one listens). */
  async #withOutput<T>(run: (output: OutputOption) => Promise<T>): Promise<T> {
    const sink = this.#options.onOutput;
    if (sink === undefined) return run({});
    const lines = new LineSplitter(sink);
    try {
      return await run({ onOutput: lines.write });
    } finally {
      lines.flush();
    }
  }
}

/**
 * Pulumi does not stop on pending operations (it warns and drops them), which would orphan an interrupted create;
 * the port's contract is that they are resolved first, so an update or destroy refuses while any are left.
 */
async function assertNoPending(stack: Stack, generation: string): Promise<void> {
  const pending = pendingOperationsIn(await stack.exportStack());
  if (pending.length > 0) throw new PendingOperationsError(generation, pending.length);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function readStackFile(workDir: string, generation: string): Promise<string> {
  const file = stackFilePath(workDir, generation);
  if (!(await exists(file))) throw new Error(`stack ${generation} has no config file (${file}); it was created elsewhere and never deployed`);
  return readFile(file, "utf8");
}
