import { describe, expect, it } from "vitest";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { echoHistory } from "../../src/lifecycle/history.js";
import { retireGenerations } from "../../src/lifecycle/retire.js";
import { rollbackGeneration } from "../../src/lifecycle/rollback.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const CNAME = "development.db.example.com";

function cnameTarget(w: World): string | undefined {
  return w.sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === CNAME)?.[1].values[0];
}
const instance = (w: World, id: string) => w.sandbox.world.rds.instances[id];
const state = (w: World) => loadEchoState(w.ports, w.definition);

/** A promoted, then B promoted over it (A forgotten, kept by retire.keep: 1). */
async function twoGenerations(keep = 1): Promise<{ w: World; a: string; b: string }> {
  const w = sandboxWorld(testDefinition((d) => (d.retire.keep = keep)));
  const a = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
  w.sandbox.clock.advance(21 * HOUR);
  const b = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
  expect(cnameTarget(w)).toBe(instance(w, b)?.address);
  return { w, a, b };
}

describe("rollback (sandbox)", () => {
  it("points the CNAME back at the newest forgotten generation, UPSERT first, and marks the one it leaves", async () => {
    const { w, a, b } = await twoGenerations();
    // The CNAME must never name a missing or unavailable instance, at any operation of the rollback.
    // The order, checked before every operation: the CNAME never names a missing or unavailable instance, it moves
    // to A only once B carries the mark, and B is demoted only once the CNAME names A.
    const violations: string[] = [];
    w.sandbox.faults.observe((op) => {
      const target = cnameTarget(w);
      const served = Object.values(w.sandbox.world.rds.instances).find((i) => i.address === target);
      if (!served || served.status !== "available") violations.push(`${op}: CNAME -> ${target}`);
      if (target === instance(w, a)?.address && instance(w, b)?.tags["echo:rolled-back"] !== a) violations.push(`${op}: CNAME -> A before B was marked`);
      if (instance(w, b)?.tags["echo:stage"] === "forgotten" && target !== instance(w, a)?.address) violations.push(`${op}: B demoted before the CNAME named A`);
    });
    const reports = await rollbackGeneration(w.ctx(), await state(w));
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`rollback ${a}`, `forget ${b}`]);
    expect(violations).toEqual([]);
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    expect(instance(w, a)?.tags).toMatchObject({ "echo:stage": "promoted", serving: CNAME });
    expect(instance(w, b)?.tags).toMatchObject({ "echo:stage": "forgotten", "echo:rolled-back": a });
    // The mark is in B's stack settings (what the Pulumi adapter maps to `rds-echo:rolledBack`).
    expect((await w.ports.engine.settings(b))?.rolledBack).toBe(a);
    expect((await w.ports.engine.settings(a))?.rolledBack).toBeUndefined();
    const messages = (await echoHistory(w.ports, "development")).map((h) => `${h.generation}: ${h.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([`${a}: rollback development: ${b} -> ${a}`, `${b}: mark ${b} rolled back (rollback development: ${b} -> ${a})`, `${b}: forget ${b}: rolled back to ${a}`]),
    );
  });

  it("up --promote never re-promotes the rolled-back generation, and no new generation starts before the guard allows", async () => {
    const { w, a, b } = await twoGenerations();
    await rollbackGeneration(w.ctx(), await state(w));
    w.sandbox.clock.advance(2 * 60_000);
    // Retire destroys the rolled-back generation (it is no rollback target), never the one now promoted.
    const retired = await up(w.ctx(), { promote: true, retire: true });
    expect(retired.map((r) => `${r.step} ${r.generation}`)).toEqual([`retire ${b}`]);
    expect(instance(w, a)?.tags["echo:stage"]).toBe("promoted");
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    // B is gone, yet its age still holds the guard: no restore right after a rollback.
    w.sandbox.clock.advance(10 * HOUR);
    expect(await up(w.ctx(), { promote: true, retire: true })).toEqual([]);
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    w.sandbox.clock.advance(11 * HOUR);
    const next = await up(w.ctx(), { promote: true, retire: true });
    expect(next.map((r) => r.step)).toEqual(["new", "modify", "reboot", "promote", "forget"]);
    expect(cnameTarget(w)).toBe(instance(w, next[0]!.generation)?.address);
  });

  it("a run that died between the flip and the demotion is finished by up as a rollback, not as B's promotion", async () => {
    const { w, a, b } = await twoGenerations();
    let updates = 0;
    w.sandbox.faults.observe((op) => {
      // The third update of the rollback is B's demotion: mark, A's promotion, then this one.
      if (op === "engine.update" && ++updates === 3) w.sandbox.faults.failOnce(`engine.update:${b}`, "simulated death before the demotion");
    });
    await expect(rollbackGeneration(w.ctx(), await state(w))).rejects.toThrow(/simulated death/);
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    expect((await state(w)).generations.filter((g) => g.condition === "promoted").map((g) => g.name)).toEqual([a, b]);
    const finished = await up(w.ctx(), { promote: true, retire: false });
    expect(finished.map((r) => `${r.step} ${r.generation}`)).toEqual([`forget ${b}`]);
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
    expect(instance(w, b)?.tags).toMatchObject({ "echo:stage": "forgotten", "echo:rolled-back": a });
  });

  it("the default target skips a generation rolled back from; --to names it explicitly (undoing the rollback)", async () => {
    const { w, a, b } = await twoGenerations(2);
    await rollbackGeneration(w.ctx(), await state(w));
    await expect(rollbackGeneration(w.ctx(), await state(w))).rejects.toThrow(new RegExp(`no forgotten generation of development to go back to \\(${b} was rolled back from`));
    const undone = await rollbackGeneration(w.ctx(), await state(w), { to: b });
    expect(undone[0]).toMatchObject({ step: "rollback", generation: b });
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    // Serving again, B loses its mark; A now carries one.
    expect(instance(w, b)?.tags).not.toHaveProperty("echo:rolled-back");
    expect((await w.ports.engine.settings(b))?.rolledBack).toBeUndefined();
    expect(instance(w, a)?.tags["echo:rolled-back"]).toBe(b);
    expect(w.output.lines.some((l) => l.includes(`${b} was rolled back from before`))).toBe(true);
  });

  it("refuses (exit 2) a target that no longer exists, is not available, or is not forgotten; nothing changes", async () => {
    const { w, a, b } = await twoGenerations(0);
    w.sandbox.clock.advance(2 * 60_000);
    await retireGenerations(w.ctx(), await state(w));
    const before = cnameTarget(w);
    await expect(rollbackGeneration(w.ctx(), await state(w))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/retire\.keep is what makes rollback possible/) });
    await expect(rollbackGeneration(w.ctx(), await state(w), { to: a })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(new RegExp(`${a} no longer exists \\(it is retired\\)`)) });
    await expect(rollbackGeneration(w.ctx(), await state(w), { to: b })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/is promoted already/) });
    await expect(rollbackGeneration(w.ctx(), await state(w), { to: "development-20200101-0000" })).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/is not a generation of development/) });
    expect(cnameTarget(w)).toBe(before);

    const kept = await twoGenerations(1);
    kept.w.sandbox.world.rds.instances[kept.a]!.status = "stopped";
    await expect(rollbackGeneration(kept.w.ctx(), await state(kept.w))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(new RegExp(`${kept.a} is stopped, not available`)) });
    expect(cnameTarget(kept.w)).toBe(instance(kept.w, kept.b)?.address);
  });

  it("--preview shows the flip and every move, and changes nothing", async () => {
    const { w, a, b } = await twoGenerations();
    const updates = w.sandbox.faults.count("engine.update");
    const reports = await rollbackGeneration(w.ctx(), await state(w), { preview: true });
    expect(reports).toEqual([expect.objectContaining({ step: "preview", generation: a })]);
    expect(w.sandbox.faults.count("engine.update")).toBe(updates);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    const shown = w.output.diffs.slice(-3);
    const flip = shown.flatMap((d) => d.changes.changes).find((c) => c.type === "route53:cname-flip");
    expect(flip?.diffs?.[0]).toEqual({ key: "target", old: instance(w, b)?.address, new: instance(w, a)?.address });
    expect(shown.map((d) => d.title)).toEqual([`mark ${b} rolled back (rollback development: ${b} -> ${a})`, `rollback development: ${b} -> ${a}`, `forget ${b}: rolled back to ${a}`]);
  });
});

describe("a superseded generation stays superseded (issue 18, item 4)", () => {
  it("after a rollback and a retire of the generation rolled back from, the older unpromoted one is never promoted", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.retire.keep = 1)));
    const a = (await up(w.ctx(), { promote: true, retire: false }))[0]!.generation;
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    const x = (await state(w)).generations.at(-1)!.name; // rebooted, never promoted
    w.sandbox.clock.advance(HOUR);
    const b = (await newGeneration(w.ctx({ force: true }), await state(w))).generation;
    await up(w.ctx(), { promote: false, retire: false });
    expect((await promoteGeneration(w.ctx(), await state(w)))[0]).toMatchObject({ step: "promote", generation: b });
    expect((await state(w)).generations.find((g) => g.name === x)?.condition).toBe("superseded");

    await rollbackGeneration(w.ctx(), await state(w), { to: a });
    w.sandbox.clock.advance(HOUR); // past the CNAME's TTL
    await retireGenerations(w.ctx(), await state(w), { generation: b });
    const after = await state(w);
    expect(after.generations.find((g) => g.name === b)?.condition).toBe("retired");
    expect(after.generations.find((g) => g.name === x)).toMatchObject({ condition: "superseded", supersededBy: b });
    const served = cnameTarget(w);
    await expect(promoteGeneration(w.ctx(), after)).rejects.toThrow(`${x} is superseded by ${b}`);
    expect(await up(w.ctx(), { promote: true, retire: false })).toEqual([]);
    expect(cnameTarget(w)).toBe(served);
  });
});
