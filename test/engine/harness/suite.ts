/**
 * Running rds-echo as a user would, in a subprocess, against the real CLI and moto: the environment of one test
 * (backend, passphrase, moto, PATH with the pulumi shim and the stand-in provider), and helpers to read outcomes back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { REPO_ROOT } from "./moto.js";
import { MASTER_PASSWORD, type Project } from "./project.js";
import { readShimLog, type ShimCall } from "./pulumi.js";

export const CLI = path.join(REPO_ROOT, "dist/cli/main.js");
export const PASSPHRASE = "engine-suite-passphrase";

declare module "vitest" {
  export interface ProvidedContext {
    engine: { motoEndpoint: string; motoEnv: Record<string, string>; shimDir: string; providerBinDir: string; pulumiBinDir: string };
  }
}

/** Where the suite's global setup put things (see global-setup.ts). */
export function suite() {
  return inject("engine");
}

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every Pulumi CLI process this run started, from the shim's log. */
  readonly pulumiCalls: readonly ShimCall[];
}

/** One test's environment: its shim log in a private temporary directory, removed by `dispose`. */
export class EngineEnv {
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-env-"));
  /** TMPDIR of every process a run starts (rds-echo, the CLI, the provider): what they leave there, they leave. */
  readonly tmpDir = path.join(this.#dir, "tmp");
  #runs = 0;

  constructor(readonly project: Project) {
    mkdirSync(this.tmpDir);
  }

  /** What the runs left in their temporary directory. */
  leftInTmp(): string[] {
    return readdirSync(this.tmpDir);
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    const { motoEnv, shimDir, providerBinDir } = suite();
    const clean = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith("PULUMI_")));
    return {
      ...clean,
      ...motoEnv,
      PATH: [shimDir, providerBinDir, process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_BACKEND_URL: this.project.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // The CLI's own plugin and template cache: per test, never the developer's ~/.pulumi.
      PULUMI_HOME: path.join(this.#dir, "pulumi-home"),
      RDS_ECHO_SECRET_MASTER_PASSWORD: MASTER_PASSWORD,
      TMPDIR: this.tmpDir,
      ...extra,
    };
  }

  /** Starts `rds-echo <args> --dir <root>`; `done` resolves when it exits. The child leads its own process group. */
  start(args: readonly string[], extra: Record<string, string> = {}, on: { host?: string } = {}): { child: ChildProcess; done: Promise<Run> } {
    const log = path.join(this.#dir, `calls-${++this.#runs}.jsonl`);
    const command = [process.execPath, CLI, ...args, "--dir", this.project.root];
    // Another machine: a UTS namespace of its own with its own hostname, exec'd into rds-echo, so the child's pid is
    // rds-echo's and everything it starts (the Pulumi CLI, its locks) sees that hostname. Root may set it; anyone else
    // is root only inside a user namespace of their own (--map-root-user), where their files stay theirs.
    const asRoot = process.getuid?.() === 0 ? [] : ["--user", "--map-root-user"];
    const [file, ...argv] = on.host === undefined ? command : ["unshare", ...asRoot, "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', on.host, ...command];
    const child = spawn(file!, argv, {
      cwd: this.project.root,
      env: this.env({ RDS_ECHO_SHIM_LOG: log, ...extra }),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const done = new Promise<Run>((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr, pulumiCalls: readShimLog(log) })),
    );
    return { child, done };
  }

  run(args: readonly string[], extra: Record<string, string> = {}, on: { host?: string } = {}): Promise<Run> {
    return this.start(args, extra, on).done;
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** The pids of a process and all its descendants (children first found by walking /proc). */
export async function processTree(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Exited while we looked.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** A machine dying under rds-echo: SIGKILL to it and every process it started (the Pulumi CLI, the provider). */
export async function killTree(pid: number): Promise<void> {
  for (const each of await processTree(pid)) {
    try {
      process.kill(each, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Polls `check` until it holds (or fails after `timeoutMs`), for outcomes another process brings about. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The lock files of the project's stacks on the checkout's file backend (`.pulumi/locks/<org>/rds-echo/<stack>/`). */
export function lockFiles(backendUrl: string): string[] {
  const root = path.join(backendUrl.replace(/^file:\/\//, ""), ".pulumi", "locks");
  const found: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (name.endsWith(".json")) found.push(full);
      else walk(full);
    }
  };
  walk(root);
  return found;
}

/** Whether a process still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The run, after checking it succeeded (its output is the failure message). */
export function ok(run: Run): Run {
  if (run.code !== 0) throw new Error(`rds-echo exited ${run.code}${run.signal ? ` (${run.signal})` : ""}\n${run.stdout}\n${run.stderr}`);
  return run;
}

/** Generations are named by the minute: waits for the next one before starting another. */
export async function nextMinute(): Promise<void> {
  const minute = Math.floor(Date.now() / 60_000);
  while (Math.floor(Date.now() / 60_000) === minute) await new Promise((resolve) => setTimeout(resolve, 500));
}
