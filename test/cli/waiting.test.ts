import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-waiting-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml.replace("keep: 1", "keep: 0"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("every 'nothing to do' says what waits and what would move it (subprocesses on the sandbox)", () => {
  it("a rebooted generation that cron does not promote is named, with the flag that would move it", () => {
    expect(cli("up", "development", "--sandbox", "--yes").status).toBe(0);
    const text = cli("up", "development", "--sandbox", "--yes");
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^development: nothing to do\nwaiting  development-\d{8}-\d{4}  rebooted, ready to be promoted; to move it: rerun with --promote/);
    const preview = JSON.parse(cli("preview", "development", "--sandbox", "--json").stdout);
    expect(preview).toMatchObject({ changes: [], waiting: [{ reason: "rebooted, ready to be promoted", next: expect.stringContaining("--promote") }] });
    expect(cli("preview", "development", "--sandbox").stdout).toMatch(/^development: nothing to do\nwaiting {2}development-/);
  });

  it("retire within the CNAME's TTL waits (exit 0) and says when it can go; later it does", () => {
    expect(cli("up", "development", "--sandbox", "--yes", "--promote").status).toBe(0);
    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    const flip = JSON.parse(cli("up", "development", "--sandbox", "--yes", "--promote", "--json").stdout);
    const forgotten = flip.steps.find((s: { step: string }) => s.step === "forget").generation;
    const early = cli("retire", "development", "--sandbox", "--yes", "--json");
    expect(early.status, early.stderr).toBe(0);
    expect(JSON.parse(early.stdout).steps).toEqual([
      { step: "wait", generation: forgotten, detail: expect.stringMatching(/less than the CNAME's TTL \(60 s\).*can be retired after \d{4}-/) },
    ]);
    expect(cli("sandbox", "advance", "2m").status).toBe(0);
    expect(JSON.parse(cli("retire", "development", "--sandbox", "--yes", "--json").stdout).steps).toMatchObject([{ step: "retire", generation: forgotten }]);
  });
});
