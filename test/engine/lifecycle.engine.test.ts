/**
 * Two generations through `up --promote --retire` with the real CLI: outcomes checked in moto (the CNAME's target,
 * the instances, their tags, the final snapshot) and in the backend (`pulumi stack ls`, `pulumi stack history`), on a
 * file backend and on an S3 one (a bucket in moto).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, snapshotIds, tagsOf } from "./harness/aws.js";
import { pulumi, stackHistory, stackList } from "./harness/cli.js";
import { MASTER_PASSWORD, makeProject, seedAccount, type Project } from "./harness/project.js";
import { backdateStack, backendFor, backendObject, BACKENDS, leaseIn, locksIn } from "./harness/backends.js";
import { EngineEnv, nextMinute, suite } from "./harness/suite.js";

const CNAME = "development.db.example.com";

const echoInstances = async () => (await instances()).filter((i) => i.DBInstanceIdentifier?.startsWith("development-"));

describe.each(BACKENDS)("two generations through the real engine (%s backend)", (kind) => {
  let project: Project;
  let env: EngineEnv;
  let zoneId: string;
  let settled: string | undefined;
  let retired: string | undefined;
  beforeAll(async () => {
    await resetMoto();
    ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
    project = makeProject(await backendFor(kind));
    env = new EngineEnv(project);
  });
  afterAll(() => {
    env?.dispose();
    project?.remove();
  });

  it("A is promoted; B is promoted and A forgotten then retired with its final snapshot; the backend keeps both stacks and their histories", async () => {
    const first = await env.run(["up", "development", "--promote", "--retire", "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    const [a] = await echoInstances();
    const nameA = a!.DBInstanceIdentifier!;
    expect(tagsOf(a!)).toMatchObject({ "echo:managed": "development", "echo:generation": nameA, "echo:stage": "promoted", team: "platform" });
    expect(a!.DBParameterGroups?.[0]?.DBParameterGroupName).toBe("development-postgres16");
    expect(a!.BackupRetentionPeriod).toBe(1);
    expect(await cnameTarget(zoneId, CNAME)).toBe(a!.Endpoint?.Address);
    // The confirmations show values from the real engine's events: old -> new per input, the secret masked, the flip.
    const said = first.stdout + first.stderr;
    expect(said).toContain("parameterGroupName: (unset) -> development-postgres16");
    expect(said).toContain("password: (unset) -> [secret]");
    expect(said).toContain(`${CNAME}: (no record) -> ${a!.Endpoint?.Address}`);

    await nextMinute();
    const forced = await env.run(["new", "development", "--force", "--yes"]);
    expect(forced.code, forced.stderr).toBe(0);
    const second = await env.run(["up", "development", "--promote", "--retire", "--yes"]);
    expect(second.code, second.stderr).toBe(0);
    const live = await echoInstances();
    const b = live.find((i) => i.DBInstanceIdentifier !== nameA)!;
    const nameB = b.DBInstanceIdentifier!;
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);
    expect(tagsOf(b)).toMatchObject({ "echo:stage": "promoted" });

    // A was demoted less than the CNAME's TTL (1 s) ago in that run, or retired in it: either way, after a TTL a
    // further run retires it, and only it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const third = await env.run(["up", "development", "--retire", "--yes"]);
    expect(third.code, third.stderr).toBe(0);
    expect((await echoInstances()).map((i) => i.DBInstanceIdentifier)).toEqual([nameB]);
    // The master password reached every generation, yet no Pulumi process had it in its arguments and no output did.
    for (const run of [first, forced, second, third]) {
      expect(run.pulumiCalls.length).toBeGreaterThan(0);
      for (const call of run.pulumiCalls) expect(call.argv.join(" ")).not.toContain(MASTER_PASSWORD);
      expect(run.stdout + run.stderr).not.toContain(MASTER_PASSWORD);
    }
    // Nothing left in the temporary directory: no decrypted state, no import file, no event log.
    expect(env.leftInTmp()).toEqual([]);
    expect(await snapshotIds()).toContain(`${nameA}-final`);
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);

    // The backend: both stacks stay (A empty), and A's history is the audit trail of every stage.
    settled = nameB;
    retired = nameA;
    const stacks = stackList(env).map((s) => s.name);
    expect(stacks).toEqual(expect.arrayContaining([nameA, nameB]));
    const messages = stackHistory(env, nameA).map((h) => `${h.kind} ${h.result} ${h.message}`);
    for (const step of ["new", "modify", "reboot", "promote", "forget", "retire"]) {
      expect(messages.some((m) => m.includes(` ${step} ${nameA}`) && m.includes("succeeded")), `${step} in ${messages.join("; ")}`).toBe(true);
    }
    // Every run gave its lease up and left no lock behind.
    expect(await locksIn(project.backendUrl)).toEqual([]);
    if (kind === "s3") expect((await leaseIn(project.backendUrl, "development"))?.released).toBeDefined();
  });

  it("after retire.archiveAfter, A's stack is removed and its whole history kept in the echo's archive in the backend", async () => {
    expect(retired, "the lifecycle case retires a generation").toBeDefined();
    const before = stackHistory(env, retired!).length;
    // Retired four days ago (the definition keeps the default archiveAfter, 3d).
    await backdateStack(project.backendUrl, retired!, new Date(Date.now() - 4 * 86_400_000));
    const run = await env.run(["up", "development", "--retire", "--yes"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain(`archive ${retired}`);
    expect(stackList(env).map((s) => s.name)).toEqual([settled]);
    const archive = JSON.parse((await backendObject(project.backendUrl, ".rds-echo/archive/rds-echo/development.json")) ?? "null") as { generations: { name: string; history: unknown[] }[] };
    expect(archive.generations.map((g) => [g.name, g.history.length])).toEqual([[retired, before]]);
    // `history` still shows every stage A went through, now read from the archive.
    const trail = await env.run(["history", "development", "--json"]);
    expect(trail.code, trail.stderr).toBe(0);
    const messages = (JSON.parse(trail.stdout) as { generation: string; message: string }[]).filter((e) => e.generation === retired).map((e) => ` ${e.message}`);
    for (const step of ["new", "modify", "reboot", "promote", "forget", "retire"]) expect(messages.some((m) => m.includes(` ${step} ${retired}`)), `${step} in ${messages.join("; ")}`).toBe(true);
    // A second run finds nothing more to archive and removes nothing else.
    const again = await env.run(["up", "development", "--retire", "--yes"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).not.toContain("archive ");
    expect(stackList(env).map((s) => s.name)).toEqual([settled]);
    expect(await locksIn(project.backendUrl)).toEqual([]);
  });

  it("the plain CLI from the checkout's root: pulumi preview -s <generation> runs main and shows no changes for a settled generation", () => {
    expect(settled, "the lifecycle case leaves a promoted generation").toBeDefined();
    const run = pulumi(env, ["preview", "-s", settled!, "--json"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const preview = JSON.parse(run.stdout) as { changeSummary: Record<string, number> };
    expect(Object.keys(preview.changeSummary).sort()).toEqual(["same"]);
    expect(preview.changeSummary["same"]).toBe(4);
  });
});
