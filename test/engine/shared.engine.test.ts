/**
 * More than one run at a time, and more than one machine, through the real CLI: two `up` at once on one echo, two
 * checkouts sharing one backend (on a file and on an S3 backend), two hosts where one dies mid-update and the
 * other takes over once its lease expires, and a generation whose history is longer than the CLI's default page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, tagsOf } from "./harness/aws.js";
import { pendingOperations, previewSummary, pulumi, stackHistory, stackList } from "./harness/cli.js";
import { backendFor, BACKENDS, leaseIn, locksIn, type BackendKind } from "./harness/backends.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, killTree, ok, suite, waitFor } from "./harness/suite.js";

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

/** A checkout on a new backend of this kind (its own directory, or a new bucket). */
async function checkoutOn(kind: BackendKind): Promise<EngineEnv> {
  return checkout(await backendFor(kind));
}

beforeEach(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
});
afterEach(() => {
  for (const env of envs.splice(0)) env.dispose();
  for (const project of projects.splice(0)) project.remove();
});

// On a file backend only: the lease that makes the other run busy is the same code on S3, and the two-hosts case
// below shows an S3 run standing aside (a case here costs over a minute).
describe("two runs at once", () => {
  it("two `up` on one echo make one generation; the other run says busy and exits 0", async () => {
    const env = await checkoutOn("file");
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
    expect(await locksIn(env.project.backendUrl)).toEqual([]);
    // Whatever the interleaving, the generation ends where one run alone would leave it (a rerun finishes it).
    const rerun = await env.run(["up", "development", "--yes"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(tagsOf((await echoInstances())[0]!)["echo:stage"]).toBe("rebooted");
    expect((await echoInstances()).map((i) => i.DBInstanceIdentifier)).toEqual(live.map((i) => i.DBInstanceIdentifier));
  });
});

describe.each(BACKENDS)("two checkouts sharing one backend (%s)", (kind) => {
  it("each machine continues what the other began, from the backend's config, not its own stale file", async () => {
    const first = await checkoutOn(kind);
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
    expect(await locksIn(first.project.backendUrl)).toEqual([]);
  });
});

describe.runIf(BACKENDS.includes("s3"))("two hosts sharing an S3 backend", () => {
  it("one is killed -9 mid-update; the other stands aside while the dead run's lease lasts, then takes it over, releases that lock (said) and recovers", async () => {
    const hostA = await checkoutOn("s3");
    const hostB = checkout(hostA.project.backendUrl);
    const backend = hostA.project.backendUrl;
    // A short lease, so the case waits seconds, not the default minutes; renewed every third of it.
    const ttl = { RDS_ECHO_LEASE_TTL: "20" };
    ok(await hostA.run(["new", "development", "--yes"], ttl, { host: "host-a" }));
    const [generation] = stackList(hostA).map((s) => s.name);
    const [instance] = await echoInstances();
    const modify = hostA.start(["modify", "development", "--yes"], { ...ttl, RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" }, { host: "host-a" });
    await waitFor("ModifyDBInstance", async () => (await echoInstances())[0]?.DBParameterGroups?.[0]?.DBParameterGroupName === "development-postgres16");
    await killTree(modify.child.pid!);
    await modify.done;
    const lease = await leaseIn(backend, "development");
    expect(lease?.holder.host).toBe("host-a");
    expect(lease?.released).toBeUndefined();
    const lock = await locksIn(backend);
    expect(lock).toHaveLength(1);
    expect(pendingOperations(hostB, generation!).map((p) => p.type)).toEqual(["updating"]);

    // Host B, while the lease lasts: busy (exit 0), naming host A; the lock and the pending update untouched.
    const early = await hostB.run(["up", "development", "--yes"], ttl, { host: "host-b" });
    const earlyEnded = Date.now();
    expect(early.code, early.stdout + early.stderr).toBe(0);
    expect(early.stdout + early.stderr).toMatch(/busy\s+-\s+another run is updating it: pid \d+ on host-a/);
    expect(earlyEnded, "the early run must end before the lease expires, or it proves nothing").toBeLessThan(Date.parse(lease!.expires));
    expect(await locksIn(backend)).toEqual(lock);
    expect(pendingOperations(hostB, generation!).map((p) => p.type)).toEqual(["updating"]);

    // Once it has expired: host B takes the lease over, releases host A's lock (that object, said) and recovers.
    await waitFor("the dead run's lease to expire", () => Date.now() > Date.parse(lease!.expires), 60_000);
    const late = ok(await hostB.run(["up", "development", "--yes"], ttl, { host: "host-b" }));
    const said = late.stdout + late.stderr;
    expect(said).toMatch(/took over the lease of pid \d+ on host-a( \([^)]*\))?, which expired at/);
    expect(said).toMatch(/released the lock left by pulumi \(pid \d+ on host-a, since [^)]+\), whose run's lease expired/);
    expect(said).toContain(`whose run's lease expired: s3://${new URL(backend).hostname}/${lock[0]}`);
    expect(said).toContain(`recover ${generation}: clearing 1 interrupted operation(s)`);
    const live = await echoInstances();
    expect(live.map((i) => i.DBInstanceIdentifier)).toEqual([generation]);
    expect(live[0]!.InstanceCreateTime).toEqual(instance!.InstanceCreateTime);
    expect(tagsOf(live[0]!)["echo:stage"]).toBe("rebooted");
    expect(pendingOperations(hostB, generation!)).toEqual([]);
    expect(await locksIn(backend)).toEqual([]);
    expect(await leaseIn(backend, "development")).toMatchObject({ holder: { host: "host-b" }, released: expect.any(String) });
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
