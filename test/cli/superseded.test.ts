import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const CNAME = "development.db.example.com";

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--sandbox", "--dir", dir], { env });
}

function json<T = any>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** The instance the live CNAME names, from the sandbox's Route 53. */
function served(): string | undefined {
  const w = json(rdsEcho(["sandbox", "show", "--json", "--dir", dir], { env }));
  const target = w.zones.flatMap((z: any) => z.records).find((r: any) => r.name === CNAME)?.values[0];
  return w.instances.find((i: any) => i.address === target)?.id;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-superseded-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the CNAME never moves backwards (subprocesses on the sandbox)", () => {
  it("a rebooted generation overtaken by a newer promoted one is superseded: never promoted, shown, retired", () => {
    const first = json(cli("up", "development", "--yes", "--json"));
    const a = first.steps[0].generation as string;
    expect(first.steps.map((s: any) => s.step)).toEqual(["new", "modify", "reboot", "hooks"]);

    expect(rdsEcho(["sandbox", "advance", "21h", "--dir", dir], { env }).status).toBe(0);
    const b = json(cli("new", "development", "--force", "--yes", "--json")).steps[0].generation as string;
    const second = json(cli("up", "development", "--promote", "--yes", "--json"));
    expect(second.steps.map((s: any) => `${s.step} ${s.generation}`)).toEqual([`modify ${b}`, `reboot ${b}`, `hooks ${b}`, `promote ${b}`]);
    expect(served()).toBe(b);

    // A late `promote` (an approval arriving, a person) must not point the CNAME back at A.
    const late = cli("promote", "development", "--yes");
    expect(late.status).toBe(2);
    expect(late.stderr).toContain(`${a} is superseded by ${b}`);
    expect(late.stderr).toContain("would move the CNAME backwards");
    const cron = json(cli("up", "development", "--promote", "--yes", "--json"));
    expect(cron.steps).toEqual([]);
    expect(cron.waiting).toEqual([
      expect.objectContaining({ reason: `${a} (superseded by ${b}) can be retired`, next: expect.stringContaining("--retire") }),
      expect.objectContaining({ reason: expect.stringMatching(/^the next generation is due at /) }),
    ]);
    expect(served()).toBe(b);

    const status = json(cli("status", "development", "--json"));
    expect(status.generations).toMatchObject([
      { generation: a, stage: "superseded", supersededBy: b, serving: false },
      { generation: b, stage: "promoted", serving: true },
    ]);
    expect(cli("status", "development").stdout).toMatch(new RegExp(`${a}  superseded`));

    // Retired like a forgotten one (its deletion protection lifted first); B keeps serving.
    const retired = json(cli("up", "development", "--promote", "--retire", "--yes", "--json"));
    expect(retired.steps).toEqual([{ step: "retire", generation: a, detail: "final snapshot taken" }]);
    expect(served()).toBe(b);
    const after = json(cli("status", "development", "--all", "--json"));
    expect(after.generations).toMatchObject([{ generation: a, stage: "retired" }, { generation: b, stage: "promoted" }]);
  });
});
