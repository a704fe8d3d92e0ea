/**
 * More than one run at a time, and more than one machine, through the real CLI: two `up` at once on one echo, two
 * checkouts sharing one backend, and a generation whose history is longer than the CLI's default page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, tagsOf } from "./harness/aws.js";
import { previewSummary, pulumi, stackHistory, stackList } from "./harness/cli.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, lockFiles, suite } from "./harness/suite.js";

const CNAME = "development.db.example.com";
const echoInstances = async () => (await instances()).filter((i) => i.DBInstanceIdentifier?.startsWith("development-"));

let zoneId: string;
const projects: Project[] = [];
const envs: EngineEnv[] = [];

function checkout(backendUrl?: string): EngineEnv {
  const project = makeProject(backendUrl);
  projects.push(project);
  const env = new EngineEnv(project);
  envs.push(env);
  return env;
}

beforeEach(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
});
afterEach(() => {
  for (const env of envs.splice(0)) env.dispose();
  for (const project of projects.splice(0)) project.remove();
});

describe("two runs at once", () => {
  it("two `up` on one echo make one generation; the other run says busy and exits 0", async () => {
    const env = checkout();
    // The provider takes 15 s over the restore (the real one: minutes), so the two runs surely overlap however the
    // machine schedules their start: one is creating or updating the generation while the other looks.
    const slow = { RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" };
    const [a, b] = await Promise.all([env.run(["up", "development", "--yes"], slow), env.run(["up", "development", "--yes"], slow)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(stackList(env)).toHaveLength(1);
    const live = await echoInstances();
    expect(live).toHaveLength(1);
    // One run did the work; the other stood aside at some step, saying so.
    const said = [a, b].map((run) => run.stdout + run.stderr);
    expect(said.filter((text) => /another run is updating it/.test(text)), said.join("\n---\n")).toHaveLength(1);
    expect(lockFiles(env.project.backendUrl)).toEqual([]);
    // Whatever the interleaving, the generation ends where one run alone would leave it (a rerun finishes it).
    const rerun = await env.run(["up", "development", "--yes"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(tagsOf((await echoInstances())[0]!)["echo:stage"]).toBe("rebooted");
    expect((await echoInstances()).map((i) => i.DBInstanceIdentifier)).toEqual(live.map((i) => i.DBInstanceIdentifier));
  });
});

describe("two checkouts sharing one backend", () => {
  it("each machine continues what the other began, from the backend's config, not its own stale file", async () => {
    const first = checkout();
    const second = checkout(first.project.backendUrl);
    const started = await first.run(["new", "development", "--yes"]);
    expect(started.code, started.stderr).toBe(0);
    const [generation] = stackList(first).map((s) => s.name);
    const stackFile = (env: EngineEnv) => path.join(env.project.root, `Pulumi.${generation}.yaml`);
    const [instance] = await echoInstances();

    // The second machine has never seen this generation (no config file of its own): it modifies and reboots it.
    const carried = await second.run(["up", "development", "--yes"]);
    expect(carried.code, carried.stderr + carried.stdout).toBe(0);
    expect(stackList(second).map((s) => s.name)).toEqual([generation]);
    expect(tagsOf((await echoInstances())[0]!)["echo:stage"]).toBe("rebooted");
    expect(readFileSync(stackFile(second), "utf8")).toMatch(/rds-echo:stage: rebooted/);

    // The first machine's file still says `new`; promoting re-syncs it from the backend instead of trusting it.
    expect(readFileSync(stackFile(first), "utf8")).toMatch(/rds-echo:stage: new/);
    const promoted = await first.run(["up", "development", "--promote", "--yes"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout + promoted.stderr).not.toMatch(/\bnew development-/);
    const live = await echoInstances();
    expect(live.map((i) => i.DBInstanceIdentifier)).toEqual([generation]);
    expect(live[0]!.InstanceCreateTime).toEqual(instance!.InstanceCreateTime);
    expect(tagsOf(live[0]!)["echo:stage"]).toBe("promoted");
    expect(await cnameTarget(zoneId, CNAME)).toBe(live[0]!.Endpoint?.Address);
    expect(readFileSync(stackFile(first), "utf8")).toMatch(/rds-echo:stage: promoted/);
    // The plain CLI from the first checkout agrees with the backend: nothing to change.
    expect(Object.keys(previewSummary(first, generation!))).toEqual(["same"]);
    expect(lockFiles(first.project.backendUrl)).toEqual([]);
  });
});

describe("a generation with more than ten operations", () => {
  it("`rds-echo history` shows every one of them, as `pulumi stack history` does", async () => {
    const env = checkout();
    const up = await env.run(["up", "development", "--yes"]);
    expect(up.code, up.stderr).toBe(0);
    const [generation] = stackList(env).map((s) => s.name);
    // Refreshes are cheap operations that each add an entry, as a person running `pulumi refresh` would.
    while (stackHistory(env, generation!).length <= 12) {
      const refreshed = pulumi(env, ["refresh", "-s", generation!, "--yes", "--skip-preview"]);
      expect(refreshed.code, refreshed.stderr).toBe(0);
    }
    const expected = stackHistory(env, generation!);
    const history = await env.run(["history", "development", "--json"]);
    expect(history.code, history.stderr).toBe(0);
    const entries = JSON.parse(history.stdout) as Array<{ version: number; message: string }>;
    expect(entries).toHaveLength(expected.length);
    expect(entries.map((e) => e.version).sort((x, y) => x - y)).toEqual(expected.map((e) => e.version).sort((x, y) => x! - y!));
  });
});
