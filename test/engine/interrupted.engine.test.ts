/**
 * Runs that die or are stopped mid-operation, through the real CLI: `kill -9` of rds-echo and everything it started
 * during a create and during an update (on a file and on an S3 backend), and Ctrl-C (SIGINT) and SIGTERM during an
 * update. Each case has an account and a checkout of its own. The stand-in provider waits RDS_ECHO_STANDIN_FIRST_POLL_MS before its first poll (as
 * the real one waits a minute), which is the window each case strikes in: after the RDS call, before it returns.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, snapshotIds, tagsOf } from "./harness/aws.js";
import { pendingOperations, previewSummary, pulumi, stackHistory, stackList, type HistoryRow } from "./harness/cli.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { backendFor, BACKENDS, locksIn, type BackendKind } from "./harness/backends.js";
import { alive, EngineEnv, killTree, nextMinute, ok, suite, waitFor, type Run } from "./harness/suite.js";

const SLOW_PROVIDER = { RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" };
const INSTANCE = "aws:rds/instance:Instance";
const CNAME = "development.db.example.com";

const echoInstances = async () => (await instances()).filter((i) => i.DBInstanceIdentifier?.startsWith("development-"));

/** Entries of a stack's history that created, replaced or deleted anything. */
function destructive(history: readonly HistoryRow[]): HistoryRow[] {
  return history.filter((h) => Object.entries(h.resourceChanges ?? {}).some(([op, n]) => n > 0 && /create|replace|delete/.test(op)));
}

let project: Project;
let env: EngineEnv;
let zoneId: string;

beforeEach(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
});

/** This case's checkout on a backend of the kind (after moto's reset, which forgets buckets too). */
function onBackend(kind: BackendKind): void {
  beforeEach(async () => {
    project = makeProject(await backendFor(kind));
    env = new EngineEnv(project);
  });
}
afterEach(() => {
  env?.dispose();
  project?.remove();
});

async function oneGeneration(): Promise<string> {
  const [stack] = stackList(env);
  expect(stack, "a generation stack").toBeDefined();
  return stack!.name;
}

/** The stage move `modify` strikes in: ModifyDBInstance has been sent (moto shows the parameter group). */
async function startModifyAndWaitForTheCall(): Promise<{ run: ReturnType<EngineEnv["start"]>; generation: string }> {
  const created = await env.run(["new", "development", "--yes"]);
  expect(created.code, created.stderr).toBe(0);
  const generation = await oneGeneration();
  const run = env.start(["modify", "development", "--yes"], SLOW_PROVIDER);
  await waitFor("ModifyDBInstance", async () => (await echoInstances())[0]?.DBParameterGroups?.[0]?.DBParameterGroupName === "development-postgres16");
  return { run, generation };
}

/** After an interruption, `up` carries the same generation on to `rebooted`: one instance, never restored twice. */
async function upGoesOn(generation: string, createdAt: Date | undefined): Promise<Run> {
  const next = await env.run(["up", "development", "--yes"]);
  expect(next.code, next.stderr + next.stdout).toBe(0);
  if (process.env["DEBUG_ENGINE"]) console.log(next.stdout + next.stderr);
  const live = await echoInstances();
  expect(live.map((i) => i.DBInstanceIdentifier)).toEqual([generation]);
  expect(live[0]!.InstanceCreateTime).toEqual(createdAt);
  expect(tagsOf(live[0]!)["echo:stage"]).toBe("rebooted");
  expect(stackList(env).map((s) => s.name)).toEqual([generation]);
  expect(pendingOperations(env, generation)).toEqual([]);
  expect(await locksIn(project.backendUrl)).toEqual([]);
  return next;
}

describe.each(BACKENDS)("kill -9 of rds-echo and everything it started (%s backend)", (kind) => {
  onBackend(kind);
  it("during a create: the next up releases the dead run's lock, adopts the restored instance, restores nothing twice and replaces nothing", async () => {
    const run = env.start(["new", "development", "--yes"], SLOW_PROVIDER);
    await waitFor("the restore", async () => (await echoInstances()).length === 1);
    await killTree(run.child.pid!);
    await run.done;
    const generation = await oneGeneration();
    // What a dead run leaves: the create pending in the state, and its lock.
    expect(pendingOperations(env, generation).map((p) => `${p.type} ${p.resource.urn.split("::")[2]}`)).toEqual([`creating ${INSTANCE}`]);
    expect(await locksIn(project.backendUrl)).toHaveLength(1);
    const [instance] = await echoInstances();
    const before = stackHistory(env, generation).length;
    // The killed run's own leftovers (the SDK's event log directory) stay; the recovery (an export and an import of
    // the state) must add nothing.
    const leftByKill = env.leftInTmp();

    const next = await upGoesOn(generation, instance!.InstanceCreateTime);
    expect(env.leftInTmp()).toEqual(leftByKill);
    const said = next.stdout + next.stderr;
    expect(said).toMatch(/released the lock left by pulumi \(pid \d+ on this host/);
    expect(said).toContain(`recover ${generation}: adopting the instance the interrupted run created`);
    // Nothing after the kill created, replaced or deleted a resource: the adopted instance was updated in place.
    const after = stackHistory(env, generation).slice(0, stackHistory(env, generation).length - before);
    expect(after.length).toBeGreaterThan(0);
    expect(destructive(after)).toEqual([]);
  });

  it("during an update: the next up clears the pending update, then carries on in place", async () => {
    const { run, generation } = await startModifyAndWaitForTheCall();
    const [instance] = await echoInstances();
    await killTree(run.child.pid!);
    await run.done;
    expect(pendingOperations(env, generation).map((p) => p.type)).toEqual(["updating"]);
    expect(await locksIn(project.backendUrl)).toHaveLength(1);
    const before = stackHistory(env, generation).length;

    const next = await upGoesOn(generation, instance!.InstanceCreateTime);
    const said = next.stdout + next.stderr;
    expect(said).toMatch(/released the lock left by pulumi/);
    expect(said).toContain(`recover ${generation}: clearing 1 interrupted operation(s)`);
    const history = stackHistory(env, generation);
    expect(destructive(history.slice(0, history.length - before))).toEqual([]);
  });
});

describe("Ctrl-C during a restore", () => {
  onBackend("file");
  it("the first SIGINT says the restore goes on in RDS; a second leaves at once, no CLI left, the create pending; the next up adopts it", async () => {
    const run = env.start(["new", "development", "--yes"], SLOW_PROVIDER);
    let said = "";
    run.child.stderr?.on("data", (chunk: string) => (said += chunk));
    await waitFor("the restore", async () => (await echoInstances()).length === 1);
    process.kill(-run.child.pid!, "SIGINT");
    await waitFor("the first SIGINT's words", () => said.includes("a restore goes on in RDS"));
    process.kill(-run.child.pid!, "SIGINT");
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain("quitting now, and the Pulumi CLI with it");
    expect(stopped.stderr).toContain("rds-echo up development");
    for (const call of stopped.pulumiCalls) expect(alive(call.pid), `pulumi ${call.argv.join(" ")} still runs`).toBe(false);
    const generation = await oneGeneration();
    expect(pendingOperations(env, generation).map((p) => `${p.type} ${p.resource.urn.split("::")[2]}`)).toEqual([`creating ${INSTANCE}`]);
    const [instance] = await echoInstances();

    const next = await upGoesOn(generation, instance!.InstanceCreateTime);
    expect(next.stdout + next.stderr).toContain(`recover ${generation}: adopting the instance the interrupted run created`);
  });
});

describe("a restore whose provider wait fails", () => {
  onBackend("file");
  it("leaves the instance out of the stack, as the real provider does; the next up adopts it, restores nothing twice and replaces nothing", async () => {
    const failed = await env.run(["up", "development", "--yes"], { RDS_ECHO_STANDIN_FAIL_CREATE_WAIT: "development-" });
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout + failed.stderr).toContain("timeout while waiting for state to become");
    const generation = await oneGeneration();
    const [instance] = await echoInstances();
    expect(instance?.DBInstanceIdentifier).toBe(generation);
    // What the engine kept: no pending create and no instance, only the provider.
    expect(pendingOperations(env, generation)).toEqual([]);
    const exported = JSON.parse(pulumi(env, ["stack", "export", "-s", generation]).stdout) as { deployment: { resources?: { type: string }[] } };
    expect((exported.deployment.resources ?? []).map((r) => r.type)).not.toContain(INSTANCE);

    const next = await upGoesOn(generation, instance!.InstanceCreateTime);
    expect(next.stdout + next.stderr).toContain(`recover ${generation}: adopting the instance RDS restored but the stack never recorded`);
    // Adopted as a finished create would have left it: nothing left to change.
    expect(Object.keys(previewSummary(env, generation))).toEqual(["same"]);
  });
});

describe("kill -9 during a demotion", () => {
  onBackend("file");
  it("between the provider's AddTagsToResource and its ModifyDBInstance: the next up finishes the demotion (said, and in history), and a later retire succeeds", async () => {
    ok(await env.run(["up", "development", "--promote", "--yes"]));
    const nameA = await oneGeneration();
    await nextMinute();
    ok(await env.run(["new", "development", "--force", "--yes"]));
    ok(await env.run(["up", "development", "--yes"]));
    const nameB = (await echoInstances()).map((i) => i.DBInstanceIdentifier!).find((n) => n !== nameA)!;
    const byName = async (name: string) => (await echoInstances()).find((i) => i.DBInstanceIdentifier === name)!;

    // The flip: B takes the CNAME, then A's demotion writes A's tags and is killed before its ModifyDBInstance.
    const run = env.start(["up", "development", "--promote", "--retire", "--yes"], { RDS_ECHO_STANDIN_PAUSE_AFTER_TAGS: `${nameA}=60000` });
    await waitFor("A tagged forgotten", async () => tagsOf(await byName(nameA))["echo:stage"] === "forgotten", 300_000);
    await killTree(run.child.pid!);
    await run.done;
    const b = await byName(nameB);
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);
    expect((await byName(nameA)).DeletionProtection).toBe(true);
    expect(pendingOperations(env, nameA).map((p) => p.type)).toEqual(["updating"]);
    expect(stackHistory(env, nameA)[0]?.message).toBe(`promote ${nameA}`);

    // Without --retire, so the finished demotion can be looked at (with the suite's 1 s TTL, a retire in the same run
    // would destroy A right after it).
    const next = ok(await env.run(["up", "development", "--promote", "--yes"]));
    expect(next.stdout + next.stderr).toContain(`finishing the interrupted demotion of ${nameA}`);
    const a = await byName(nameA);
    expect(a.DeletionProtection).toBe(false);
    expect(tagsOf(a)["echo:stage"]).toBe("forgotten");
    expect(pendingOperations(env, nameA)).toEqual([]);
    const [forget] = stackHistory(env, nameA);
    expect(forget).toMatchObject({ kind: "update", result: "succeeded", message: `forget ${nameA}: ${nameB} promoted (finishing the interrupted demotion of ${nameA})` });
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);

    // Past the CNAME's TTL (1 s), A is retired like any forgotten generation.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    ok(await env.run(["up", "development", "--retire", "--yes"]));
    expect((await echoInstances()).map((i) => i.DBInstanceIdentifier)).toEqual([nameB]);
    expect(await snapshotIds()).toContain(`${nameA}-final`);
    expect(await locksIn(project.backendUrl)).toEqual([]);
  });
});

describe.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("%s during an update", (signal, exitCode) => {
  onBackend("file");
  it(`cancels the update cleanly (exit ${exitCode}, no lock, nothing pending, no CLI left running), and the next up goes on`, async () => {
    const { run, generation } = await startModifyAndWaitForTheCall();
    const [instance] = await echoInstances();
    // As a terminal's Ctrl-C (or a service manager) does: the signal goes to rds-echo's process group. The Pulumi CLI
    // leads a group of its own, so only rds-echo's one forwarded SIGINT reaches it.
    process.kill(-run.child.pid!, signal);
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(exitCode);
    for (const call of stopped.pulumiCalls) expect(alive(call.pid), `pulumi ${call.argv.join(" ")} still runs`).toBe(false);
    expect(await locksIn(project.backendUrl)).toEqual([]);
    expect(pendingOperations(env, generation)).toEqual([]);
    const cancelled = stackHistory(env, generation)[0];
    expect(cancelled?.kind).toBe("update");
    expect(cancelled?.result).not.toBe("succeeded");

    const next = await upGoesOn(generation, instance!.InstanceCreateTime);
    expect(next.stdout + next.stderr).not.toMatch(/released the lock/);
  });
});
