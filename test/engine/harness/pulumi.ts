/**
 * The real Pulumi CLI for the engine suite, and a `pulumi` shim put first on PATH that records every invocation
 * (its arguments, for the secrets check, and its count, for the processes-per-command figures) and then execs the
 * real binary with the same arguments.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./moto.js";

/** The directory of the real `pulumi` binary, built from its Go module on first use (minutes), cached after. */
export function pulumiBinDir(): string {
  return execFileSync("bash", [path.join(REPO_ROOT, "test/engine/scripts/pulumi-cli.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 40 * 60_000,
  }).trim();
}

export function pulumiVersion(binDir: string): string {
  return execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
}

/** One recorded CLI invocation. */
export interface ShimCall {
  readonly argv: readonly string[];
  readonly pid: number;
  readonly ppid: number;
}

/**
 * Writes the shim into `dir`: a shell script that appends one JSON line per call to `$RDS_ECHO_SHIM_LOG` (node
 * writes it, so any argument is quoted right) and execs the real binary, which keeps the shim's pid, so a signal
 * sent to "the CLI" reaches it.
 */
export function writeShim(dir: string, realBinDir: string): string {
  mkdirSync(dir, { recursive: true });
  const shim = path.join(dir, "pulumi");
  writeFileSync(
    shim,
    `#!/usr/bin/env bash
if [ -n "\${RDS_ECHO_SHIM_LOG:-}" ]; then
  P=$$ PP=$PPID node -e 'process.stdout.write(JSON.stringify({argv: process.argv.slice(1), pid: Number(process.env.P), ppid: Number(process.env.PP)}) + "\\n")' -- "$@" >> "$RDS_ECHO_SHIM_LOG"
fi
exec ${JSON.stringify(path.join(realBinDir, "pulumi"))} "$@"
`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

export function readShimLog(file: string): ShimCall[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ShimCall);
}
