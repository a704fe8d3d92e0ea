/**
 * The engine suite's one-time setup: the real Pulumi CLI (built from its Go module on first use), the stand-in aws
 * provider (compiled), moto (installed on first use, started on a free loopback port), and the pulumi shim. Under
 * CI=true a missing toolchain fails the suite: it never turns into a skip.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildProvider } from "../provider/build.js";
import { startMoto } from "./moto.js";
import { pulumiBinDir, pulumiVersion, writeShim } from "./pulumi.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binDir = pulumiBinDir();
  const providerBinDir = buildProvider().binDir;
  const moto = await startMoto();
  const shimRoot = mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-shim-"));
  const shimDir = writeShim(shimRoot, binDir);
  // The first line names what runs: which CLI, from where, and which moto.
  process.stdout.write(`engine suite: pulumi ${pulumiVersion(binDir)} (${path.join(binDir, "pulumi")}), moto ${moto.version}\n`);
  project.provide("engine", { motoEndpoint: moto.endpoint, motoEnv: { ...moto.env }, shimDir, providerBinDir, pulumiBinDir: binDir });
  return async () => {
    await moto.stop();
    rmSync(shimRoot, { recursive: true, force: true });
  };
}
