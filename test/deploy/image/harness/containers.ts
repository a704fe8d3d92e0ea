/**
 * rds-echo runs in containers of the image, as a scheduler would start them: `--network host` (the daemon has no
 * bridge; moto listens on the host's loopback), definitions mounted read-only at /rds-echo/stacks, secrets as files
 * mounted at /run/secrets, and only their paths in the environment. Every container gets a name of its own and a
 * hostname (another host per container, as under a scheduler); `removeAll()` removes whatever a test left.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { docker, REPO_ROOT, type Dockerd } from "./docker.js";

export const PASSPHRASE = "deploy-suite-passphrase";
export const MASTER_PASSWORD = "s3cret-Echo-Passw0rd-7e1f";

export interface ContainerRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** The container's hostname: the host a lease names. */
  readonly hostname: string;
  /** More environment (RDS_ECHO_LEASE_TTL, the stand-in's slow-down knobs). */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the container after it exits (for `docker diff`); removed by removeAll(). */
  readonly keep?: boolean;
}

/** The containers of one test file: one secrets directory, one backend, one moto. */
export class Containers {
  readonly #secrets = mkdtempSync(path.join(os.tmpdir(), "rds-echo-deploy-secrets-"));
  readonly #names: string[] = [];
  #count = 0;

  constructor(
    private readonly dockerd: Dockerd,
    private readonly image: string,
    private readonly motoEnv: Readonly<Record<string, string>>,
    private readonly stacks = path.join(REPO_ROOT, "test/engine/fixtures/stacks"),
  ) {
    // As Kubernetes mounts a Secret: one file per key, readable by the container's user (uid 1000, not the owner).
    writeFileSync(path.join(this.#secrets, "pulumi-passphrase"), PASSPHRASE);
    writeFileSync(path.join(this.#secrets, "master-password"), MASTER_PASSWORD);
    for (const file of ["pulumi-passphrase", "master-password"]) chmodSync(path.join(this.#secrets, file), 0o644);
    chmodSync(this.#secrets, 0o755);
  }

  /** `docker run` arguments for rds-echo `args` on this backend. */
  runArgs(name: string, backendUrl: string, args: readonly string[], options: RunOptions): string[] {
    const env: Record<string, string> = {
      ...this.motoEnv,
      PULUMI_BACKEND_URL: backendUrl,
      PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pulumi-passphrase",
      RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: "/run/secrets/master-password",
      ...options.env,
    };
    return [
      "run",
      ...(options.keep ? [] : ["--rm"]),
      "--name", name,
      "--hostname", options.hostname,
      "--network", "host",
      "-v", `${this.stacks}:/rds-echo/stacks:ro`,
      "-v", `${this.#secrets}:/run/secrets:ro`,
      ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
      this.image,
      ...args,
    ];
  }

  /** Starts a container running `rds-echo <args>`; `done` resolves when `docker run` returns (its exit code is the container's). */
  start(backendUrl: string, args: readonly string[], options: RunOptions): { name: string; done: Promise<ContainerRun> } {
    const name = `rds-echo-deploy-${process.pid}-${++this.#count}`;
    this.#names.push(name);
    const child = spawn(this.dockerd.client, this.runArgs(name, backendUrl, args, options), {
      env: { ...process.env, DOCKER_HOST: this.dockerd.host },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const done = new Promise<ContainerRun>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
    return { name, done };
  }

  run(backendUrl: string, args: readonly string[], options: RunOptions): Promise<ContainerRun> {
    return this.start(backendUrl, args, options).done;
  }

  /** Removes every container this file started (running or not), then the secrets directory. */
  async removeAll(): Promise<void> {
    for (const name of this.#names.splice(0)) await docker(this.dockerd, ["rm", "-f", name]);
    rmSync(this.#secrets, { recursive: true, force: true });
  }
}

/** The run, after checking it succeeded (its output is the failure message). */
export function ok(run: ContainerRun): ContainerRun {
  if (run.code !== 0) throw new Error(`the container exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}
