/** Ctrl-C and SIGTERM through the CLI: what a person (or cron's killer) sees, and the exit codes of the table. */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "../helpers/cli.js";
import { developmentYaml, writeExample } from "../helpers/definitions.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-signals-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts `up` on the sandbox at the real pace of a restore (it waits), sends the signal once it is waiting. */
function interrupted(signal: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, "up", "development", "--sandbox", "--yes", "--dir", dir], {
    env: { ...process.env, RDS_ECHO_SANDBOX_SPEED: "1", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let sent = false;
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    // The restore has begun: a real wait is under way.
    if (!sent && /elapsed/.test(stderr)) {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stderr })));
}

describe("signals (subprocess)", () => {
  it("SIGTERM while waiting for RDS: says nothing is half done and how to resume, exit 143", async () => {
    const { code, stderr } = await interrupted("SIGTERM");
    expect(stderr).toMatch(/SIGTERM: stopped; no Pulumi operation was in flight, so nothing is half done; rerun `rds-echo up development --sandbox --dir [^`]*` to resume/);
    expect(code).toBe(143);
  });

  it("Ctrl-C (SIGINT) while waiting: says it stopped, exit 130", async () => {
    const { code, stderr } = await interrupted("SIGINT");
    expect(code).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopped/);
  });
});
