/**
 * How the Pulumi CLI is spawned. The Automation API's own runner starts the CLI in our process group, so a Ctrl-C at
 * the terminal reaches the CLI directly *and* through the SDK's abort (which sends SIGINT again): Pulumi reads a second
 * SIGINT as "terminate now", leaving a stale lock and pending operations. Here the CLI runs in a process group of its
 * own, so the one SIGINT it gets is ours, sent once when the run's AbortSignal fires; the CLI then cancels cleanly.
 *
 * The same runner feeds a value to the CLI's standard input, which is how a secret reaches `pulumi config set
 * --secret` without ever being in a process's arguments (visible to every user in `ps`).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { cliSafeEnv } from "./cli-env.js";

/** What one CLI run printed and how it ended. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; -1 when the process ended by a signal or could not be started. */
  readonly code: number;
  /** The spawn error (ENOENT when the binary is missing), as the SDK keeps it. */
  readonly err?: Error;
}

export interface CliRunOptions {
  readonly cwd: string;
  /** Added to (and winning over) this process's environment, as the SDK does; rds-echo's secrets are withheld. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to the CLI's standard input, which is then closed; without it stdin is /dev/null. */
  readonly input?: string;
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  /** Aborting sends SIGINT, once: the CLI cancels the operation, releases its lock and exits. */
  readonly signal?: AbortSignal;
}

/** The CLI processes running now (each leads its own process group), with when each has exited and been reaped. */
const RUNNING = new Map<number, Promise<void>>();

/** How long a quitting run waits for the CLI processes it killed to be gone. */
const REAP_MS = 5_000;

/**
 * Ends every CLI process this process started and that still runs, with SIGKILL to its whole group (the CLI and the
 * provider it started). For a run that quits at once (a second Ctrl-C): the CLI's checkpoint already records the
 * operation it had begun (a pending create), which the next run adopts; an orphaned CLI would instead go on
 * holding the stack's lock for as long as its provider waits (hours, for a restore). Resolves with how many it ended,
 * once they are gone (reaped here, not left as zombies), or after a few seconds.
 */
export async function killRunningClis(): Promise<number> {
  const gone: Promise<void>[] = [];
  for (const [pid, exited] of RUNNING) {
    try {
      process.kill(-pid, "SIGKILL");
      gone.push(exited);
    } catch {
      // Gone meanwhile.
    }
  }
  RUNNING.clear();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(gone), new Promise((resolve) => (timer = setTimeout(resolve, REAP_MS)))]);
  clearTimeout(timer);
  return gone.length;
}

/** Runs the CLI binary in its own process group and resolves when it exits (never rejects). */
export function runCli(binary: string, args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    const child = spawn(binary, [...args], {
      cwd: options.cwd,
      // The SDK's runner (execa) adds this process's environment too; either way rds-echo's secrets are not the CLI's.
      env: cliSafeEnv({ ...process.env, ...options.env }),
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    if (child.pid !== undefined) RUNNING.set(child.pid, new Promise((resolve) => child.once("exit", () => resolve())));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const interrupt = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    };
    if (options.signal?.aborted) interrupt();
    else options.signal?.addEventListener("abort", interrupt, { once: true });
    let spawnError: Error | undefined;
    child.once("error", (error) => {
      spawnError = error;
    });
    child.once("close", (code) => {
      if (child.pid !== undefined) RUNNING.delete(child.pid);
      options.signal?.removeEventListener("abort", interrupt);
      resolve({ stdout, stderr, code: code ?? -1, ...(spawnError ? { err: spawnError } : {}) });
    });
  });
}

/** The SDK's signature for `PulumiCommand.run`: internal to the SDK (absent from its .d.ts), stable since 3.2. */
type SdkRun = (
  args: string[],
  cwd: string,
  additionalEnv: Record<string, string>,
  onOutput?: (data: string) => void,
  onError?: (data: string) => void,
  signal?: AbortSignal,
) => Promise<unknown>;

interface SdkInternals {
  readonly CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
  readonly createCommandError: (result: unknown) => Error;
}

/**
 * The SDK's own classification of a failed run (stack locked, not found, already exists): reused, not rewritten, so
 * errors.ts keeps mapping the SDK's error classes by `instanceof`.
 */
function sdkInternals(): SdkInternals {
  const require = createRequire(import.meta.url);
  const cmd: unknown = require("@pulumi/pulumi/automation/cmd.js");
  const errors: unknown = require("@pulumi/pulumi/automation/errors.js");
  const CommandResult = Reflect.get(Object(cmd), "CommandResult");
  const createCommandError = Reflect.get(Object(errors), "createCommandError");
  if (typeof CommandResult !== "function" || typeof createCommandError !== "function") {
    throw new Error("this @pulumi/pulumi has no CommandResult/createCommandError; update src/adapters/pulumi/process.ts");
  }
  return { CommandResult, createCommandError } as SdkInternals;
}

/**
 * Runs a CLI command the way the SDK's runner does (`--non-interactive`, the CLI's folder first on PATH,
 * PULUMI_AUTOMATION_API) but through `runCli`, and fails with the SDK's own error classes.
 */
export async function runPulumi(binary: string, args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  const { CommandResult, createCommandError } = sdkInternals();
  const result = await runCli(binary, cliArgs(args), { ...options, env: cliEnv(binary, options.env) });
  if (result.code !== 0 || result.err) {
    throw createCommandError(new CommandResult(result.stdout, result.stderr, result.err ? -2 : result.code, result.err));
  }
  return result;
}

/**
 * The same CLI with every Automation API call (preview, up, destroy, refresh, config, history, …) spawned through
 * `runPulumi`, so in a process group of its own. The SDK's runner is internal; this replaces it on the one instance.
 */
export function inOwnProcessGroup(command: PulumiCommand): PulumiCommand {
  sdkInternals(); // Fail now, not mid-update, if an SDK upgrade moved what runPulumi relies on.
  const run: SdkRun = (args, cwd, additionalEnv, onOutput, onError, signal) =>
    runPulumi(command.command, args, {
      cwd,
      env: additionalEnv,
      ...(onOutput ? { onStdout: onOutput } : {}),
      ...(onError ? { onStderr: onError } : {}),
      ...(signal ? { signal } : {}),
    });
  Object.defineProperty(command, "run", { value: run, configurable: true });
  return command;
}

/** Arguments as the SDK sends them: every command non-interactive, so none can wait for a prompt. */
export function cliArgs(args: readonly string[]): string[] {
  return args.includes("--non-interactive") ? [...args] : [...args, "--non-interactive"];
}

/** The environment as the SDK builds it: the CLI's own folder first on PATH, and the Automation API marker. */
export function cliEnv(binary: string, env: Readonly<Record<string, string>>): Record<string, string> {
  const vars: Record<string, string> = { ...env, PULUMI_AUTOMATION_API: "true" };
  if (path.isAbsolute(binary)) vars["PATH"] = `${path.dirname(binary)}${path.delimiter}${env["PATH"] ?? process.env["PATH"] ?? ""}`;
  return vars;
}
