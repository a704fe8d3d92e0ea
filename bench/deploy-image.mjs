#!/usr/bin/env node
// The container image's figures: its size, and `docker run … --help` against the host's `rds-echo --help`, both
// measured in this run (medians, after a warm-up), printed as wall times and ratios; nothing asserts a time.
// Starts the deploy suite's dockerd, builds the image as the deploy suite does (cached after the first time), stops
// the daemon after. Rerun with: npm run bench:deploy
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const scripts = path.join(root, "test/deploy/scripts");
const runs = Number(process.env.BENCH_RUNS ?? 7);

function sh(script, args, env = process.env) {
  return execFileSync("bash", [path.join(scripts, script), ...args], { encoding: "utf8", env, stdio: ["ignore", "pipe", "inherit"], timeout: 40 * 60_000 }).trim();
}

function time(file, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function medianOf(n, file, args, env) {
  time(file, args, env);
  const values = Array.from({ length: n }, () => time(file, args, env)).sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

const host = sh("dockerd.sh", ["start"]);
const env = { ...process.env, DOCKER_HOST: host };
try {
  const docker = sh("dockerd.sh", ["client"]);
  const image = sh("image.sh", [], env);
  const base = sh("base-image.sh", [], env);
  const size = (tag) => Number(execFileSync(docker, ["image", "inspect", "--format", "{{.Size}}", tag], { encoding: "utf8", env }).trim());
  const hostHelp = medianOf(runs, process.execPath, [path.join(root, "dist/cli/main.js"), "--help"], process.env);
  const run = (...args) => ["run", "--rm", "--network", "host", ...args];
  const containerNode = medianOf(runs, docker, run("--entrypoint", "node", image, "-e", "0"), env);
  const containerHelp = medianOf(runs, docker, run(image, "--help"), env);
  const rows = [
    ["image size", `${(size(image) / 1e6).toFixed(0)} MB`, `base ${(size(base) / 1e6).toFixed(0)} MB (the stand-in for ${base}); the real aws plugin adds its own size`],
    ["host: rds-echo --help", `${hostHelp.toFixed(0)} ms`, "baseline"],
    ["docker run image -e 0 (node only)", `${containerNode.toFixed(0)} ms`, `${(containerNode / hostHelp).toFixed(2)}x host --help: a container's start`],
    ["docker run image --help", `${containerHelp.toFixed(0)} ms`, `${(containerHelp / hostHelp).toFixed(2)}x host --help; ${(containerHelp - containerNode).toFixed(0)} ms over the container's start`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`deploy image bench (medians of ${runs} runs)\n`);
  for (const [what, value, note] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${value.padStart(8)}  ${note}\n`);
} finally {
  sh("dockerd.sh", ["stop"]);
}
