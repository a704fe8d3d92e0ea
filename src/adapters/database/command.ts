/**
 * `run:` hooks: a command line run by /bin/sh in the definition's directory, with the connection in the standard
 * client environment variables. The password is only ever in the child's environment (never in argv, never in
 * output: the child's output is redacted before anyone sees it). The rest of the environment is an allowlist
 * (hook-env.ts): no AWS credentials, Pulumi token or rds-echo secret reaches a hook unless the definition names it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CommandResult, DatabaseConnection } from "../../ports.js";
import { redact } from "../../hooks/plan.js";
import { hookEnv, mysqlOptionFile } from "./hook-env.js";

const KILL_GRACE_MS = 5_000;

export interface CommandOptions {
  readonly timeoutMs: number;
  readonly cwd: string;
  /** Variables of rds-echo's environment the hook also gets (`hooks.env`); nothing else is inherited but the basics. */
  readonly passEnv?: readonly string[];
}

export async function runCommand(c: DatabaseConnection, command: string, options: CommandOptions): Promise<CommandResult> {
  // libpq and the mysql client read CA certificates (and the mysql client its options) from files: they live in a
  // private directory for the run, removed after it.
  const dir = c.tls || c.engine === "mysql" ? await mkdtemp(path.join(tmpdir(), "rds-echo-hook-")) : undefined;
  try {
    const caFile = dir && c.tls ? path.join(dir, "ca.pem") : undefined;
    if (caFile && c.tls) await writeFile(caFile, c.tls.ca, { mode: 0o600 });
    const mysqlHome = dir && c.engine === "mysql" ? dir : undefined;
    if (mysqlHome) await writeFile(path.join(mysqlHome, "my.cnf"), mysqlOptionFile(c, caFile), { mode: 0o600 });
    const env = hookEnv(process.env, c, { ...(caFile ? { caFile } : {}), ...(mysqlHome ? { mysqlHome } : {}) }, options.passEnv);
    return await spawnShell(command, options, env, c.password);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function spawnShell(command: string, options: { timeoutMs: number; cwd: string }, env: Record<string, string>, password: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout stops the whole tree the command started.
    const child = spawn("/bin/sh", ["-c", command], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.stderr.on("data", (b: Buffer) => chunks.push(b));
    let timedOut = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS).unref();
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const output = redact(Buffer.concat(chunks).toString("utf8"), [password]);
      resolve({ ...(code !== null ? { exitCode: code } : {}), timedOut, output });
    });
  });
}
