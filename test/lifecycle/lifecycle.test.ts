import { describe, expect, it } from "vitest";
import { SimulatedCrash } from "../../src/adapters/sandbox/index.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { echoHistory } from "../../src/lifecycle/history.js";
import { echoStatus } from "../../src/lifecycle/status.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const CNAME = "development.db.example.com";

/** The live CNAME record's target, straight from the simulated Route 53. */
function cnameTarget(w: World): string | undefined {
  return w.sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === CNAME)?.[1].values[0];
}

/**
 * The first invariant of DESIGN.md, checked before every single operation the sandbox serves: once the CNAME
 * exists, it names the endpoint of an instance that exists and is available.
 */
function watchCname(w: World): string[] {
  const violations: string[] = [];
  w.sandbox.faults.observe((operation) => {
    const target = cnameTarget(w);
    if (target === undefined) return;
    const instance = Object.values(w.sandbox.world.rds.instances).find((i) => i.address === target);
    if (!instance) violations.push(`${operation}: CNAME -> ${target}, which no instance has`);
    else if (instance.status !== "available") {
      violations.push(`${operation}: CNAME -> ${instance.id}, which is ${instance.status}`);
    }
  });
  return violations;
}

const instance = (w: World, id: string) => w.sandbox.world.rds.instances[id];

describe("two generations through the lifecycle (sandbox)", () => {
  it("starts at most one new generation per run, even when the guard would allow another at once", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.guard = { minAgeHours: 0 })));
    const steps = (await up(w.ctx(), { promote: true, retire: false })).map((r) => r.step);
    expect(steps).toEqual(["new", "modify", "reboot", "promote"]);
    expect(Object.keys(w.sandbox.world.rds.instances).filter((id) => id.startsWith("development-"))).toHaveLength(1);
  });

  it("promotes A, then B (A forgotten), then retires A, and the CNAME never dangles", async () => {
    const w = sandboxWorld();
    const violations = watchCname(w);
    const source = structuredClone(instance(w, "production-db"));

    const first = await up(w.ctx(), { promote: true, retire: false });
    const a = first[0]!.generation;
    expect(first.map((r) => r.step)).toEqual(["new", "modify", "reboot", "promote"]);
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    expect(instance(w, a)).toMatchObject({
      status: "available",
      tags: { "echo:managed": "development", "echo:generation": a, "echo:stage": "promoted", serving: CNAME, team: "platform" },
      settings: { parameterGroupName: "development-postgres16", snapshotIdentifier: "rds:production-db-2026-11-25-03-10" },
    });

    w.sandbox.clock.advance(21 * HOUR);
    const second = await up(w.ctx(), { promote: true, retire: true });
    const b = second[0]!.generation;
    expect(b).not.toBe(a);
    expect(second.map((r) => `${r.step} ${r.generation}`)).toEqual([`new ${b}`, `modify ${b}`, `reboot ${b}`, `promote ${b}`, `forget ${a}`, `wait ${a}`]);
    // Demoted just now: resolvers may still hand out A's address for a TTL, so A is not retired yet; it waits.
    expect(second.at(-1)?.detail).toMatch(/less than the CNAME's TTL \(60 s\).*can be retired after/);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(instance(w, a)).toMatchObject({ status: "available", tags: { "echo:stage": "forgotten" } });
    expect(instance(w, a)?.tags).not.toHaveProperty("serving");

    w.sandbox.clock.advance(2 * 60_000);
    const third = await up(w.ctx(), { promote: true, retire: true });
    expect(third).toEqual([{ step: "retire", generation: a, detail: "final snapshot taken" }]);
    expect(instance(w, a)).toBeUndefined();
    expect(instance(w, b)).toMatchObject({ status: "available", tags: { "echo:stage": "promoted" } });
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(w.sandbox.world.rds.snapshots.find((s) => s.id === `${a}-final`)).toMatchObject({ instance: a, status: "available" });

    // The retired stack stays, empty, with its whole history: the audit trail.
    expect(w.sandbox.world.stacks[a]?.resources).toEqual([]);
    const history = await w.sandbox.engine.history(a);
    expect(history.map((h) => h.message).reverse()).toEqual([
      `new ${a} from rds:production-db-2026-11-25-03-10`,
      `modify ${a}`,
      `reboot ${a}`,
      `promote ${a}`,
      `forget ${a}: ${b} promoted`,
      `retire ${a}`,
    ]);
    expect(history.every((h) => h.result === "succeeded")).toBe(true);
    const merged = await echoHistory(w.ports, "development");
    expect(merged[0]).toMatchObject({ generation: a, kind: "destroy", message: `retire ${a}` });
    expect(merged.map((h) => h.startTime.getTime())).toEqual([...merged.map((h) => h.startTime.getTime())].sort((x, y) => y - x));

    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => [g.name, g.condition])).toEqual([[a, "retired"], [b, "promoted"]]);
    // The source instance is read, never touched.
    expect(instance(w, "production-db")).toEqual(source);
    expect(violations).toEqual([]);
  });

  it("status shows each generation and which one the live CNAME serves", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    const status = await echoStatus(w.ports, w.definition);
    const [a, b] = status.generations;
    expect(status.servedBy).toBe(a?.generation);
    expect(a).toMatchObject({ stage: "promoted", rdsStatus: "available", serving: true, snapshot: "rds:production-db-2026-11-25-03-10" });
    // RDS refuses tag values starting with `rds:`: the tag holds the id in a form it accepts, status reads it back.
    expect(w.sandbox.world.rds.instances[a!.generation]?.tags["echo:snapshot"]).toBe("automated:production-db-2026-11-25-03-10");
    expect(b).toMatchObject({ stage: "rebooted", rdsStatus: "available", serving: false });
    expect(a?.ageHours).toBeGreaterThan(21);
  });

  it("uses one stack listing and one DescribeDBInstances call per 100 generations for status", async () => {
    const w = sandboxWorld();
    for (let i = 0; i < 150; i++) {
      const name = `development-202611${String(1 + Math.floor(i / 24)).padStart(2, "0")}-${String(i % 24).padStart(2, "0")}00`;
      w.sandbox.world.stacks[name] = { name, settings: { echo: "development", stage: "new", snapshot: "x" }, secrets: {}, resources: [], outputs: {}, pending: [], history: [] };
    }
    const before = [...w.sandbox.faults.calls];
    await echoStatus(w.ports, w.definition);
    const calls = w.sandbox.faults.calls.slice(before.length);
    expect(calls.filter((c) => c === "engine.list")).toHaveLength(1);
    expect(calls.filter((c) => c === "rds.DescribeDBInstances")).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("engine.") && c !== "engine.list" && c !== "engine.history")).toEqual([]);
  });
});

describe("up is idempotent", () => {
  it("a second run right after does nothing, says so, and makes no engine update", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: true, retire: true });
    const updatesBefore = w.sandbox.faults.count("engine.update");
    const linesBefore = w.output.lines.length;
    expect(await up(w.ctx(), { promote: true, retire: true })).toEqual([]);
    // Saying so is the CLI's printer's job (once, on stdout, with what waits): the lifecycle adds no line of its own.
    expect(w.output.lines.length).toBe(linesBefore);
    expect(w.sandbox.faults.count("engine.update")).toBe(updatesBefore);
  });

  it("without --promote it stops at rebooted, and a later --promote finishes", async () => {
    const w = sandboxWorld();
    expect((await up(w.ctx(), { promote: false, retire: false })).map((r) => r.step)).toEqual(["new", "modify", "reboot"]);
    expect(await up(w.ctx(), { promote: false, retire: false })).toEqual([]);
    expect(cnameTarget(w)).toBeUndefined();
    expect((await up(w.ctx(), { promote: true, retire: false })).map((r) => r.step)).toEqual(["promote"]);
  });
});

describe("interrupted runs converge", () => {
  it("a run killed in the middle of new is resumed by the next up: same generation, one restore", async () => {
    const w = sandboxWorld();
    w.sandbox.faults.crashAt("engine:after-create-call");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
    const [name] = Object.keys(w.sandbox.world.stacks);
    expect(instance(w, name!)?.status).toBe("creating");
    expect(await w.sandbox.engine.pendingOperations(name!)).toMatchObject([{ operation: "creating", type: "aws:rds/instance:Instance", name: "db" }]);

    w.sandbox.clock.advance(10 * 60_000); // the next cron run, ten minutes later
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${name}`, `modify ${name}`, `reboot ${name}`, `promote ${name}`]);
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(1);
    expect(Object.keys(w.sandbox.world.stacks)).toEqual([name]);
    expect(Object.keys(w.sandbox.world.rds.instances).sort()).toEqual([name, "production-db"].sort());
    expect(w.sandbox.world.stacks[name!]?.resources.map((r) => r.name)).toEqual(["aws", "db", "cname"]);
    // Adopted with the provider's id for an RDS instance: its DbiResourceId.
    expect(w.sandbox.world.stacks[name!]?.resources.find((r) => r.name === "db")?.id).toBe(instance(w, name!)?.resourceId);
    expect(instance(w, name!)?.resourceId).toMatch(/^db-[0-9A-F]{26}$/);
    const history = await w.sandbox.engine.history(name!);
    expect(history.map((h) => `${h.kind} ${h.result}`).reverse().slice(0, 3)).toEqual(["update in-progress", "refresh succeeded", "update succeeded"]);
  });

  it("a run killed after the instance was recorded but before the update finished also converges", async () => {
    const w = sandboxWorld();
    w.sandbox.faults.crashAt("engine:before-finish");
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
    await up(w.ctx(), { promote: true, retire: false });
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(1);
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition)).toEqual(["promoted"]);
  });

  it("a restore RDS refused leaves no instance; the next up retries the same generation", async () => {
    const w = sandboxWorld();
    w.sandbox.faults.failOnce("rds.RestoreDBInstanceFromDBSnapshot", "InsufficientDBInstanceCapacity");
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toThrow(/InsufficientDBInstanceCapacity/);
    const [name] = Object.keys(w.sandbox.world.stacks);
    expect((await loadEchoState(w.ports, w.definition)).generations[0]?.condition).toBe("incomplete");
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports[0]).toMatchObject({ step: "resume", generation: name });
    expect(Object.keys(w.sandbox.world.stacks)).toEqual([name]);
  });

  it("a promotion whose demotion failed is finished by the next up: one promoted generation, CNAME kept", async () => {
    const w = sandboxWorld();
    const violations = watchCname(w);
    const [first] = await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    w.sandbox.faults.failOnce(`engine.update:${first!.generation}`, "connection reset");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(/connection reset/);
    const half = await loadEchoState(w.ports, w.definition);
    expect(half.generations.map((g) => g.condition)).toEqual(["promoted", "promoted"]);
    const b = half.generations[1]!.name;
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);

    // The CNAME already names B: only the demotion is left to do.
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`forget ${first!.generation}`]);
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition)).toEqual(["forgotten", "promoted"]);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(violations).toEqual([]);
  });

  it("a flip whose Route 53 change failed is finished by the next up, which never demotes the serving generation first", async () => {
    const w = sandboxWorld();
    const violations = watchCname(w);
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    w.sandbox.faults.failOnce("route53.ChangeResourceRecordSets", "Rate exceeded for ChangeResourceRecordSets");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(/ChangeResourceRecordSets/);
    const half = await loadEchoState(w.ports, w.definition);
    const b = half.generations[1]!.name;
    // B is tagged promoted, but Route 53 never took the change: the CNAME still names A.
    expect(half.generations.map((g) => g.condition)).toEqual(["promoted", "promoted"]);
    expect(cnameTarget(w)).toBe(instance(w, a!.generation)?.address);

    // Without --promote, a cron run does not move the CNAME on its own.
    expect(await up(w.ctx(), { promote: false, retire: false })).toEqual([{ step: "wait", generation: b, detail: expect.stringContaining("rerun with --promote") }]);
    expect(cnameTarget(w)).toBe(instance(w, a!.generation)?.address);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`promote ${b}`, `forget ${a!.generation}`]);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(w.sandbox.world.stacks[b]?.resources.map((r) => r.name)).toContain("cname");
    expect(violations).toEqual([]);
  });

  it("a stack locked by another run makes up stop (busy), also where the listing does not report the lock", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: false, retire: false });
    const name = Object.keys(w.sandbox.world.stacks)[0]!;
    // A file or S3 backend: `stack ls` has no updateInProgress, so only the lock itself tells.
    const engine = w.sandbox.engine;
    const list = async () => (await engine.list()).map((s) => ({ ...s, updateInProgress: false }));
    const hidden = new Proxy(engine, {
      get: (target, key) => {
        if (key === "list") return list;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    w.sandbox.world.stacks[name]!.lock = { pid: process.pid };
    const ctx = { ...w.ctx(), ports: { ...w.ports, engine: hidden } };
    const before = JSON.stringify(w.sandbox.world.rds);
    expect(await up(ctx, { promote: true, retire: true })).toEqual([{ step: "busy", generation: name, detail: "another run is updating it" }]);
    expect(JSON.stringify(w.sandbox.world.rds)).toBe(before);
    // Where the listing does report it, the same answer comes without trying.
    const updates = w.sandbox.faults.count("engine.update");
    expect(await up(w.ctx(), { promote: true, retire: true })).toEqual([{ step: "busy", generation: name, detail: "another run is updating it" }]);
    expect(w.sandbox.faults.count("engine.update")).toBe(updates);
  });

  it("two runs starting the same generation at once: the one whose create finds the stack taken says busy, restoring nothing", async () => {
    const w = sandboxWorld();
    const engine = w.sandbox.engine;
    // The other run's `stack init` lands between this run's listing and its own.
    const racing = new Proxy(engine, {
      get: (target, key) => {
        if (key === "create") {
          return async (...args: Parameters<typeof engine.create>) => {
            await engine.create(...args);
            return engine.create(...args);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const ctx = { ...w.ctx(), ports: { ...w.ports, engine: racing } };
    const [report] = await up(ctx, { promote: true, retire: true });
    expect(report).toEqual({ step: "busy", generation: Object.keys(w.sandbox.world.stacks)[0], detail: "another run is updating it" });
    expect(Object.keys(w.sandbox.world.rds.instances).filter((name) => name.startsWith("development-"))).toEqual([]);
  });

  it("keeps polling through throttling while it waits for a restore", async () => {
    const w = sandboxWorld();
    w.sandbox.faults.throttle("rds.DescribeDBInstances", 3);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => r.step)).toEqual(["new", "modify", "reboot", "promote"]);
    expect(w.output.lines.filter((l) => l.startsWith("warning: throttled while polling"))).toHaveLength(3);
  });
});
