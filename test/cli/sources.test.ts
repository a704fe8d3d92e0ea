import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const EXAMPLES = path.join(REPO_ROOT, "stacks/examples");

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

function json<T = any>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface Snapshot {
  id: string;
  status: string;
  account?: string;
  tags?: Record<string, string>;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-sources-"));
  await mkdir(path.join(dir, "stacks"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("where the data comes from, through the CLI on the sandbox (subprocess)", () => {
  it("plans every example in stacks/examples, offline", async () => {
    const examples = (await readdir(EXAMPLES)).filter((f) => f.endsWith(".yaml"));
    expect(examples.sort()).toEqual(["cross-account.yaml", "fresh.yaml", "point-in-time.yaml", "shared-copy.yaml"]);
    for (const file of examples) await copyFile(path.join(EXAMPLES, file), path.join(dir, "stacks", file));
    // Every stage is checked in test/program/sources.test.ts; here the CLI, at the first stage and the busiest one.
    for (const stage of ["new", "promoted"]) {
      const plans = json<{ plans: { echo: string; snapshot: string }[]; problems: unknown[] }>(cli("plan", "--stage", stage, "--json"));
      expect(plans.problems).toEqual([]);
      expect(plans.plans.map((p) => p.echo).sort()).toEqual(["cross-account", "fresh", "point-in-time", "shared-copy"]);
    }
    for (const file of examples) await rm(path.join(dir, "stacks", file));
  });

  it("new-snapshot: up shows the snapshot made first and its wait; retire deletes it after the next generation", async () => {
    // The example, keeping no snapshot and no forgotten generation, so the first retire cleans up.
    const example = await readFile(path.join(EXAMPLES, "fresh.yaml"), "utf8");
    await writeFile(path.join(dir, "stacks/fresh.yaml"), example.replace("  keep: 1\n", "  keep: 0\n").replace(/retire:\n {2}keep: 1/, "retire:\n  keep: 0"));
    const up = cli("up", "fresh", "--sandbox", "--promote", "--yes", "--json");
    const a = json<{ steps: { step: string; generation: string }[] }>(up).steps[0]!.generation;
    expect(up.stderr).toContain(`+ rds:snapshot  ${a}-source (snapshot of production-db)`);
    expect(up.stderr).toContain(`snapshot production-db now: ${a}-source (tens of minutes)`);
    expect(up.stderr).toContain(`${a}-source is available after 35 min`);
    const made = () => json<{ snapshots: Snapshot[] }>(cli("sandbox", "show", "--json")).snapshots.filter((s) => s.tags?.["echo:made"]);
    expect(made()).toEqual([expect.objectContaining({ id: `${a}-source`, status: "available", tags: { "echo:managed": "fresh", "echo:generation": a, "echo:made": "snapshot" } })]);

    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    const b = json<{ steps: { generation: string }[] }>(cli("up", "fresh", "--sandbox", "--promote", "--retire", "--yes", "--json")).steps[0]!.generation;
    expect(cli("sandbox", "advance", "2m").status).toBe(0);
    const retire = cli("up", "fresh", "--sandbox", "--retire", "--yes", "--json");
    expect(retire.stderr).toContain(`- rds:snapshot  ${a}-source`);
    expect(json<{ steps: { step: string; detail: string }[] }>(retire).steps).toEqual([expect.objectContaining({ step: "retire", detail: `final snapshot taken; deleted ${a}-source` })]);
    expect(made().map((s) => s.id)).toEqual([`${b}-source`]);
  });

  it("refuses a source that cannot work before any cloud call, exit 2, naming the key", async () => {
    await writeFile(path.join(dir, "stacks/broken.yaml"), "region: eu-west-1\nsource:\n  instance: production-db\n  from: point-in-time\n  copy: { kmsKeyId: arn:aws:kms:eu-west-1:123456789012:key/k }\ninstance:\n  class: db.t3.medium\n");
    const r = cli("up", "broken", "--sandbox", "--yes");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/source\.copy \(line 5\): cannot be used with from: point-in-time/);
    await rm(path.join(dir, "stacks/broken.yaml"));
  });
});
