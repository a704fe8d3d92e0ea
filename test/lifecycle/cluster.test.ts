import { describe, expect, it } from "vitest";
import { SimulatedCrash } from "../../src/adapters/sandbox/index.js";
import { clusterEndpoints } from "../../src/adapters/sandbox/cluster-world.js";
import type { ClusterEchoDefinition } from "../../src/definition/cluster-schema.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { echoStatus } from "../../src/lifecycle/status.js";
import { up } from "../../src/lifecycle/up.js";
import { retireGenerations } from "../../src/lifecycle/retire.js";
import { rebootGeneration } from "../../src/lifecycle/reboot.js";
import { rollbackGeneration } from "../../src/lifecycle/rollback.js";
import { clusterDefinition } from "../helpers/clusters.js";
import { sandboxWorld, START, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const CNAME = "analytics.db.example.com";
const READER = "analytics-ro.db.example.com";

function definitionOf(kind: "clone" | "latest-snapshot", mutate: (d: Record<string, any>) => void = () => {}): ClusterEchoDefinition {
  return clusterDefinition((d) => {
    d.source.from = kind;
    d.retire.keep = 0;
    mutate(d);
  });
}

const record = (w: World, name: string) => w.sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([n]) => n === name)?.[1].values[0];
const clusters = (w: World) => w.sandbox.world.rds.clusters ?? {};
const membersOf = (w: World, id: string) => Object.values(w.sandbox.world.rds.instances).filter((i) => i.cluster === id);

/**
 * The no-dangling invariant for clusters, checked before every simulated operation: once a CNAME exists, it names the
 * writer (or reader) endpoint of a cluster that exists, is available, and has every one of its instances available.
 */
function watchCnames(w: World, instances: number): string[] {
  const violations: string[] = [];
  w.sandbox.faults.observe((operation) => {
    for (const [name, key] of [[CNAME, "address"], [READER, "readerAddress"]] as const) {
      const target = record(w, name);
      if (target === undefined) continue;
      const cluster = Object.values(clusters(w)).find((c) => c[key] === target);
      if (!cluster) violations.push(`${operation}: ${name} -> ${target}, which no cluster has`);
      else if (cluster.status !== "available") violations.push(`${operation}: ${name} -> ${cluster.id}, which is ${cluster.status}`);
      else {
        const members = membersOf(w, cluster.id);
        if (members.length < instances || members.some((m) => m.status !== "available")) violations.push(`${operation}: ${name} -> ${cluster.id}, whose instances are not all available`);
      }
    }
  });
  return violations;
}

/** How many resources each stack operation replaced, over every generation's history. */
function replacements(w: World): number {
  return Object.values(w.sandbox.world.stacks).flatMap((s) => s.history).reduce((n, h) => n + (h.resourceChanges.replace ?? 0), 0);
}

describe.each(["latest-snapshot", "clone"] as const)("a cluster echo through the lifecycle on the sandbox (%s)", (kind) => {
  it("promotes A, then B (A forgotten), retires A with its instances and final snapshot; the CNAMEs never dangle, nothing is replaced", async () => {
    const w = sandboxWorld(definitionOf(kind));
    const violations = watchCnames(w, 2);
    const source = structuredClone(clusters(w)["production-aurora"]);

    const first = await up(w.ctx(), { promote: true, retire: false });
    const a = first[0]!.generation;
    expect(first.map((r) => r.step)).toEqual(["new", "modify", "reboot", "promote"]);
    expect(clusters(w)[a]).toMatchObject({
      status: "available",
      engine: "aurora-postgresql",
      tags: { "echo:managed": "analytics", "echo:generation": a, "echo:stage": "promoted" },
      settings: { dbClusterParameterGroupName: "analytics-aurora-pg16" },
      ...(kind === "clone" ? { cloneOf: "production-aurora" } : { snapshot: "rds:production-aurora-2026-11-25-03-10" }),
    });
    expect(membersOf(w, a).map((m) => [m.id, m.status, m.pendingReboot, m.settings["dbParameterGroupName"]])).toEqual([
      [`${a}-1`, "available", false, "analytics-aurora-pg16-instance"],
      [`${a}-2`, "available", false, "analytics-aurora-pg16-instance"],
    ]);
    expect(record(w, CNAME)).toBe(clusters(w)[a]!.address);
    expect(record(w, READER)).toBe(clusters(w)[a]!.readerAddress);

    w.sandbox.clock.advance(21 * HOUR);
    const second = await up(w.ctx(), { promote: true, retire: false });
    const b = second[0]!.generation;
    expect(second.map((r) => `${r.step} ${r.generation}`)).toEqual([`new ${b}`, `modify ${b}`, `reboot ${b}`, `promote ${b}`, `forget ${a}`]);
    expect(record(w, CNAME)).toBe(clusters(w)[b]!.address);
    expect(record(w, READER)).toBe(clusters(w)[b]!.readerAddress);
    expect(clusters(w)[a]!.tags["echo:stage"]).toBe("forgotten");

    w.sandbox.clock.advance(HOUR);
    const retired = await retireGenerations(w.ctx(), await loadEchoState(w.ports, w.definition));
    expect(retired.map((r) => `${r.step} ${r.generation}`)).toEqual([`retire ${a}`]);
    expect(clusters(w)[a]).toBeUndefined();
    expect(membersOf(w, a)).toEqual([]);
    expect(w.sandbox.world.rds.clusterSnapshots!.find((s) => s.id === `${a}-final`)).toMatchObject({ cluster: a, type: "manual", status: "available" });
    expect(w.sandbox.world.stacks[a]!.resources).toEqual([]);
    // B and production untouched; nothing replaced on any stage move; the CNAMEs never named a cluster not ready.
    expect(membersOf(w, b)).toHaveLength(2);
    expect(clusters(w)["production-aurora"]).toEqual(source);
    expect(replacements(w)).toBe(0);
    expect(violations).toEqual([]);
    const status = await echoStatus(w.ports, w.definition);
    expect(status.servedBy).toBe(b);
    expect(status.generations.map((g) => [g.generation, g.stage])).toEqual([[a, "retired"], [b, "promoted"]]);
  });

  it("never promotes a cluster before all its instances are available, and reports the cluster's progress while waiting", async () => {
    const w = sandboxWorld(definitionOf(kind));
    await up(w.ctx(), { promote: false, retire: false });
    const polled = w.output.polls.map((p) => p.status);
    expect(polled).toContain("creating");
    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => [g.condition, g.instance?.status])).toEqual([["rebooted", "available"]]);
  });
});

describe("rollback of a cluster echo on the sandbox", () => {
  it("points both CNAMEs back at the previous cluster's writer and reader endpoints, and marks the cluster rolled back from", async () => {
    const w = sandboxWorld(definitionOf("clone", (d) => (d.retire.keep = 1)));
    const violations = watchCnames(w, 2);
    const a = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
    w.sandbox.clock.advance(21 * HOUR);
    const b = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
    expect(record(w, CNAME)).toBe(clusters(w)[b]!.address);

    const reports = await rollbackGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`rollback ${a}`, `forget ${b}`]);
    // The writer endpoint (database.ts's view of the cluster), never a member instance's own address.
    expect(record(w, CNAME)).toBe(clusters(w)[a]!.address);
    expect(record(w, READER)).toBe(clusters(w)[a]!.readerAddress);
    expect(clusters(w)[a]!.tags).toMatchObject({ "echo:stage": "promoted" });
    expect(clusters(w)[b]!.tags).toMatchObject({ "echo:stage": "forgotten", "echo:rolled-back": a });
    expect(membersOf(w, b).every((m) => m.tags["echo:rolled-back"] === a)).toBe(true);
    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => [g.name, g.condition, g.rolledBackTo])).toEqual([[a, "promoted", undefined], [b, "forgotten", a]]);
    expect(replacements(w)).toBe(0);
    expect(violations).toEqual([]);
  });
});

describe("clone vs restore on the sandbox's clock", () => {
  async function timeToPromotable(kind: "clone" | "latest-snapshot"): Promise<number> {
    const w = sandboxWorld(definitionOf(kind));
    const start = w.sandbox.world.now;
    await up(w.ctx(), { promote: false, retire: false });
    expect((await loadEchoState(w.ports, w.definition)).generations[0]!.condition).toBe("rebooted");
    return w.sandbox.world.now - start;
  }

  it("a clone is promotable in well under an hour, a restore from the cluster snapshot only after hours", async () => {
    const clone = await timeToPromotable("clone");
    const restore = await timeToPromotable("latest-snapshot");
    expect(clone).toBeLessThan(HOUR);
    expect(restore).toBeGreaterThan(3 * HOUR);
  });
});

describe("cluster guards on the sandbox", () => {
  it("reboots only the instances that wait for it: nothing pending, no reboot", async () => {
    const w = sandboxWorld(definitionOf("clone", (d) => {
      delete d.modify.clusterParameterGroup;
      delete d.modify.parameterGroup;
    }));
    const steps = await up(w.ctx(), { promote: false, retire: false });
    expect(steps.find((s) => s.step === "reboot")?.detail).toBe("nothing pending; reboot skipped");
  });

  it("refuses to clone a source cluster that is not available, before anything is created", async () => {
    const w = sandboxWorld(definitionOf("clone"));
    clusters(w)["production-aurora"]!.status = "modifying";
    clusters(w)["production-aurora"]!.readyAt = START.getTime() + 10 * HOUR;
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toThrow(/production-aurora is modifying/);
    expect(Object.keys(w.sandbox.world.stacks)).toEqual([]);
  });

  it("restores the newest available cluster snapshot, never one still being created", async () => {
    const w = sandboxWorld(definitionOf("latest-snapshot"));
    const [report] = await up(w.ctx(), { promote: false, retire: false });
    expect(report!.detail).toBe("restored from rds:production-aurora-2026-11-25-03-10");
    expect(clusters(w)[report!.generation]!.encrypted).toBe(true);
  });

  it("a forced reboot reboots every instance of the cluster", async () => {
    const w = sandboxWorld(definitionOf("clone"));
    await up(w.ctx(), { promote: false, retire: false });
    const g = (await loadEchoState(w.ports, w.definition)).generations[0]!;
    // Move it back to modified, as a run that died before its reboot would have left it.
    const stack = w.sandbox.world.stacks[g.name]!;
    stack.settings = { ...stack.settings, stage: "modified" };
    clusters(w)[g.name]!.tags["echo:stage"] = "modified";
    w.output.lines.length = 0;
    await rebootGeneration(w.ctx({ force: true }), await loadEchoState(w.ports, w.definition));
    expect(w.output.lines).toContain(`rebooted ${g.name}-1, ${g.name}-2`);
  });

  it("the sandbox's cluster endpoints look like RDS's", () => {
    const w = sandboxWorld(definitionOf("clone"));
    expect(clusterEndpoints(w.sandbox.world, "x")).toEqual({
      address: expect.stringMatching(/^x\.cluster-[0-9a-f]{12}\.eu-west-1\.rds\.amazonaws\.com$/),
      readerAddress: expect.stringMatching(/^x\.cluster-ro-[0-9a-f]{12}\.eu-west-1\.rds\.amazonaws\.com$/),
    });
  });
});

describe("interrupted cluster runs converge", () => {
  it("a run killed right after the clone call is resumed: the cluster adopted by its identifier, one clone, then its instances", async () => {
    const w = sandboxWorld(definitionOf("clone"));
    w.sandbox.faults.crashAt("engine:after-create-call");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
    const [name] = Object.keys(w.sandbox.world.stacks);
    expect(clusters(w)[name!]?.status).toBe("creating");
    expect(await w.sandbox.engine.pendingOperations(name!)).toMatchObject([{ operation: "creating", type: "aws:rds/cluster:Cluster", name: "cluster" }]);
    // The cluster exists (tagged new) but is still creating, with no instance yet: the next up must resume it.
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => [g.condition, g.instance?.status])).toEqual([["new", "creating"]]);

    w.sandbox.clock.advance(10 * 60_000);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${name}`, `modify ${name}`, `reboot ${name}`, `promote ${name}`]);
    expect(w.sandbox.faults.count("rds.RestoreDBClusterToPointInTime")).toBe(1);
    expect(w.sandbox.faults.count("rds.CreateDBInstance")).toBe(2);
    expect(w.sandbox.world.stacks[name!]?.resources.find((r) => r.name === "cluster")?.id).toBe(name);
    expect(membersOf(w, name!).map((m) => m.status)).toEqual(["available", "available"]);
    expect(record(w, CNAME)).toBe(clusters(w)[name!]!.address);
  });

  it("a run killed after the cluster was recorded (its instances not yet created) converges on the next up", async () => {
    const w = sandboxWorld(definitionOf("latest-snapshot"));
    w.sandbox.faults.crashAt("engine:before-finish");
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
    await up(w.ctx(), { promote: true, retire: false });
    expect(w.sandbox.faults.count("rds.RestoreDBClusterFromSnapshot")).toBe(1);
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition)).toEqual(["promoted"]);
    expect(replacements(w)).toBe(0);
  });
});

describe("a cluster stage move never replaces the database", () => {
  it("refuses, before touching anything, a definition edit that would replace the cluster or its instances (subnet group: force-new)", async () => {
    const w = sandboxWorld(definitionOf("latest-snapshot"));
    await up(w.ctx(), { promote: false, retire: false });
    w.sandbox.clock.advance(HOUR);
    w.edit(definitionOf("latest-snapshot", (d) => (d.cluster.subnetGroup = "analytics-db-2")));
    const before = JSON.stringify(w.sandbox.world.rds);
    const { GuardError } = await import("../../src/errors.js");
    const error = await up(w.ctx(), { promote: true, retire: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardError);
    expect(String(error)).toContain(`would replace the database (cluster) (changed: dbSubnetGroupName, tags)`);
    expect(JSON.stringify(w.sandbox.world.rds)).toBe(before);
    expect(replacements(w)).toBe(0);
  });
});
