/**
 * A generation's stage is what its stack says; the instance's tags only mirror it. These runs die (or are tampered
 * with) between the provider writing a tag and the engine recording the update, and the next run must finish the
 * move the stack records, never trust the tag.
 */
import { describe, expect, it } from "vitest";
import { SimulatedCrash } from "../../src/adapters/sandbox/index.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { echoStatus } from "../../src/lifecycle/status.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const CNAME = "development.db.example.com";

function cnameTarget(w: World): string | undefined {
  return w.sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === CNAME)?.[1].values[0];
}

const instance = (w: World, id: string) => w.sandbox.world.rds.instances[id];
const conditions = async (w: World) => (await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition);

/** A promoted; a day later B rebooted, waiting for its promotion. */
async function promotedAndRebooted(w: World): Promise<{ a: string; b: string }> {
  const [first] = await up(w.ctx(), { promote: true, retire: false });
  w.sandbox.clock.advance(21 * HOUR);
  const [second] = await up(w.ctx(), { promote: false, retire: false });
  return { a: first!.generation, b: second!.generation };
}

/** A promoted, B rebooted; then `up --promote` dies in A's demotion, after the provider tagged A forgotten. */
async function demotionKilledAfterTags(w: World): Promise<{ a: string; b: string }> {
  const { a, b } = await promotedAndRebooted(w);
  w.sandbox.faults.crashAt("rds:after-tags", a);
  await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
  return { a, b };
}

describe("an interrupted demotion", () => {
  it("is finished by the next up (said, and in A's history), and a later retire succeeds despite deletion protection", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.modify.deletionProtection = true)));
    const { a, b } = await demotionKilledAfterTags(w);
    // What the dead run left: B serves, A's instance says forgotten and still holds deletion protection, A's stack
    // (what the backend recorded) still says promoted, with the update pending.
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(instance(w, a)?.tags["echo:stage"]).toBe("forgotten");
    expect(instance(w, a)?.settings["deletionProtection"]).toBe(true);
    expect((await w.sandbox.engine.settings(a))?.stage).toBe("promoted");
    expect(await w.sandbox.engine.pendingOperations(a)).toMatchObject([{ operation: "updating", name: "db" }]);
    expect(await conditions(w)).toEqual(["promoted", "promoted"]);

    w.sandbox.clock.advance(10 * 60_000);
    const reports = await up(w.ctx(), { promote: true, retire: true });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`forget ${a}`, `wait ${a}`]);
    expect(w.output.lines).toContain(`forget ${a}: ${b} promoted (finishing the interrupted demotion of ${a})`);
    const history = (await w.sandbox.engine.history(a)).map((h) => `${h.kind} ${h.result} ${h.message}`);
    expect(history.slice(0, 2)).toEqual([`update succeeded forget ${a}: ${b} promoted (finishing the interrupted demotion of ${a})`, `refresh succeeded recover ${a}: clearing 1 interrupted operation(s)`]);
    expect(await w.sandbox.engine.pendingOperations(a)).toEqual([]);
    expect((await w.sandbox.engine.settings(a))?.stage).toBe("forgotten");
    expect(instance(w, a)?.settings["deletionProtection"]).toBe(false);
    expect(await conditions(w)).toEqual(["forgotten", "promoted"]);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);

    w.sandbox.clock.advance(2 * 60_000);
    expect(await up(w.ctx(), { promote: true, retire: true })).toEqual([{ step: "retire", generation: a, detail: "final snapshot taken" }]);
    expect(instance(w, a)).toBeUndefined();
  });

  it("is never retired as it stands, even by retire itself: its stack says promoted", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.modify.deletionProtection = true)));
    const { a } = await demotionKilledAfterTags(w);
    w.sandbox.clock.advance(HOUR);
    const { retireGenerations, retireCandidates } = await import("../../src/lifecycle/retire.js");
    const state = await loadEchoState(w.ports, w.definition);
    expect(retireCandidates(state, 0)).toEqual([]);
    await expect(retireGenerations(w.ctx({ force: true }), state, { generation: a })).rejects.toThrow(/is promoted; only forgotten generations are retired/);
    expect(instance(w, a)?.status).toBe("available");
  });
});

describe("a tag that disagrees with its stack", () => {
  it("is a mirror, not the truth: the stack's stage is applied again, said, and nothing is retired on the tag's word", async () => {
    const w = sandboxWorld();
    const [first] = await up(w.ctx(), { promote: true, retire: false });
    const a = first!.generation;
    // Anyone with tagging rights can do this.
    instance(w, a)!.tags["echo:stage"] = "forgotten";
    expect(await conditions(w)).toEqual(["promoted"]);
    expect((await echoStatus(w.ports, w.definition)).generations).toMatchObject([{ generation: a, stage: "promoted", taggedStage: "forgotten", serving: true }]);
    w.sandbox.clock.advance(HOUR);
    const reports = await up(w.ctx(), { promote: true, retire: true });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${a}`]);
    expect(w.output.lines).toContain(`resume ${a}: its instance is tagged forgotten, its stack says promoted`);
    expect(instance(w, a)?.tags["echo:stage"]).toBe("promoted");
    expect(instance(w, a)?.status).toBe("available");
    expect(cnameTarget(w)).toBe(instance(w, a)?.address);
  });

  it("on an unpromoted generation: its stack's stage is applied again before up moves it on", async () => {
    const w = sandboxWorld();
    const [first] = await up(w.ctx(), { promote: false, retire: false });
    const a = first!.generation;
    instance(w, a)!.tags["echo:stage"] = "promoted";
    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => [g.condition, g.mirror])).toEqual([["rebooted", "promoted"]]);
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${a}`]);
    expect(instance(w, a)?.tags["echo:stage"]).toBe("rebooted");
    expect(cnameTarget(w)).toBeUndefined();
  });

  it("never applies a promoted stack whose generation the live CNAME does not name: that would move the CNAME", async () => {
    const w = sandboxWorld();
    const { a, b } = await promotedAndRebooted(w);
    // Route 53 changed by hand to B, and A's tag edited: re-applying A's stack at promoted would UPSERT A back.
    const record = w.sandbox.world.route53.zones.flatMap((z) => Object.values(z.records))[0]!;
    record.values = [instance(w, b)!.address!];
    instance(w, a)!.tags["echo:stage"] = "forgotten";
    const reports = await up(w.ctx(), { promote: true, retire: true });
    expect(reports).toEqual([{ step: "wait", generation: a, detail: expect.stringContaining(`its stack says promoted but ${CNAME} names ${instance(w, b)!.address}`) }]);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect(instance(w, a)?.tags["echo:stage"]).toBe("forgotten");
    expect(w.sandbox.world.stacks[a]?.history.at(-1)?.message).toBe(`promote ${a}`);
  });
});

describe("an interrupted promotion", () => {
  it("that died after Route 53 took the change is finished as a promotion (its stack still said rebooted), then A is demoted", async () => {
    const w = sandboxWorld();
    const { a, b } = await promotedAndRebooted(w);
    // The record is created in B's stack after B's instance update: the crash comes right after the UPSERT.
    w.sandbox.faults.crashAt("engine:after-create-call");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toBeInstanceOf(SimulatedCrash);
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
    expect((await w.sandbox.engine.settings(b))?.stage).toBe("rebooted");

    // Even without --promote: the CNAME already moved; what is left is bookkeeping and the demotion.
    const reports = await up(w.ctx(), { promote: false, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${b}`, `forget ${a}`]);
    expect(w.output.lines).toContain(`promote ${b} (finishing the interrupted promotion: ${CNAME} already names it)`);
    expect(await conditions(w)).toEqual(["forgotten", "promoted"]);
    expect(w.sandbox.world.stacks[b]?.resources.map((r) => r.name)).toContain("cname");
    expect(cnameTarget(w)).toBe(instance(w, b)?.address);
  });
});

describe("a restore whose provider wait failed", () => {
  it("leaves an instance its stack never recorded; the next up adopts it (never a second restore) and goes on", async () => {
    const w = sandboxWorld();
    // The credentials expire during the restore: the provider's wait fails, after RDS has made the instance.
    w.sandbox.faults.failOnce("provider.wait", "ExpiredToken: The security token included in the request is expired");
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(/ExpiredToken/);
    const [name] = Object.keys(w.sandbox.world.stacks);
    expect(instance(w, name!)?.status).toBe("creating");
    // As with the real provider: neither the instance nor a pending create is in the stack.
    expect((await w.sandbox.engine.recorded(name!)).map((r) => r.name)).toEqual(["aws"]);
    expect(await w.sandbox.engine.pendingOperations(name!)).toEqual([]);

    w.sandbox.clock.advance(10 * 60_000);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual([`resume ${name}`, `modify ${name}`, `reboot ${name}`, `promote ${name}`]);
    expect(w.output.lines).toContain(`recover ${name}: adopting the instance RDS restored but the stack never recorded (its create failed while the provider waited)`);
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(1);
    expect(w.sandbox.world.stacks[name!]?.resources.find((r) => r.name === "db")?.id).toBe(instance(w, name!)?.resourceId);
    expect(cnameTarget(w)).toBe(instance(w, name!)?.address);
  });

  it("in a status RDS does not leave: adopted, reported as failed and never retried; retire --force then destroys it", async () => {
    const w = sandboxWorld();
    const { retireGenerations } = await import("../../src/lifecycle/retire.js");
    w.sandbox.faults.observe((operation) => {
      // RDS gives up on the restore while the provider polls.
      const restored = Object.values(w.sandbox.world.rds.instances).find((i) => i.id.startsWith("development-"));
      if (operation === "provider.wait" && restored?.status === "creating") {
        restored.status = "incompatible-restore";
        delete restored.readyAt;
      }
    });
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(/unexpected state 'incompatible-restore'/);
    const [name] = Object.keys(w.sandbox.world.stacks);
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(`${name}: RDS reports it incompatible-restore, a status it does not leave by itself (for a restore: the restore failed)`);
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toThrow(/nothing was retried.*retire development --generation/);
    expect(w.sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(1);
    expect(w.sandbox.faults.count("rds.ModifyDBInstance")).toBe(0);

    const reports = await retireGenerations(w.ctx({ force: true }), await loadEchoState(w.ports, w.definition), { generation: name! });
    expect(reports.map((r) => r.step)).toEqual(["retire"]);
    expect(instance(w, name!)).toBeUndefined();
  });
});
