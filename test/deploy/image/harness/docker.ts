/**
 * The deploy suite's own Docker daemon (test/deploy/scripts/dockerd.sh: Debian's docker.io, no bridge, no iptables,
 * its own socket and data root) and the docker client calls the image tests make against it.
 */
import { execFile, execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const SCRIPTS = path.join(REPO_ROOT, "test/deploy/scripts");

export interface Dockerd {
  /** unix://… of the daemon: DOCKER_HOST for every client call. */
  readonly host: string;
  /** The docker client that came with the daemon's package. */
  readonly client: string;
  stop(): void;
}

/** Starts the suite's dockerd (installing docker.io on a fresh machine); `stop()` stops it. */
export function startDockerd(): Dockerd {
  const script = path.join(SCRIPTS, "dockerd.sh");
  const host = execFileSync("bash", [script, "start"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 10 * 60_000 }).trim();
  const client = execFileSync("bash", [script, "client"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return { host, client, stop: () => execFileSync("bash", [script, "stop"], { stdio: ["ignore", "inherit", "inherit"], timeout: 60_000 }) };
}

/**
 * Builds deploy/image/Dockerfile with the local base image, CLI and stand-in plugin (test/deploy/scripts/image.sh)
 * and returns the image's tag. Minutes on a fresh machine, seconds when the build cache holds it.
 */
export function buildImage(dockerd: Dockerd): string {
  return execFileSync("bash", [path.join(SCRIPTS, "image.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DOCKER_HOST: dockerd.host },
    timeout: 40 * 60_000,
  }).trim();
}

export interface DockerResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One docker client call; its exit code is returned, not thrown, so a test can assert on a failure. */
export function docker(dockerd: Dockerd, args: readonly string[], timeoutMs = 120_000): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile(dockerd.client, args, { env: { ...process.env, DOCKER_HOST: dockerd.host }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr: error !== null && typeof error.code !== "number" ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

/** A docker call that must succeed: its stdout, or an error naming the call and what docker said. */
export async function dockerOk(dockerd: Dockerd, args: readonly string[], timeoutMs?: number): Promise<string> {
  const result = await docker(dockerd, args, timeoutMs);
  if (result.code !== 0) throw new Error(`docker ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
