/**
 * Real database servers for the database suite: a throwaway PostgreSQL (and MariaDB) cluster in a temp directory on a
 * free loopback port, started as an unprivileged user when the suite runs as root (both servers refuse root), and
 * stopped and removed afterwards. The binaries come from test/db/scripts/*.sh, which install Debian's packages when
 * they are missing.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../scripts");

export interface RunningServer {
  readonly url: string;
  readonly password: string;
  /** With TLS: the server's certificate and key files; rewrite them and run `FLUSH SSL` to change its certificate. */
  readonly tlsFiles?: { readonly cert: string; readonly key: string };
  stop(): Promise<void>;
}

/** A server certificate (and its key) in PEM, and the CA that signed it. */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** The account servers run as: ourselves, or (as root) `postgres`/`mysql` when they exist, else `nobody`. */
function account(preferred: string): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of [preferred, "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name]).toString().trim());
      const gid = Number(execFileSync("id", ["-g", name]).toString().trim());
      return { uid, gid, name };
    } catch {
      // no such user; try the next
    }
  }
  throw new Error("running as root and no unprivileged account to run the database server as");
}

/** argv prefixed so it runs as the account (setpriv keeps our environment and needs no PAM session). */
function as(user: ReturnType<typeof account>, argv: string[]): [string, string[]] {
  if (!user) return [argv[0]!, argv.slice(1)];
  return ["setpriv", [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", ...argv]];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function scratch(prefix: string, user: ReturnType<typeof account>): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  return dir;
}

export async function startPostgres(): Promise<RunningServer> {
  const bin = execFileSync("sh", [path.join(SCRIPTS, "postgres.sh")], { stdio: ["ignore", "pipe", "inherit"] }).toString().trim();
  const user = account("postgres");
  const dir = scratch("rds-echo-pg-", user);
  const password = randomBytes(12).toString("hex");
  const data = path.join(dir, "data");
  const pwfile = path.join(dir, "pw");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  const run = (argv: string[]) => {
    const [cmd, args] = as(user, argv);
    execFileSync(cmd, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  };
  try {
    run([path.join(bin, "initdb"), "-D", data, "-U", "echo_admin", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-sync"]);
    rmSync(pwfile);
    const port = await freePort();
    run([path.join(bin, "pg_ctl"), "-D", data, "-l", path.join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
    return {
      url: `postgres://echo_admin:${password}@127.0.0.1:${port}/postgres`,
      password,
      stop: async () => {
        try {
          run([path.join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function startMariadb(options: { tls?: ServerTls } = {}): Promise<RunningServer> {
  const bin = execFileSync("sh", [path.join(SCRIPTS, "mariadb.sh")], { stdio: ["ignore", "pipe", "inherit"] }).toString().trim();
  const user = account("mysql");
  const dir = scratch("rds-echo-maria-", user);
  const data = path.join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  const [installCmd, installArgs] = as(user, ["mariadb-install-db", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db"]);
  execFileSync(installCmd, installArgs, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const init = path.join(dir, "init.sql");
  writeFileSync(init, `CREATE USER 'echo_admin'@'%' IDENTIFIED BY '${password}';\nGRANT ALL ON *.* TO 'echo_admin'@'%' WITH GRANT OPTION;\nCREATE DATABASE app;\n`, { mode: 0o600 });
  if (user) chownSync(init, user.uid, user.gid);
  const tlsFiles = options.tls ? { cert: path.join(dir, "server.pem"), key: path.join(dir, "server.key"), ca: path.join(dir, "ca.pem") } : undefined;
  if (options.tls && tlsFiles) {
    for (const [file, text] of [[tlsFiles.cert, options.tls.cert], [tlsFiles.key, options.tls.key], [tlsFiles.ca, options.tls.ca]] as const) {
      writeFileSync(file, text, { mode: 0o600 });
      if (user) chownSync(file, user.uid, user.gid);
    }
  }
  const tlsArgs = tlsFiles ? [`--ssl-cert=${tlsFiles.cert}`, `--ssl-key=${tlsFiles.key}`, `--ssl-ca=${tlsFiles.ca}`] : [];
  const [cmd, args] = as(user, [path.join(bin, "mariadbd"), "--no-defaults", `--datadir=${data}`, `--port=${port}`, "--bind-address=127.0.0.1", `--socket=${path.join(dir, "sock")}`, `--pid-file=${path.join(dir, "pid")}`, `--init-file=${init}`, "--skip-log-bin", ...tlsArgs]);
  const child: ChildProcess = spawn(cmd, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it accepts TCP connections.
  for (let i = 0; i < 100; i++) {
    if (/ready for connections/.test(log)) return { url: `mysql://echo_admin:${password}@127.0.0.1:${port}/app`, password, stop, ...(tlsFiles ? { tlsFiles } : {}) };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`mariadbd did not start:\n${log}`);
}
