/**
 * Building the lifecycle's ports for a command: the sandbox with `--sandbox` (state in .rds-echo/sandbox.json), the
 * real adapters (Pulumi Automation API, AWS SDK) otherwise. Never a mix, and never the sandbox by accident.
 */
import { loadDefinition } from "../../definition/load.js";
import { UsageError } from "../../errors.js";
import { isClusterEcho, type EchoDefinition } from "../../definition/schema.js";
import type { Clock, Ports, Prompt } from "../../ports.js";
import type { CommandContext } from "../context.js";
import { interrupt } from "../interrupt.js";
import { ReporterOutput, TerminalPrompt } from "../terminal.js";
import { awsCallSettingsFrom } from "./aws-calls.js";

export interface EngineFlags {
  readonly sandbox: boolean;
  readonly backend?: string | undefined;
  readonly installPulumi: boolean;
  /** A Pulumi CLI already found by the preflight check (see preflight.ts). */
  readonly pulumiCommand?: import("@pulumi/pulumi/automation/index.js").PulumiCommand;
}

export interface OpenedPorts {
  readonly ports: Ports;
  /** Saves what must outlive the process (the sandbox's world); a no-op for the real adapters. */
  readonly close: () => Promise<void>;
}

/** Simulated ms per real ms for `--sandbox`: a 90-minute restore shows as about a second. `max` never waits. */
export function sandboxSpeed(env: NodeJS.ProcessEnv): number {
  const text = env["RDS_ECHO_SANDBOX_SPEED"];
  if (text === undefined || text === "") return 5_400;
  if (text === "max") return Number.POSITIVE_INFINITY;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`RDS_ECHO_SANDBOX_SPEED must be a positive number or "max" (got ${text})`);
  return speed;
}

/** What the notification port needs beyond the definition: the webhook URL, read from its secret at the edge. */
export interface NotifyInputs {
  readonly webhookUrl?: string;
}

/** What the echoes of one fleet run (`up --all`) share, each opening its own ports. */
export interface SharedPorts {
  /**
   * The sandbox's world, loaded once for the whole run and saved by it: each echo loading and saving its own copy
   * of the one file would undo the others' changes.
   */
  readonly sandboxWorld?: import("../../adapters/sandbox/index.js").SimWorld;
  /** The file of that world, held by the fleet run for all its echoes (`up --all`): see world-file.ts. */
  readonly sandboxFile?: import("../../adapters/sandbox/index.js").WorldFile;
  /**
   * The shared world's one clock: with a clock per echo, each would jump the world's time to its own next wake-up,
   * and echoes waiting side by side would see their waits added up instead of overlapping.
   */
  readonly sandboxClock?: import("../../adapters/sandbox/index.js").SimClock;
  /** The prompt every echo gets: echoes side by side cannot each ask a person on one terminal. */
  readonly prompt?: Prompt;
}

export async function openPorts(command: CommandContext, definition: EchoDefinition, flags: EngineFlags, notify: NotifyInputs = {}, shared: SharedPorts = {}): Promise<OpenedPorts> {
  const prompt = shared.prompt ?? new TerminalPrompt();
  const output = new ReporterOutput(command.reporter);
  interrupt.naming(definition.echo);
  const definitionFor = async (echo: string) => (echo === definition.echo ? definition : loadDefinition(command.root, echo));
  if (flags.sandbox) {
    const { createSandbox, WorldFile, replaceWorld, sandboxPostgresUrl } = await import("../../adapters/sandbox/index.js");
    // One file for every echo: a run that changes it holds it whole (world-file.ts); a fleet run shares its own.
    const file = shared.sandboxFile ?? new WorldFile(command.root, { onWarning: (m) => output.warn(m) });
    const world = shared.sandboxWorld ?? (await file.load(definition, new Date()));
    if (shared.sandboxWorld) (await import("../../adapters/sandbox/seed.js")).seed(world, definition);
    // Another run may have saved the world between this one's reading it and taking the lock: the run then goes on
    // from the world as it is now (nothing has acted on the copy read yet: taking the lock comes first).
    const hold = () => file.hold((fresh) => replaceWorld(world, fresh), definition);
    const persist = async () => {
      await file.save(world);
    };
    const postgres = sandboxPostgresUrl(process.env, world);
    const sandbox = createSandbox(world, { definitionFor, speed: sandboxSpeed(process.env), persist, hold, definition: () => definition, ...(postgres ? { postgres } : {}), ...(shared.sandboxClock ? { clock: shared.sandboxClock } : {}) });
    const notifier = definition.notify ? new (await import("../../adapters/sandbox/notify.js")).SandboxNotifier(world, sandbox.faults, definition.notify) : undefined;
    return {
      ports: {
        engine: sandbox.engine,
        rds: sandbox.rds,
        dns: sandbox.dns,
        approvals: sandbox.approvals,
        snapshots: sandbox.snapshots,
        ...(sandbox.databases ? { databases: sandbox.databases } : {}),
        ...(notifier ? { notifier } : {}),
        clock: sandbox.clock,
        prompt,
        output,
      },
      close: async () => {
        // A shared world is saved by the run that shares it, once every echo is done. A run that changed nothing
        // (it only looked, or stood aside for another run) writes nothing: that would undo the other run's work.
        if (shared.sandboxWorld) return;
        if (!(await file.close(world))) output.warn(`the sandbox changed while this command read it (another run); what this one saw was not written back to ${file.file}`);
      },
    };
  }
  const [{ createAwsPorts }, { AutomationEngine }, { ensurePulumiCli }, { RdsDatabases }, { killRunningClis }] = await Promise.all([
    import("../../adapters/aws/index.js"),
    import("../../adapters/pulumi/engine.js"),
    import("../../adapters/pulumi/cli.js"),
    import("../../adapters/database/index.js"),
    import("../../adapters/pulumi/process.js"),
  ]);
  // A second Ctrl-C quits at once: the CLI must not live on, holding the lock while its provider waits for hours.
  interrupt.onQuit(killRunningClis);
  const pulumiCommand = flags.pulumiCommand ?? (await ensurePulumiCli({ install: flags.installPulumi, root: command.root }));
  const engine = new AutomationEngine({
    root: command.root,
    definitionFor,
    pulumiCommand,
    ...(flags.backend ? { backendUrl: flags.backend } : {}),
    secretsProvider: definition.secretsProvider,
    onOutput: (line: string) => command.reporter.note(line.trimEnd()),
    onWarning: (message: string) => output.warn(message),
    signal: interrupt.signal,
    track: interrupt.track,
  });
  const calls = awsCallSettingsFrom(process.env);
  const aws = createAwsPorts({ region: definition.region, ...(definition.profile ? { profile: definition.profile } : {}), calls, signer: process.env, ...(isClusterEcho(definition) ? {} : { source: definition.source }) });
  const notifier = definition.notify
    ? new (await import("../../adapters/aws/notify.js")).AwsNotifier(definition.notify, {
        region: definition.region,
        ...(definition.profile ? { profile: definition.profile } : {}),
        calls,
        ...(notify.webhookUrl ? { webhookUrl: notify.webhookUrl } : {}),
      })
    : undefined;
  return { ports: { engine, ...aws, databases: new RdsDatabases(), ...(notifier ? { notifier } : {}), clock: realClock, prompt, output }, close: async () => {} };
}

const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};
