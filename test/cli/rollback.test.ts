import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYamlWithoutHooks } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const CNAME = "development.db.example.com";

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

function json<T = any>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface World {
  instances: { id: string; status: string; address: string; stage?: string; tags: Record<string, string> }[];
  zones: { records: { name: string; values: string[] }[] }[];
}

const world = () => json<World>(cli("sandbox", "show", "--json"));
/** The CNAME's target in the sandbox's Route 53. */
const target = (w: World) => w.zones.flatMap((z) => z.records).find((r) => r.name === CNAME)?.values[0];
const address = (w: World, id: string) => w.instances.find((i) => i.id === id)?.address;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-rollback-"));
  await mkdir(path.join(dir, "stacks"));
  // keep: 1, as shipped: the forgotten generation a rollback goes back to. Without the example's hooks: this is
  // about the flip, and hooks would add a step of their own (skipped on the sandbox without PostgreSQL).
  await writeFile(path.join(dir, "stacks/development.yaml"), developmentYamlWithoutHooks);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("rollback through the CLI on the sandbox (subprocess)", () => {
  let a: string;
  let b: string;

  it("after a bad promotion, points the CNAME back at the previous generation's endpoint", () => {
    a = json(cli("up", "development", "--sandbox", "--promote", "--yes", "--json")).steps[0].generation;
    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    b = json(cli("up", "development", "--sandbox", "--promote", "--yes", "--json")).steps[0].generation;
    const before = world();
    expect(target(before)).toBe(address(before, b));

    // Without a TTY and without --yes nothing moves; --preview shows the flip and changes nothing.
    const unconfirmed = cli("rollback", "development", "--sandbox");
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toMatch(/rerun with --yes/);
    const preview = cli("rollback", "development", "--sandbox", "--preview");
    expect(preview.status, preview.stderr).toBe(0);
    expect(preview.stderr).toContain(`${CNAME}: ${address(before, b)} -> ${address(before, a)}`);
    expect(target(world())).toBe(address(before, b));

    const rolled = json(cli("rollback", "development", "--sandbox", "--yes", "--json"));
    expect(rolled.steps.map((s: { step: string; generation: string }) => `${s.step} ${s.generation}`)).toEqual([`rollback ${a}`, `forget ${b}`]);
    const after = world();
    expect(target(after)).toBe(address(after, a));
    expect(after.instances.find((i) => i.id === a)).toMatchObject({ status: "available", stage: "promoted" });
    expect(after.instances.find((i) => i.id === b)).toMatchObject({ status: "available", stage: "forgotten", tags: { "echo:rolled-back": a } });

    const history = cli("history", "development", "--sandbox");
    expect(history.stdout).toContain(`rollback development: ${b} -> ${a}`);
    const status = cli("status", "development", "--sandbox");
    expect(status.stdout).toContain(`(rolled back to ${a})`);
  });

  it("refuses (exit 2, nothing changed) a second rollback, an unknown or malformed --to, and a promoted target", () => {
    const served = target(world());
    const again = cli("rollback", "development", "--sandbox", "--yes");
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`no forgotten generation of development to go back to \\(${b} was rolled back from`));
    const unknown = cli("rollback", "development", "--sandbox", "--yes", "--to", "development-20200101-0000");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/is not a generation of development/);
    const malformed = cli("rollback", "development", "--sandbox", "--yes", "--to", "production-20200101-0000");
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toMatch(/--to "production-20200101-0000" is not a generation of development/);
    const current = cli("rollback", "development", "--sandbox", "--yes", "--to", a);
    expect(current.status).toBe(2);
    expect(current.stderr).toMatch(/is promoted already/);
    expect(target(world())).toBe(served);
  });

  it("up --promote never re-promotes the rolled-back generation; the next one comes when the guard allows", () => {
    const first = json(cli("up", "development", "--sandbox", "--promote", "--yes", "--json"));
    expect(first.steps.filter((s: { step: string }) => s.step === "promote" || s.step === "new")).toEqual([]);
    expect(target(world())).toBe(address(world(), a));

    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    const next = json(cli("up", "development", "--sandbox", "--promote", "--retire", "--yes", "--json"));
    const c = next.steps[0].generation;
    expect(next.steps.map((s: { step: string; generation: string }) => `${s.step} ${s.generation}`)).toEqual([
      `new ${c}`,
      `modify ${c}`,
      `reboot ${c}`,
      `promote ${c}`,
      `forget ${a}`,
      // The rolled-back generation is no rollback target: retired, while keep: 1 keeps A for the next rollback.
      `retire ${b}`,
    ]);
    const w = world();
    expect(target(w)).toBe(address(w, c));
    expect(w.instances.find((i) => i.id === b)).toBeUndefined();
    expect(w.instances.find((i) => i.id === a)).toMatchObject({ stage: "forgotten" });
  });
});
