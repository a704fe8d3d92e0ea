import { describe, expect, it } from "vitest";
import { planGeneration } from "../../src/program/plan.js";
import type { ProgramStage } from "../../src/program/stages.js";
import { generationName } from "../../src/definition/identifiers.js";
import { sandboxWorld, START, testDefinition } from "../helpers/sandbox.js";
import type { Declaration } from "../../src/program/evaluate.js";

const GENERATION = generationName("development", START);

/** Inputs that differ between two stages of the program, per resource, as the program itself declares them. */
async function declaredDiff(from: ProgramStage, to: ProgramStage) {
  const definition = testDefinition();
  const [a, b] = await Promise.all([planGeneration({ definition, generation: GENERATION, stage: from }), planGeneration({ definition, generation: GENERATION, stage: to })]);
  const byName = (ds: Declaration[]) => new Map(ds.map((d) => [d.name, d]));
  const before = byName(a.declarations);
  const after = byName(b.declarations);
  const diff: Record<string, string[] | "create" | "delete"> = {};
  for (const [name, d] of after) {
    const old = before.get(name);
    if (!old) diff[name] = "create";
    else {
      const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(d.inputs)])].filter((k) => JSON.stringify(old.inputs[k]) !== JSON.stringify(d.inputs[k]));
      if (keys.length) diff[name] = keys.sort();
    }
  }
  for (const name of before.keys()) if (!after.has(name)) diff[name] = "delete";
  return diff;
}

describe("sandbox fidelity", () => {
  it("the diff the sandbox reports for each stage move is exactly what the program declares differently", async () => {
    const w = sandboxWorld();
    const ctx = w.ctx();
    const { up } = await import("../../src/lifecycle/up.js");
    await up(ctx, { promote: false, retire: false });
    const generation = Object.keys(w.sandbox.world.stacks)[0]!;
    const settings = (await w.sandbox.engine.settings(generation))!;
    const zoneId = w.sandbox.world.route53.zones[0]!.id;
    const moves: [ProgramStage, ProgramStage][] = [["rebooted", "promoted"], ["promoted", "forgotten"]];
    for (const [from, to] of moves) {
      const preview = await w.sandbox.engine.preview(generation, { ...settings, stage: to, zoneId }, { message: "fidelity" });
      const reported = Object.fromEntries(preview.changes.filter((c) => c.op !== "same").map((c) => [c.name, c.op === "update" ? [...(c.keys ?? [])].sort() : c.op]));
      const declared = await declaredDiff(from, to);
      expect(reported, `${from} -> ${to}`).toEqual(declared);
      await w.sandbox.engine.update(generation, { ...settings, stage: to, zoneId }, { message: `move to ${to}` });
    }
  });

  it("the stage moves of new -> modified report the modifications and nothing that would replace the instance", async () => {
    const w = sandboxWorld();
    const { newGeneration } = await import("../../src/lifecycle/new.js");
    const { loadEchoState } = await import("../../src/lifecycle/echo-state.js");
    await newGeneration(w.ctx(), await loadEchoState(w.ports, w.definition));
    const generation = Object.keys(w.sandbox.world.stacks)[0]!;
    const settings = (await w.sandbox.engine.settings(generation))!;
    const preview = await w.sandbox.engine.preview(generation, { ...settings, stage: "modified" }, { message: "x" });
    const db = preview.changes.find((c) => c.name === "db")!;
    expect(db.op).toBe("update");
    expect(db.keys).toEqual(await declaredDiff("new", "modified").then((d) => d["db"]));
  });

  it("a CNAME upsert replaces the target in place", async () => {
    const w = sandboxWorld();
    const { up } = await import("../../src/lifecycle/up.js");
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    const zone = w.sandbox.world.route53.zones[0]!;
    expect(Object.keys(zone.records)).toEqual(["development.db.example.com"]);
    w.sandbox.clock.advance(21 * 3_600_000);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    const b = reports[0]!.generation;
    expect(Object.keys(zone.records)).toEqual(["development.db.example.com"]);
    expect(zone.records["development.db.example.com"]).toEqual({ type: "CNAME", ttl: 60, values: [w.sandbox.world.rds.instances[b]!.address] });
    expect(a!.generation).not.toBe(b);
  });

  it("destroying a stack whose record is retainOnDelete leaves the live record", async () => {
    const w = sandboxWorld();
    const { up } = await import("../../src/lifecycle/up.js");
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    const record = structuredClone(w.sandbox.world.route53.zones[0]!.records);
    const plan = await w.sandbox.engine.previewDestroy(a!.generation);
    expect(plan.changes.map((c) => `${c.op} ${c.name}${c.retained ? " (retained)" : ""}`)).toEqual(["delete cname (retained)", "delete db", "delete aws"]);
    await w.sandbox.engine.destroy(a!.generation, { message: "destroy directly" });
    expect(w.sandbox.world.route53.zones[0]!.records).toEqual(record);
    expect(w.sandbox.world.rds.instances[a!.generation]).toBeUndefined();
  });

  it("a retired instance's final snapshot exists when configured, and not when skipped", async () => {
    for (const skip of [false, true]) {
      const w = sandboxWorld(testDefinition((d) => (d.retire = skip ? { skipFinalSnapshot: true, keep: 0 } : { finalSnapshotName: "{echo}-final-{generation}", keep: 0 })));
      const { up } = await import("../../src/lifecycle/up.js");
      const [a] = await up(w.ctx(), { promote: true, retire: false });
      w.sandbox.clock.advance(21 * 3_600_000);
      await up(w.ctx(), { promote: true, retire: false });
      w.sandbox.clock.advance(5 * 60_000);
      await up(w.ctx(), { promote: true, retire: true });
      const final = w.sandbox.world.rds.snapshots.filter((s) => s.instance === a!.generation);
      expect(final.map((s) => s.id)).toEqual(skip ? [] : [`development-final-${a!.generation}`]);
    }
  });

  it("a final snapshot carries the instance's tags only with copyTagsToSnapshot, as RDS copies them", async () => {
    for (const copy of [true, false]) {
      const w = sandboxWorld(testDefinition((d) => (d.instance.copyTagsToSnapshot = copy)));
      const { up } = await import("../../src/lifecycle/up.js");
      const [a] = await up(w.ctx(), { promote: true, retire: false });
      w.sandbox.clock.advance(21 * 3_600_000);
      await up(w.ctx(), { promote: true, retire: false });
      w.sandbox.clock.advance(5 * 60_000);
      await up(w.ctx(), { promote: true, retire: true });
      const [final] = w.sandbox.world.rds.snapshots.filter((s) => s.instance === a!.generation);
      expect(final, "the retired generation's final snapshot").toBeDefined();
      if (copy) expect(final?.tags).toMatchObject({ "echo:managed": "development", "echo:generation": a!.generation, team: "platform" });
      else expect(final?.tags).toBeUndefined();
    }
  });

  it("lists and deletes only this account's manual snapshots and instances of this region, as RDS does", async () => {
    // The world also holds a source's snapshots and instances in other accounts and regions (source.copy, assumeRole).
    const w = sandboxWorld();
    const tags = { "echo:managed": "development", "echo:generation": GENERATION };
    const snapshot = (id: string, place: { account?: string; region?: string }) => ({ id, arn: `arn:aws:rds:x:y:snapshot:${id}`, instance: "production-db", type: "manual" as const, status: "available", createdAt: 0, port: 5432, tags, ...place });
    w.sandbox.world.rds.snapshots.push(snapshot(`${GENERATION}-final`, {}), snapshot(`${GENERATION}-final`, { account: "222222222222" }), snapshot(`${GENERATION}-final`, { region: "us-east-1" }));
    expect((await w.ports.rds.manualSnapshots()).filter((s) => s.id === `${GENERATION}-final`)).toHaveLength(1);
    await w.ports.rds.deleteSnapshot(`${GENERATION}-final`);
    expect(w.sandbox.world.rds.snapshots.filter((s) => s.id === `${GENERATION}-final`).map((s) => s.account ?? s.region)).toEqual(["222222222222", "us-east-1"]);

    const own = Object.values(w.sandbox.world.rds.instances)[0]!;
    w.sandbox.world.rds.instances["elsewhere"] = { ...own, id: "elsewhere", account: "222222222222", tags: { ...own.tags, "echo:managed": "development" } };
    own.tags = { ...own.tags, "echo:managed": "development" };
    expect((await w.ports.rds.instancesTagged("echo:managed", "development")).map((i) => i.id)).toEqual([own.id]);
  });

  it("retires a generation that had deletion protection (lifted at demotion)", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.modify.deletionProtection = true)));
    const { up } = await import("../../src/lifecycle/up.js");
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    expect(w.sandbox.world.rds.instances[a!.generation]?.settings["deletionProtection"]).toBe(true);
    w.sandbox.clock.advance(21 * 3_600_000);
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(5 * 60_000);
    const reports = await up(w.ctx(), { promote: true, retire: true });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`retire ${a!.generation}`]);
    expect(w.sandbox.world.rds.instances[a!.generation]).toBeUndefined();
  });

  it("keeps secrets out of the stored state", async () => {
    const w = sandboxWorld();
    const { up } = await import("../../src/lifecycle/up.js");
    await up(w.ctx(), { promote: true, retire: false });
    expect(JSON.stringify(w.sandbox.world)).not.toContain("correct-horse-battery-staple");
  });
});
