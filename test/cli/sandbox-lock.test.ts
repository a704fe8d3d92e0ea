/**
 * Issue 21, item 6: the sandbox's world is one file; runs that change it are serialised by its lock
 * (src/adapters/sandbox/world-file.ts). Through the CLI as subprocesses, at a pace where the runs overlap.
 */
import { spawn } from "node:child_process";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, rdsEcho } from "../helpers/cli.js";
import { writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
/** A 90-minute restore takes about 5 s: long enough for a second process to start while the first one runs. */
const OVERLAP_SPEED = "1000";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-world-lock-"));
  writeExample(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Run {
  readonly pid: number;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves once stderr has shown a match of `pattern`. */
  said(pattern: RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function start(args: string[], speed: string): Run {
  const child = spawn(process.execPath, [CLI, ...args, "--dir", dir], { env: { ...process.env, ...env, RDS_ECHO_SANDBOX_SPEED: speed }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
    for (const w of waiters.filter((w) => w.pattern.test(stderr))) w.resolve();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return {
    pid: child.pid!,
    done,
    said: (pattern) => (pattern.test(stderr) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    kill: (signal) => child.kill(signal),
  };
}

async function world(): Promise<{ now: number; stacks: Record<string, { history: unknown[] }> }> {
  return JSON.parse(await readFile(path.join(dir, ".rds-echo/sandbox.json"), "utf8"));
}

describe("the sandbox's world lock (subprocesses)", () => {
  it("two `up --sandbox` started at the same moment: one runs, the other says busy (exit 0); nothing is lost", async () => {
    const runs = [start(["up", "development", "--sandbox", "--yes"], OVERLAP_SPEED), start(["up", "development", "--sandbox", "--yes"], OVERLAP_SPEED)];
    const results = await Promise.all(runs.map((r) => r.done));
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const busy = results.filter((r) => /^busy\s/m.test(r.stdout));
    const worked = results.filter((r) => /^new\s+development-/m.test(r.stdout));
    expect(busy.length, results.map((r) => r.stdout).join("\n---\n")).toBe(1);
    expect(worked.length).toBe(1);
    const other = runs[results.indexOf(worked[0]!)]!.pid;
    expect(busy[0]!.stdout).toContain(`another run is updating it: pid ${other} on ${os.hostname()}`);
    // Every update the working run made is in the stack's history: none was overwritten by the busy run.
    const stacks = Object.values((await world()).stacks);
    expect(stacks).toHaveLength(1);
    const steps = worked[0]!.stdout.split("\n").filter((l) => /^(new|modify|reboot|hooks)\s/.test(l)).length;
    expect(stacks[0]!.history.length).toBeGreaterThanOrEqual(steps - 1);
    const history = rdsEcho(["history", "development", "--sandbox", "--dir", dir, "--json"], { env });
    expect(history.status).toBe(0);
    // The lock is given up at the end: the next run is not busy.
    const next = rdsEcho(["up", "development", "--sandbox", "--yes", "--dir", dir], { env: { ...env, RDS_ECHO_SANDBOX_SPEED: "max" } });
    expect(next.stdout).not.toMatch(/^busy/m);
    expect(next.status).toBe(0);
  });

  it("`sandbox advance 2d` during a running `new` waits for it, then moves the clock: the advance is not lost", async () => {
    const before = Date.now();
    const creating = start(["new", "development", "--sandbox", "--yes"], OVERLAP_SPEED);
    await creating.said(/\+ aws:rds\/instance:Instance/);
    const advance = start(["sandbox", "advance", "2d"], "max");
    const [made, advanced] = await Promise.all([creating.done, advance.done]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^new\s+development-/m);
    expect(advanced.code).toBe(0);
    expect(advanced.stderr).toContain(`waiting for the sandbox: pid ${creating.pid}`);
    // The world starts at the real time; the restore took 90 simulated minutes; then two days were added.
    expect((await world()).now).toBeGreaterThanOrEqual(before + 2 * 86_400_000 + 90 * 60_000);
  });

  it("a run killed with -9 while it holds the world does not block the next one", async () => {
    const killed = start(["up", "development", "--sandbox", "--yes"], "100");
    await killed.said(/\+ aws:rds\/instance:Instance/);
    killed.kill("SIGKILL");
    await killed.done;
    const next = rdsEcho(["up", "development", "--sandbox", "--yes", "--dir", dir], { env: { ...env, RDS_ECHO_SANDBOX_SPEED: "max" } });
    expect(next.status).toBe(0);
    expect(next.stderr).toContain(`took over the sandbox's lock from pid ${killed.pid} on ${os.hostname()}`);
    expect(next.stdout).not.toMatch(/^busy/m);
    expect(next.stdout).toMatch(/^(resume|new|modify)\s/m);
  });
});
