/**
 * Migrating from the original rds-echo, end to end on the sandbox through the CLI: its properties become a definition,
 * its instances (seeded as it leaves them) are adopted, and the normal lifecycle then promotes past them and retires
 * them, the CNAME naming an existing, available instance after every command.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_OPTS: "" };
const CNAME = "dev.domain.com";

/** The original's shipped sample (blacklocus/rds-echo v0.1.10), its security group names swapped for an id. */
const PROPERTIES = `rdsecho.interactive=false
rdsecho.name=development
rdsecho.region=us-east-1
rdsecho.accountNumber=1234567890
rdsecho.snapshot.dbInstanceIdentifier=production
rdsecho.new.dbInstanceClass=db.t3.micro
rdsecho.new.port=3306
rdsecho.new.tags=orange=false,pear=maybe
rdsecho.mod.dbParameterGroupName=default.mysql8.0
rdsecho.mod.applyImmediately=true
rdsecho.promote.cname=dev.domain.com.
rdsecho.promote.ttl=300
rdsecho.promote.tags=development=yes
rdsecho.retire.skipFinalSnapshot=true
`;

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

function json<T = any>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface StoredWorld {
  rds: { instances: Record<string, { id: string; status: string; address: string; settings: Record<string, unknown>; tags: Record<string, string> }> };
  route53: { zones: { records: Record<string, { values: string[]; ttl: number }> }[] };
  stacks: Record<string, { history: { kind: string; message: string }[]; settings: { stage: string; adopted?: string } }>;
}

async function stored(): Promise<StoredWorld> {
  return JSON.parse(await readFile(path.join(dir, ".rds-echo/sandbox.json"), "utf8")) as StoredWorld;
}

/** The CNAME's target: it must name an existing instance in `available` state. */
async function served(): Promise<string> {
  const world = await stored();
  const target = world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === CNAME)?.[1].values[0];
  const instance = Object.values(world.rds.instances).find((i) => i.address === target);
  expect(instance, `${CNAME} -> ${target}`).toBeDefined();
  expect(instance!.status).toBe("available");
  return instance!.id;
}

/** The sandbox keeps an instance's last inputs as its settings; these few are the provider's own (no RDS call sets them). */
const rdsSettings = (settings: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(settings).filter(([k]) => !["identifier", "applyImmediately", "skipFinalSnapshot", "finalSnapshotIdentifier"].includes(k)));
const withoutEchoTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith("echo:")));

let legacy: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-adopt-"));
  await writeFile(path.join(dir, "rdsecho.properties"), PROPERTIES);
  expect(cli("migrate", path.join(dir, "rdsecho.properties")).status).toBe(0);
  const seeded = json<{ seeded: { id: string }[] }>(cli("sandbox", "seed-legacy", "development", "--json"));
  legacy = seeded.seeded.map((s) => s.id);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("rds-echo migrate --adopt on the sandbox (subprocess)", () => {
  it("seeds what the original leaves: two instances it promoted, the CNAME on the newer", async () => {
    expect(legacy).toHaveLength(2);
    const world = await stored();
    for (const id of legacy) expect(world.rds.instances[id]?.tags).toMatchObject({ "rdsecho:development:managed": "true", "rdsecho:development:stage": "promoted" });
    expect(await served()).toBe(legacy[1]);
  });

  it("previews, refuses without --yes and without a TTY, and changes nothing either way", async () => {
    const before = await stored();
    const preview = cli("migrate", "--adopt", "development", "--sandbox", "--preview");
    expect(preview.status, preview.stderr).toBe(0);
    expect(preview.stdout).toContain(`would adopt ${legacy[0]} as development-`);
    expect(preview.stdout).toMatch(new RegExp(`would adopt ${legacy[1]} as development-\\d{8}-\\d{4} \\(promoted\\)`));
    expect(preview.stderr).toContain(`with the CNAME record ${CNAME}`);
    expect(preview.stderr).toMatch(/tags\["echo:stage"\]: \(unset\) -> forgotten/);
    const refused = cli("migrate", "--adopt", "development", "--sandbox");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("rerun with --yes");
    const after = await stored();
    expect(after.stacks).toEqual({});
    expect(after.rds.instances).toEqual(before.rds.instances);
  });

  it("adopts each instance into a stack of its own; in AWS only the echo: tags change", async () => {
    const before = await stored();
    const r = json<{ steps: { step: string; generation: string; detail: string }[] }>(cli("migrate", "--adopt", "development", "--sandbox", "--yes", "--json"));
    expect(r.steps.map((s) => s.step)).toEqual(["adopt", "adopt"]);
    expect(r.steps[1]!.detail).toContain(`${legacy[1]} at stage promoted (${CNAME} -> `);
    const after = await stored();
    for (const id of legacy) {
      expect(rdsSettings(after.rds.instances[id]!.settings)).toEqual(before.rds.instances[id]!.settings);
      expect(after.rds.instances[id]!.status).toBe("available");
      expect(withoutEchoTags(after.rds.instances[id]!.tags)).toEqual(before.rds.instances[id]!.tags);
    }
    expect(after.rds.instances[legacy[1]!]!.tags).toMatchObject({ "echo:managed": "development", "echo:stage": "promoted" });
    expect(after.rds.instances[legacy[0]!]!.tags).toMatchObject({ "echo:stage": "forgotten" });
    expect(after.route53.zones).toEqual(before.route53.zones);
    const stacks = Object.values(after.stacks);
    expect(stacks.map((s) => [s.settings.adopted, s.settings.stage]).sort()).toEqual([[legacy[0], "forgotten"], [legacy[1], "promoted"]]);
    for (const s of stacks) expect(s.history.map((h) => h.kind)).toEqual(["import", "update"]);

    const status = json<{ servedBy: string; generations: { generation: string; stage: string }[] }>(cli("status", "development", "--sandbox", "--json"));
    expect(status.generations.map((g) => g.stage)).toEqual(["forgotten", "promoted"]);
    expect(status.servedBy).toBe(r.steps[1]!.generation);

    const again = cli("migrate", "--adopt", "development", "--sandbox", "--yes");
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`not adopting ${legacy[1]}: already adopted`);
    expect(again.stdout).toContain("development: nothing to do");
  });

  it("the normal lifecycle then promotes past the adopted instance and retires it, never before a newer one serves", async () => {
    const [older, promoted] = legacy as [string, string];
    const seen: string[] = [];
    for (let run = 0; run < 4 && (await stored()).rds.instances[promoted]; run++) {
      const up = cli("up", "development", "--sandbox", "--promote", "--retire", "--yes");
      expect(up.status, up.stderr).toBe(0);
      const now = await served();
      seen.push(now);
      // The adopted instance that served is gone only once a generation rds-echo restored serves instead.
      if (!(await stored()).rds.instances[promoted]) expect(legacy).not.toContain(now);
      expect(cli("sandbox", "advance", "25h").status).toBe(0);
      await served();
    }
    const world = await stored();
    expect(world.rds.instances[older]).toBeUndefined();
    expect(world.rds.instances[promoted]).toBeUndefined();
    expect(seen.every((id) => !legacy.includes(id))).toBe(true);
    const adoptedStack = Object.values(world.stacks).find((s) => s.settings.adopted === promoted)!;
    expect(adoptedStack.history.map((h) => h.kind)).toEqual(["import", "update", "update", "destroy"]);
    expect(adoptedStack.history.at(-1)?.message).toMatch(/^retire development-/);
  });
});
