/**
 * `run:` hooks: a command line run by /bin/sh in the definition's directory, with the connection in the standard
 * client environment variables. The password is only ever in the child's environment (never in argv, never in
 * output: the child's output is redacted before anyone sees it). rds-echo's own secrets are not passed on.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CommandResult, DatabaseConnection } from "../../ports.js";
import { redact } from "../../hooks/plan.js";

/** Environment variables a hook must not inherit: rds-echo's secrets and the Pulumi passphrase. */
const WITHHELD = [/^RDS_ECHO_SECRET_/, /^RDS_ECHO_SIGNER_/, /^PULUMI_CONFIG_PASSPHRASE/, /^RDS_ECHO_SANDBOX_POSTGRES$/, /^PG/, /^MYSQL_/];
const KILL_GRACE_MS = 5_000;

/** The child's connection variables: libpq's for PostgreSQL, the mysql client's for MySQL/MariaDB. */
export function connectionEnv(c: DatabaseConnection, caFile?: string): Record<string, string> {
  const tls: Record<string, string> = caFile ? { RDS_ECHO_CA_BUNDLE: caFile } : {};
  if (c.engine === "postgres") {
    return {
      PGHOST: c.host,
      PGPORT: String(c.port),
      PGUSER: c.user,
      PGPASSWORD: c.password,
      PGDATABASE: c.database,
      ...(caFile ? { PGSSLMODE: "verify-full", PGSSLROOTCERT: caFile } : { PGSSLMODE: "disable" }),
      ...tls,
    };
  }
  return { MYSQL_HOST: c.host, MYSQL_TCP_PORT: String(c.port), MYSQL_USER: c.user, MYSQL_PWD: c.password, MYSQL_DATABASE: c.database, ...tls };
}

export async function runCommand(c: DatabaseConnection, command: string, options: { timeoutMs: number; cwd: string }): Promise<CommandResult> {
  // libpq and the mysql client read CA certificates from a file: the bundle lives in a private directory for the run.
  const dir = c.tls ? await mkdtemp(path.join(tmpdir(), "rds-echo-hook-")) : undefined;
  try {
    const caFile = dir && c.tls ? path.join(dir, "ca.pem") : undefined;
    if (caFile && c.tls) await writeFile(caFile, c.tls.ca, { mode: 0o600 });
    const env = { ...inherited(process.env), ...connectionEnv(c, caFile) };
    return await spawnShell(command, options, env, c.password);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

function inherited(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !WITHHELD.some((w) => w.test(e[0]))));
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
