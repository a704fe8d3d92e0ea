import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const DAY = 86_400_000;

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-sandbox-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the sandbox's production source (subprocesses)", () => {
  it("takes an automated snapshot every simulated day, keeps the last 7, and each new generation restores the newest", () => {
    const first = JSON.parse(cli("up", "development", "--sandbox", "--promote", "--yes", "--json").stdout);
    const firstSnapshot = /restored from (\S+)/.exec(first.steps[0].detail)![1]!;
    expect(cli("sandbox", "advance", "3d").status).toBe(0);
    const world = JSON.parse(cli("sandbox", "show", "--json").stdout);
    const automated = world.snapshots.filter((s: { instance: string; type: string }) => s.instance === "production-db" && s.type === "automated");
    expect(automated).toHaveLength(7);
    const newest = automated.reduce((a: { createdAt: string }, b: { createdAt: string }) => (a.createdAt > b.createdAt ? a : b));
    expect(Date.parse(world.now) - Date.parse(newest.createdAt)).toBeLessThan(DAY);

    const second = JSON.parse(cli("up", "development", "--sandbox", "--promote", "--yes", "--json").stdout);
    expect(second.steps[0].detail).toBe(`restored from ${newest.id}`);
    expect(newest.id > firstSnapshot).toBe(true);
  });
});
