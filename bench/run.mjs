#!/usr/bin/env node
// rds-echo benchmarks. Every figure is measured in this run, against a baseline measured in this same run, and
// printed as a ratio or a wall time; nothing here asserts a time. Rerun with: npm run bench
import { spawnSync } from "node:child_process";
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

console.log(`rds-echo bench: median wall time, ${runs} runs (node ${process.version}, ${process.platform}/${process.arch})`);
for (const [name, ms, note] of rows) console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${note}`);
