#!/usr/bin/env node
// rds-echo benchmarks. Every figure is measured in this run, against a baseline measured in this same run, and
// printed as a ratio or a wall time; nothing here asserts a time. Rerun with: npm run bench
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist/cli/main.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);

/** Wall time of one command in milliseconds; fails loudly if the command fails. */
function time(args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: options.cwd ?? root, encoding: "utf8", env: { ...process.env, ...options.env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of `n` runs, interleaving nothing else: a warm-up run first so the file cache is equally hot for all. */
function medianOf(n, args, options) {
  time(args, options);
  return median(Array.from({ length: n }, () => time(args, options)));
}

const rows = [];
const baseline = medianOf(runs, ["-e", "0"]);
const help = medianOf(runs, [cli, "--help"]);
rows.push(["node -e 0 (baseline)", baseline, ""]);
rows.push(["rds-echo --help", help, `${(help / baseline).toFixed(2)}x baseline (goal <= 4x)`]);
const plan = medianOf(Math.max(3, Math.floor(runs / 3)), [cli, "plan", "development"]);
rows.push(["rds-echo plan development", plan, `${(plan / baseline).toFixed(2)}x baseline`]);

/** `rds-echo plan` with no echo plans every definition in one process: 50 copies of the example against one. */
const many = mkdtempSync(path.join(os.tmpdir(), "rds-echo-bench-plan-"));
mkdirSync(path.join(many, "stacks"));
// The example's hooks name its scrub file, which `plan` checks exists.
cpSync(path.join(root, "stacks/scrub"), path.join(many, "stacks/scrub"), { recursive: true });
const example = readFileSync(path.join(root, "stacks/development.yaml"), "utf8");
for (let i = 1; i <= 50; i++) writeFileSync(path.join(many, "stacks", `echo${String(i).padStart(2, "0")}.yaml`), example);
const planRuns = Math.max(3, Math.floor(runs / 3));
const planOne = medianOf(planRuns, [cli, "plan", "echo01", "--dir", many]);
const planAll = medianOf(planRuns, [cli, "plan", "--dir", many]);
rmSync(many, { recursive: true, force: true });
rows.push(["rds-echo plan (50 echoes, one process)", planAll, `${(planAll / planOne).toFixed(2)}x one echo (goal <= 3x)`]);

/**
 * `rds-echo up --all` over 50 settled echoes (each promoted, its next generation not due) on the sandbox, in one
 * process, against `up` of one of them in the same project: the cost of the fleet run over its echoes beyond the one.
 */
const fleet = mkdtempSync(path.join(os.tmpdir(), "rds-echo-bench-fleet-"));
mkdirSync(path.join(fleet, "stacks"));
cpSync(path.join(root, "stacks/scrub"), path.join(fleet, "stacks/scrub"), { recursive: true });
for (let i = 1; i <= 50; i++) {
  const echo = `echo${String(i).padStart(2, "0")}`;
  writeFileSync(path.join(fleet, "stacks", `${echo}.yaml`), example.replace(/development\.db\.example\.com/g, `${echo}.db.example.com`));
}
const fleetOptions = { cwd: fleet, env: { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "bench-only" } };
const settle = time([cli, "up", "--all", "--sandbox", "--promote", "--yes", "-q", "--dir", fleet], fleetOptions);
const upOne = medianOf(planRuns, [cli, "up", "echo01", "--sandbox", "--promote", "--yes", "-q", "--dir", fleet], fleetOptions);
const upAll = medianOf(planRuns, [cli, "up", "--all", "--sandbox", "--promote", "--yes", "-q", "--dir", fleet], fleetOptions);
rmSync(fleet, { recursive: true, force: true });
rows.push(["up --all (50 settled echoes, sandbox)", upAll, `${(upAll / upOne).toFixed(2)}x one echo (goal <= 3x); settling all 50 took ${(settle / 1000).toFixed(1)} s`]);

/**
 * The two-generation lifecycle through the CLI on the sandbox (A promoted; B promoted, A forgotten; A retired), as
 * separate processes the way cron would run them. Simulated waits take no real time (RDS_ECHO_SANDBOX_SPEED=max), so
 * this measures rds-echo itself: start-up, the real program under the mock runtime, the sandbox.
 */
function lifecycleOnce() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-bench-"));
  mkdirSync(path.join(dir, "stacks"));
  writeFileSync(path.join(dir, "stacks/development.yaml"), readFileSync(path.join(root, "stacks/development.yaml"), "utf8").replace("keep: 1", "keep: 0"));
  // The example's hooks name its scrub file (skipped here, with no PostgreSQL: the quick start's path).
  cpSync(path.join(root, "stacks/scrub"), path.join(dir, "stacks/scrub"), { recursive: true });
  const options = { cwd: dir, env: { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "bench-only" } };
  const steps = [
    ["up", "development", "--sandbox", "--promote", "--yes", "-q"],
    ["sandbox", "advance", "21h", "-q"],
    ["up", "development", "--sandbox", "--promote", "--yes", "-q"],
    ["sandbox", "advance", "5m", "-q"],
    ["retire", "development", "--sandbox", "--yes", "-q"],
  ];
  const total = steps.reduce((sum, args) => sum + time([cli, ...args], options), 0);
  rmSync(dir, { recursive: true, force: true });
  return total;
}
const lifecycle = median(Array.from({ length: 3 }, lifecycleOnce));
rows.push(["two-generation lifecycle, sandbox, 5 processes", lifecycle, `goal < 3000 ms; ${(lifecycle / baseline).toFixed(1)}x baseline`]);

/**
 * Polling on the sandbox's simulated clock: for changes of several durations, how late waitForAvailable noticed each
 * one (against the bound max(30 s, 10% of the time waited)) and how many DescribeDBInstances calls it made.
 */
async function pollingFigures() {
  const { parseDefinition } = await import(path.join(root, "dist/definition/load.js"));
  const { createSandbox, seededWorld } = await import(path.join(root, "dist/adapters/sandbox/index.js"));
  const { waitForAvailable } = await import(path.join(root, "dist/lifecycle/wait.js"));
  const definition = parseDefinition(readFileSync(path.join(root, "stacks/development.yaml"), "utf8"), "stacks/development.yaml", "development");
  const figures = [];
  for (const [label, ms] of [["6-minute modify", 6 * 60_000], ["90-minute restore", 90 * 60_000], ["28-hour restore", 28 * 3_600_000]]) {
    const sandbox = createSandbox(seededWorld(definition, new Date("2026-11-25T12:30:00Z")), { definitionFor: async () => definition });
    const id = "development-20261125-1230";
    const world = sandbox.world;
    world.rds.instances[id] = { ...world.rds.instances["production-db"], id, status: "creating", readyAt: world.now + ms };
    const readyAt = world.now + ms;
    const quiet = { step() {}, changes() {}, progress() {}, warn() {} };
    await waitForAvailable({ rds: sandbox.rds, clock: sandbox.clock, output: quiet }, id, { timeoutMs: 48 * 3_600_000 });
    figures.push({ label, lagS: (world.now - readyAt) / 1000, boundS: Math.max(30, ms / 10_000), calls: sandbox.faults.count("rds.DescribeDBInstances") });
  }
  return figures;
}
const polling = await pollingFigures();

/**
 * Aurora on the sandbox's simulated clock: how long `up` (without --promote) takes from nothing to a promotable
 * (rebooted) generation of stacks/analytics.yaml, restored from the latest cluster snapshot vs cloned copy-on-write.
 */
async function clusterFigures() {
  const { parseDefinition } = await import(path.join(root, "dist/definition/load.js"));
  const { createSandbox, seededWorld } = await import(path.join(root, "dist/adapters/sandbox/index.js"));
  const { up } = await import(path.join(root, "dist/lifecycle/up.js"));
  const text = readFileSync(path.join(root, "stacks/analytics.yaml"), "utf8");
  const figures = [];
  for (const from of ["latest-snapshot", "clone"]) {
    const definition = parseDefinition(text.replace(/from: clone\b/, `from: ${from}`), "stacks/analytics.yaml", "analytics");
    const sandbox = createSandbox(seededWorld(definition, new Date("2026-11-25T12:30:00Z")), { definitionFor: async () => definition });
    const quiet = { step() {}, changes() {}, progress() {}, warn() {} };
    const ports = { engine: sandbox.engine, rds: sandbox.rds, dns: sandbox.dns, approvals: sandbox.approvals, snapshots: sandbox.snapshots, clock: sandbox.clock, prompt: { interactive: false, confirm: async () => true }, output: quiet };
    const start = sandbox.world.now;
    const steps = await up({ ports, definition, options: { yes: true, force: false, secrets: { masterPassword: "bench-only-password" } } }, { promote: false, retire: false });
    figures.push({ from, minutes: (sandbox.world.now - start) / 60_000, steps: steps.map((s) => s.step).join(" ") });
  }
  return figures;
}
const clusters = await clusterFigures();

console.log(`rds-echo bench: median wall time, ${runs} runs (node ${process.version}, ${process.platform}/${process.arch})`);
for (const [name, ms, note] of rows) console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${note}`);
console.log("polling on the simulated clock (detection lag vs bound max(30 s, 10% of the wait); DescribeDBInstances calls, goal <= 200 for 28 h)");
for (const f of polling) console.log(`  ${f.label.padEnd(44)} lag ${f.lagS.toFixed(0).padStart(5)} s (bound ${f.boundS.toFixed(0)} s)  ${String(f.calls).padStart(4)} calls`);
console.log("Aurora on the simulated clock: time to promotable (new, modify, reboot) of stacks/analytics.yaml with 2 instances");
for (const f of clusters) console.log(`  ${`from: ${f.from}`.padEnd(44)} ${(f.minutes / 60).toFixed(2).padStart(8)} h  (${f.minutes.toFixed(0)} min; ${f.steps})`);
const [restore, clone] = clusters;
console.log(`  ${"clone vs restore".padEnd(44)} ${(restore.minutes / clone.minutes).toFixed(1).padStart(8)}x faster`);

/**
 * Pulumi CLI processes per command, through the real CLI and moto (the engine suite's harness and its counting
 * shim): builds or finds the CLI and moto as the engine suite does. BENCH_ENGINE=0 skips it.
 */
if (process.env.BENCH_ENGINE !== "0") {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), "rds-echo-bench-engine-")), "counts.json");
  const vitest = spawnSync(process.execPath, [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", "vitest.bench-engine.config.ts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, RDS_ECHO_BENCH_OUT: out },
  });
  const goals = {
    "status, 3 echoes x 5 generations": 1,
    "up --promote, nothing to do (settled)": 1,
    "up, nothing to do (waiting for --promote)": 1,
    "one stage move (modify)": 4,
    "up --all --promote: 50 settled echoes": 1,
  };
  console.log("Pulumi CLI processes per command (real CLI, moto; counted by a shim on PATH)");
  try {
    const figures = JSON.parse(readFileSync(out, "utf8"));
    for (const [label, { processes, commands, peakRssMb, peakProcesses, seconds }] of Object.entries(figures)) {
      // Many calls of one kind (`config refresh` x50) are counted, not listed.
      const counts = new Map();
      for (const c of commands) counts.set(c, (counts.get(c) ?? 0) + 1);
      const said = [...counts].map(([c, n]) => (n > 2 ? `${c} x${n}` : Array(n).fill(c).join(", "))).join(", ");
      const memory = peakRssMb !== undefined ? `; peak RSS of the process tree ${peakRssMb} MB (${peakProcesses} processes at most)${seconds !== undefined ? `, ${seconds} s` : ""}` : "";
      console.log(`  ${label.padEnd(44)} ${String(processes).padStart(3)}  (goal ${label in goals ? `<= ${goals[label]}` : "reported"}): ${said}${memory}`);
    }
  } catch {
    console.log(`  not measured: the engine harness failed (exit ${vitest.status})\n${(vitest.stdout + vitest.stderr).split("\n").slice(-30).join("\n")}`);
    process.exitCode = 1;
  }
  // test/engine/bench/listing.bench-engine.ts: status and up with 5 and 500 retired generations, listed and archived.
  console.log("Retired generations through the real CLI on file:// and on S3 in moto (median of 3 runs; archived = retire.archiveAfter)");
  try {
    const listing = JSON.parse(readFileSync(path.join(path.dirname(out), "listing.json"), "utf8"));
    for (const [label, { ms, processes, commands }] of Object.entries(listing)) {
      const figure = ms !== undefined ? `${String(ms).padStart(6)} ms ${String(processes).padStart(3)} processes` : processes ? `${String(processes).padStart(9)} processes` : "";
      console.log(`  ${label.padEnd(50)} ${figure}  ${ms === undefined && !processes ? commands.join(", ") : commands.slice(0, 8).join(", ")}`);
    }
  } catch {
    console.log("  not measured: the listing bench did not write its figures");
    process.exitCode = 1;
  } finally {
    rmSync(path.dirname(out), { recursive: true, force: true });
  }
}
