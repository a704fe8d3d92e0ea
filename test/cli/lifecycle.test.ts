import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
// The sandbox at full speed: simulated waits take no real time.
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
  instances: { id: string; status: string; address: string; stage?: string }[];
  zones: { records: { name: string; values: string[] }[] }[];
  stacks: { name: string; resources: number; history: number }[];
  snapshots: { id: string; instance: string }[];
}

function world(): World {
  return json<World>(cli("sandbox", "show", "--json"));
}

/** The CNAME's target, and a check that it names an existing, available instance. */
function servedInstance(w: World) {
  const target = w.zones.flatMap((z) => z.records).find((r) => r.name === CNAME)?.values[0];
  const instance = w.instances.find((i) => i.address === target);
  expect(instance, `CNAME -> ${target}`).toBeDefined();
  expect(instance?.status).toBe("available");
  return instance!;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-lifecycle-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml.replace("keep: 1", "keep: 0"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the lifecycle through the CLI on the sandbox (subprocess)", () => {
  it("runs two generations: A promoted; B promoted and A forgotten; A retired", () => {
    const up = cli("up", "development", "--sandbox", "--promote", "--yes", "--json");
    // The password went into the generation (stack config, instance): never into what a person or a log sees.
    expect(up.stdout + up.stderr).not.toContain(env.RDS_ECHO_SECRET_MASTER_PASSWORD);
    // The confirmation shows values, old -> new, per changed input; a secret only as [secret].
    expect(up.stderr).toContain("      password: (unset) -> [secret]");
    expect(up.stderr).toContain("      parameterGroupName: (unset) -> development-postgres16");
    expect(up.stderr).toContain('      tags["echo:stage"]: new -> modified');
    const first = json<{ steps: { step: string; generation: string }[] }>(up);
    expect(first.steps.map((s) => s.step)).toEqual(["new", "modify", "reboot", "hooks", "promote"]);
    // The example's hooks cannot run without a database: said loudly, recorded, and the lifecycle goes on.
    expect(up.stderr).toMatch(/warning: HOOKS SKIPPED on development-\d{8}-\d{4}: no database to run them on \(the sandbox without RDS_ECHO_SANDBOX_POSTGRES\)\. Its data is NOT scrubbed\./);
    expect(up.stderr).toMatch(/warning: beforePromote checks SKIPPED on development-\d{8}-\d{4}/);
    const a = first.steps[0]!.generation;
    let w = world();
    expect(servedInstance(w).id).toBe(a);
    expect(w.instances.find((i) => i.id === a)?.stage).toBe("promoted");

    const status = json<{ servedBy: string; generations: { generation: string; stage: string; serving: boolean }[] }>(cli("status", "development", "--sandbox", "--json"));
    expect(status.servedBy).toBe(a);
    expect(status.generations).toMatchObject([{ generation: a, stage: "promoted", serving: true }]);

    const again = cli("up", "development", "--sandbox", "--promote", "--yes");
    expect(again.status).toBe(0);
    // Nothing to do, and why: the next generation is not due yet, and when it will be.
    expect(again.stdout).toMatch(/^development: nothing to do\nwaiting  the next generation is due at \S+ \(guard\.minAgeHours: 20 h after development-\d{8}-\d{4}\); to move it: /);
    expect(again.stderr).not.toContain("nothing to do");

    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    const secondRun = cli("up", "development", "--sandbox", "--promote", "--yes", "--json");
    // The demotion's diff says the record only leaves A's stack: the live CNAME is not deleted.
    expect(secondRun.stderr).toMatch(/- aws:route53\/record:Record {2}cname {2}\(retained: leaves this stack only; the live resource stays\)/);
    const second = json<{ steps: { step: string; generation: string }[] }>(secondRun);
    const b = second.steps[0]!.generation;
    // The flip, as a person reads it before confirming: the name, where it points now, where it will point.
    const addressOf = (id: string) => w.instances.find((i) => i.id === id)!.address;
    w = world();
    expect(secondRun.stderr).toContain(`  ~ ${CNAME}: ${addressOf(a)} -> ${addressOf(b)}`);
    expect(second.steps.map((s) => `${s.step} ${s.generation}`)).toEqual([`new ${b}`, `modify ${b}`, `reboot ${b}`, `hooks ${b}`, `promote ${b}`, `forget ${a}`]);
    w = world();
    expect(servedInstance(w).id).toBe(b);
    expect(w.instances.find((i) => i.id === a)).toMatchObject({ status: "available", stage: "forgotten" });

    expect(cli("sandbox", "advance", "5m").status).toBe(0);
    const retired = json<{ steps: { step: string; generation: string }[] }>(cli("retire", "development", "--sandbox", "--yes", "--json"));
    expect(retired.steps).toEqual([{ step: "retire", generation: a, detail: "final snapshot taken" }]);
    w = world();
    expect(servedInstance(w).id).toBe(b);
    expect(w.instances.map((i) => i.id)).not.toContain(a);
    expect(w.snapshots.some((s) => s.id === `${a}-final`)).toBe(true);
    expect(w.stacks.find((s) => s.name === a)).toMatchObject({ resources: 0, history: 7 });

    const history = json<{ generation: string; kind: string; message: string; result: string }[]>(cli("history", "development", "--sandbox", "--json"));
    expect(history[0]).toMatchObject({ generation: a, kind: "destroy", message: `retire ${a}`, result: "succeeded" });
    expect(history.filter((h) => h.generation === b).map((h) => h.message).reverse()).toEqual([
      expect.stringMatching(new RegExp(`^new ${b} from rds:production-db-`)),
      `modify ${b}`,
      `reboot ${b}`,
      `scrubbed ${b}: hooks SKIPPED (no database to run them on (the sandbox without RDS_ECHO_SANDBOX_POSTGRES))`,
      `promote ${b}`,
    ]);
    const text = cli("status", "development", "--sandbox");
    expect(text.stdout).toContain(`* ${b}  promoted`);
    // Retired generations are history: listed only with --all.
    expect(text.stdout).not.toContain(a);
    expect(cli("status", "development", "--sandbox", "--all").stdout).toContain(`${a}  retired`);
  });

  it("refuses to change anything without a TTY unless --yes (exit 2)", () => {
    const before = world();
    const r = cli("modify", "development", "--sandbox");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no generation of development is new/);
    expect(cli("sandbox", "advance", "21h").status).toBe(0);
    const n = cli("new", "development", "--sandbox");
    expect(n.status).toBe(2);
    expect(n.stderr).toContain("refusing to change anything without confirmation (no TTY); rerun with --yes");
    expect(n.stderr).toMatch(/\+ aws:rds\/instance:Instance {2}db/);
    expect(world().stacks).toEqual(before.stacks);
  });

  it("preview shows the next step and changes nothing", () => {
    const before = world();
    const r = cli("preview", "development", "--sandbox");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^new development-\d{8}-\d{4}: restore the latest snapshot of production-db:\n {2}\+ pulumi:providers:aws {2}aws\n {2}\+ aws:rds\/instance:Instance {2}db\n/);
    expect(world()).toEqual(before);
  });

  it("never prints or stores a secret in the clear", async () => {
    const outputs = [cli("status", "--sandbox", "--json"), cli("history", "development", "--sandbox", "--json"), cli("sandbox", "show", "--json")];
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(env.RDS_ECHO_SECRET_MASTER_PASSWORD);
    // The stored state holds the password only as a digest, in each generation that was given it.
    const stored = await readFile(path.join(dir, ".rds-echo/sandbox.json"), "utf8");
    expect(stored).not.toContain(env.RDS_ECHO_SECRET_MASTER_PASSWORD);
    expect(stored).toMatch(/"masterPassword": "[0-9a-f]{64}"/);
  });

  it("exits 2 on bad input before touching anything", async () => {
    const file = path.join(dir, ".rds-echo/sandbox.json");
    const before = await readFile(file, "utf8");
    const bad = [
      ["up", "Development", "--sandbox"],
      ["retire", "development", "--sandbox", "--generation", "nope", "--yes"],
      ["sandbox", "advance", "soon"],
      ["up", "development", "--sandbox", "--bogus"],
    ];
    for (const args of bad) expect(cli(...args).status, args.join(" ")).toBe(2);
    expect(rdsEcho(["up", "development", "--sandbox", "--yes", "--dir", dir], { env: { RDS_ECHO_SANDBOX_SPEED: "fast" } }).status).toBe(2);
    // Not even the sandbox's clock or call log moved: the world file is byte for byte what it was.
    expect(await readFile(file, "utf8")).toBe(before);
  });
});
