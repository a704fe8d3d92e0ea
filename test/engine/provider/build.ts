/**
 * Compiles the stand-in provider (test/engine/provider/*.ts) into .rds-echo/engine/provider/ with tsc, only when a
 * source is newer than the last build, and returns the directory to put first on PATH so the Pulumi CLI finds
 * `pulumi-resource-aws`. Idempotent: a second call with nothing changed costs a few stat calls.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SOURCE_DIR, "../../..");
const OUT_DIR = path.join(REPO_ROOT, ".rds-echo/engine/provider");
const STAMP = path.join(OUT_DIR, ".built");

export interface ProviderBuild {
  /** Put this first on PATH: it holds `pulumi-resource-aws`. */
  readonly binDir: string;
  /** The compiled entry point the bin script runs. */
  readonly entry: string;
  /** False when the previous build was still current. */
  readonly compiled: boolean;
}

function newestSourceMtime(): number {
  const sources = readdirSync(SOURCE_DIR)
    .filter((name) => (name.endsWith(".ts") && !name.endsWith(".test.ts")) || name === "tsconfig.json")
    .map((name) => path.join(SOURCE_DIR, name));
  sources.push(path.join(SOURCE_DIR, "bin/pulumi-resource-aws"), path.join(REPO_ROOT, "tsconfig.json"));
  return Math.max(...sources.map((file) => statSync(file).mtimeMs));
}

export function buildProvider(): ProviderBuild {
  const entry = path.join(OUT_DIR, "main.js");
  const binDir = path.join(SOURCE_DIR, "bin");
  const current = existsSync(STAMP) && existsSync(entry) && statSync(STAMP).mtimeMs >= newestSourceMtime();
  if (!current) {
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", path.join(SOURCE_DIR, "tsconfig.json")], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    writeFileSync(STAMP, new Date().toISOString());
  }
  return { binDir, entry, compiled: !current };
}
