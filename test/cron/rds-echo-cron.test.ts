/**
 * deploy/cron/rds-echo-cron, run the way cron runs it: `env -i` with only what a crontab sets (HOME, a bare PATH, the
 * secrets' file paths), on the sandbox. One run per echo (flock): a second run while the first holds the echo's lock
 * skips (exit 0, said), or waits with RDS_ECHO_CRON_WAIT; the time limit comes from the definition's timeouts.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, writeExample } from "../helpers/definitions.js";

const WRAPPER = path.join(REPO_ROOT, "deploy/cron/rds-echo-cron");

let dir: string;
let holders: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-cron-"));
  writeExample(dir);
  writeFileSync(path.join(dir, "master-password"), "Echo-Passw0rd-from-a-file\n");
});
afterEach(() => {
  for (const holder of holders.splice(0)) holder.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** What a crontab gives a job: nothing inherited, a bare PATH, the variables its lines set. */
function cronEnv(extra: Record<string, string> = {}): string[] {
  const vars = {
    HOME: dir,
    PATH: "/usr/bin:/bin",
    // Where node is on this machine, as a crontab line would say when it is not in /usr/bin or /usr/local/bin.
    RDS_ECHO_CRON_PATH: path.dirname(process.execPath),
    RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: path.join(dir, "master-password"),
    RDS_ECHO_SANDBOX_SPEED: "max",
    ...extra,
  };
  return ["-i", ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)];
}

function cron(args: readonly string[], extra: Record<string, string> = {}) {
  const r = spawnSync("env", [...cronEnv(extra), WRAPPER, "--dir", dir, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function startCron(args: readonly string[], extra: Record<string, string> = {}) {
  const child = spawn("env", [...cronEnv(extra), WRAPPER, "--dir", dir, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
  return new Promise<{ status: number | null; out: string }>((resolve) => child.once("close", (status) => resolve({ status, out })));
}

const lockFile = () => path.join(dir, ".rds-echo/cron/development.lock");
/** Whether some process holds the echo's lock now (flock exits 1 when it cannot take it at once). */
const lockHeld = () => existsSync(lockFile()) && spawnSync("flock", ["--nonblock", "--conflict-exit-code", "75", lockFile(), "true"]).status === 75;
/** The generations the sandbox's world knows (each name appears in it many times: instance, stack, tags). */
const generations = () => {
  const file = path.join(dir, ".rds-echo/sandbox.json");
  return existsSync(file) ? new Set(readFileSync(file, "utf8").match(/"development-\d{8}-\d{4}"/g) ?? []).size : 0;
};

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("rds-echo-cron under env -i", () => {
  it("runs `up` with --yes, the secret from its file, node found through the PATH it builds", () => {
    const r = cron(["development", "--sandbox", "--promote"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^new\s+development-\d{8}-\d{4}/m);
    expect(r.stdout).toMatch(/^promote\s+development-\d{8}-\d{4}\s+development\.db\.example\.com ->/m);
    expect(r.stdout + r.stderr).not.toContain("Echo-Passw0rd-from-a-file");
  });

  it("a second run while the first holds the echo's lock skips it (exit 0, said), and the first carries on", async () => {
    // Slow enough that the first run is still restoring when the second starts (a 90-minute restore in seconds).
    const first = startCron(["development", "--sandbox"], { RDS_ECHO_SANDBOX_SPEED: "1500" });
    await until(lockHeld, "the first run to take the lock");
    const second = cron(["development", "--sandbox"]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/rds-echo-cron: skipped development at .*: the run before it still holds .*development\.lock/);
    expect(second.stdout).toBe("");
    const done = await first;
    expect(done.status, done.out).toBe(0);
    expect(done.out).toMatch(/^new\s+development-/m);
    expect(generations()).toBe(1);
    expect(lockHeld()).toBe(false);
  });

  it("with RDS_ECHO_CRON_WAIT it waits for the lock instead, then runs", async () => {
    // Another holder of the echo's lock (the run before), which lets go after three seconds.
    mkdirSync(path.dirname(lockFile()), { recursive: true });
    const holder = spawn("flock", [lockFile(), "sleep", "3"], { stdio: "ignore" });
    holders.push(holder);
    await until(lockHeld, "the holder to take the lock");
    const skipped = cron(["development", "--sandbox"]);
    expect(skipped.stderr).toContain("skipped development");
    // Still held as the waiting run starts: it can only have run by waiting for the holder to let go.
    expect(lockHeld()).toBe(true);
    const waited = cron(["development", "--sandbox"], { RDS_ECHO_CRON_WAIT: "30" });
    expect(waited.status, waited.stderr).toBe(0);
    expect(waited.stdout).toMatch(/^new\s+development-/m);
  });
});

describe("rds-echo-cron --dry-run", () => {
  it("says the lock, a PATH with the project's and Pulumi's CLI directories, and a time limit of timeouts.create + timeouts.update + 1h", () => {
    const yaml = readFileSync(path.join(dir, "stacks/development.yaml"), "utf8").replace(/^timeouts:\n(  .*\n)*/m, "");
    writeFileSync(path.join(dir, "stacks/development.yaml"), `${yaml}\ntimeouts:\n  create: 30m\n`);
    writeFileSync(path.join(dir, "stacks/analytics.yaml"), `${yaml}\ntimeouts:\n  create: 2d\n  update: 1h\n`);
    const one = cron(["--dry-run", "development", "--promote"]);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toContain(`flock ${lockFile()} (wait 0s)`);
    expect(one.stdout).toContain(`${dir}/.rds-echo/pulumi/bin:${dir}/.pulumi/bin:/usr/local/bin:/usr/bin:/bin`);
    // 30m + 8h (the default update) + 1h.
    expect(one.stdout).toMatch(/timeout --signal=TERM --kill-after=5m 570m \S*node \S+\/dist\/cli\/main\.js up development --promote --yes --dir /);
    // --all: the longest of the echoes (2d + 1h + 1h), one lock for the fleet run.
    const all = cron(["--dry-run", "--all", "--parallel", "2"]);
    expect(all.stdout).toContain(path.join(dir, ".rds-echo/cron/all.lock"));
    expect(all.stdout).toContain(" 3000m ");
    expect(generations()).toBe(0);
  });

  it("no echo named, or a name that is a path: exit 2 before anything runs", () => {
    expect(cron(["--promote"]).status).toBe(2);
    const bad = cron(["../etc"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"../etc" is not an echo name');
  });
});
