/**
 * moto, the AWS emulator that plays AWS in the engine suite: installed by test/engine/scripts/moto.sh into a venv
 * under .rds-echo/, started here on a free loopback port, stopped (with its whole process group) by `stop()`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Moto {
  /** e.g. http://127.0.0.1:40123: what AWS_ENDPOINT_URL is set to for every process of the suite. */
  readonly endpoint: string;
  readonly version: string;
  /** The environment every AWS client of the suite runs with: the endpoint, fake credentials, one region. */
  readonly env: Readonly<Record<string, string>>;
  /** Forgets every resource (moto's reset API), so a test starts from an empty account. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nobody listens on now (the OS picks it); moto binds it a moment later. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** The moto_server binary, installing it on first use (a pip install into .rds-echo/, a minute or two). */
export function motoServerPath(): string {
  return execFileSync("bash", [path.join(REPO_ROOT, "test/engine/scripts/moto.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export async function startMoto(region = "eu-west-1"): Promise<Moto> {
  const server = motoServerPath();
  const version = execFileSync(path.join(path.dirname(server), "python"), ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" }).trim();
  const port = await freePort();
  const child = spawn(server, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilServing(endpoint, child, () => log);
  const stop = () => stopGroup(child);
  return {
    endpoint,
    version,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
    },
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop,
  };
}

async function waitUntilServing(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopGroup(child);
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${log()}`);
}

/** SIGTERM to the whole group (moto's server may fork), SIGKILL if it lingers. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
