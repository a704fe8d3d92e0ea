import { describe, expect, it } from "vitest";
import { GuardError } from "../../src/errors.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { modifyGeneration } from "../../src/lifecycle/modify.js";
import { newGeneration } from "../../src/lifecycle/new.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { rebootGeneration } from "../../src/lifecycle/reboot.js";
import { retireGenerations } from "../../src/lifecycle/retire.js";
import { up } from "../../src/lifecycle/up.js";
import { ScriptedPrompt, sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const state = (w: World) => loadEchoState(w.ports, w.definition);

/** A deep copy of everything the simulated cloud and the stacks hold, to prove a refusal changed nothing. */
const snapshotOf = (w: World) => JSON.stringify({ rds: w.sandbox.world.rds, route53: w.sandbox.world.route53, stacks: w.sandbox.world.stacks });

async function refused(w: World, action: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = snapshotOf(w);
  const updates = w.sandbox.faults.count("engine.update");
  await expect(action()).rejects.toThrow(message);
  await expect(action()).rejects.toBeInstanceOf(GuardError);
  expect(snapshotOf(w)).toBe(before);
  expect(w.sandbox.faults.count("engine.update")).toBe(updates);
}

describe("each step only from its stage", () => {
  it("modify, reboot and promote refuse a generation in the wrong stage, naming what there is", async () => {
    const w = sandboxWorld();
    await refused(w, async () => modifyGeneration(w.ctx(), await state(w)), /modify: no generation of development is new .*no generations yet/);
    await up(w.ctx(), { promote: true, retire: false });
    await refused(w, async () => modifyGeneration(w.ctx(), await state(w)), /modify: no generation of development is new \(the newest, development-\S+, is promoted\)/);
    await refused(w, async () => rebootGeneration(w.ctx(), await state(w)), /reboot: no generation .* is modified/);
    await refused(w, async () => promoteGeneration(w.ctx(), await state(w)), /promote: no generation .* is rebooted/);
  });

  it("refuses to modify an instance that is not available", async () => {
    const w = sandboxWorld();
    await newGeneration(w.ctx(), await state(w));
    const newest = (await state(w)).generations.at(-1)!;
    // RDS is busy with the instance after the restore (e.g. its first backup).
    const simulated = w.sandbox.world.rds.instances[newest.name]!;
    simulated.status = "backing-up";
    simulated.readyAt = w.sandbox.world.now + HOUR;
    await refused(w, async () => modifyGeneration(w.ctx(), await state(w)), /is backing-up, not available/);
    await refused(w, async () => promoteGeneration(w.ctx(), await state(w)), /promote: no generation .* is rebooted/);
  });

  it("modifies an instance in storage-optimization: it serves and accepts changes, as the AWS provider's waiter says", async () => {
    const w = sandboxWorld();
    await newGeneration(w.ctx(), await state(w));
    const newest = (await state(w)).generations.at(-1)!;
    w.sandbox.world.rds.instances[newest.name]!.status = "storage-optimization";
    await expect(modifyGeneration(w.ctx(), await state(w))).resolves.toMatchObject({ step: "modify", generation: newest.name });
  });
});

describe("new", () => {
  it("refuses while the newest generation is younger than guard.minAgeHours, and --force says what it overrides", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(5 * HOUR);
    await refused(w, async () => newGeneration(w.ctx(), await state(w)), /younger than guard\.minAgeHours \(20 h\).*--force overrides/);
    w.sandbox.clock.advance(60_000);
    const report = await newGeneration(w.ctx({ force: true }), await state(w));
    expect(report.step).toBe("new");
    expect(w.output.lines.some((l) => /^warning: --force overrides: the newest generation .* younger than guard\.minAgeHours/.test(l))).toBe(true);
  });

  it("refuses while another generation is unpromoted", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: false, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await refused(w, async () => newGeneration(w.ctx(), await state(w)), /is still rebooted \(not promoted\); promote it \(`rds-echo promote development`\), or retire it with `retire --generation \S+ --force`/);
  });

  it("a target that stopped being available while the person read the prompt is not flipped to", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: false, retire: false });
    const target = (await state(w)).generations.at(-1)!;
    const records = () => JSON.stringify(w.sandbox.world.route53);
    const before = records();
    // The answer comes after RDS started modifying the instance (someone changed it out of band meanwhile).
    const slow: ScriptedPrompt = Object.assign(new ScriptedPrompt(true, true), {
      async confirm(question: string) {
        w.sandbox.world.rds.instances[target.name]!.status = "modifying";
        w.sandbox.world.rds.instances[target.name]!.readyAt = w.sandbox.world.now + HOUR;
        return ScriptedPrompt.prototype.confirm.call(slow, question);
      },
    });
    await expect(promoteGeneration(w.ctx({ yes: false }, slow), await state(w))).rejects.toThrow(/is modifying now, not available; nothing was changed/);
    expect(records()).toBe(before);
  });

  it("refuses without a TTY unless --yes, and leaves no stack behind", async () => {
    const w = sandboxWorld();
    const ctx = w.ctx({ yes: false }, new ScriptedPrompt(false));
    await refused(w, async () => newGeneration(ctx, await state(w)), /refusing to change anything without confirmation \(no TTY\); rerun with --yes/);
    expect(w.sandbox.world.stacks).toEqual({});
    expect(w.output.diffs[0]?.changes.changes.map((c) => `${c.op} ${c.name}`)).toEqual(["create aws", "create db"]);
  });

  it("asks on a TTY and changes nothing when the answer is no", async () => {
    const w = sandboxWorld();
    const prompt = new ScriptedPrompt(true, false);
    await refused(w, async () => newGeneration(w.ctx({ yes: false }, prompt), await state(w)), /declined at the prompt; nothing was changed by it/);
    expect(prompt.questions[0]).toMatch(/^new development-20261125-1230 from rds:production-db-2026-11-25-03-10\?$/);
    const yes = new ScriptedPrompt(true, true);
    expect((await newGeneration(w.ctx({ yes: false }, yes), await state(w))).step).toBe("new");
  });

  it("restores the newest available snapshot of the configured types, never one still being created", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.source.snapshotTypes = ["manual"])));
    const report = await newGeneration(w.ctx(), await state(w));
    expect(report.detail).toBe("restored from production-db-before-upgrade");
  });
});

describe("retire", () => {
  it("refuses a promoted generation and an unpromoted one", async () => {
    const w = sandboxWorld();
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    const b = (await state(w)).generations.at(-1)!.name;
    await refused(w, async () => retireGenerations(w.ctx(), await state(w), { generation: a!.generation }), /is promoted; only forgotten generations are retired/);
    await refused(w, async () => retireGenerations(w.ctx(), await state(w), { generation: b }), /is rebooted, not forgotten; --force retires an unpromoted generation/);
    await refused(w, async () => retireGenerations(w.ctx({ force: true }), await state(w), { generation: a!.generation }), /is promoted; only forgotten generations are retired/);
    // Nothing forgotten: retire by policy is a no-op that says so.
    expect(await retireGenerations(w.ctx(), await state(w))).toEqual([]);
    expect(w.sandbox.world.rds.instances[a!.generation]?.status).toBe("available");
  });

  it("keeps the newest `keep` forgotten generations for rollback", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.retire.keep = 1)));
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      names.push((await up(w.ctx(), { promote: true, retire: false }))[0]!.generation);
      w.sandbox.clock.advance(21 * HOUR);
    }
    const reports = await retireGenerations(w.ctx(), await state(w));
    expect(reports.map((r) => r.generation)).toEqual([names[0]]);
    expect((await state(w)).generations.map((g) => g.condition)).toEqual(["retired", "forgotten", "promoted"]);
  });

  it("never destroys an instance without this echo's tags, nor the one the CNAME serves", async () => {
    const w = sandboxWorld();
    const [a] = await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(HOUR);
    const simulated = w.sandbox.world.rds.instances[a!.generation]!;
    // Someone re-tagged the instance by hand: it is no longer provably ours.
    simulated.tags = { ...simulated.tags, "echo:managed": "someone-else" };
    await expect(retireGenerations(w.ctx(), await state(w), {})).resolves.toEqual([]);
    expect((await state(w)).generations[0]?.condition).toBe("foreign");
    expect(w.sandbox.world.rds.instances[a!.generation]).toBeDefined();

    // And with the tags back but the CNAME pointed at it by hand, retire refuses.
    simulated.tags = { ...simulated.tags, "echo:managed": "development" };
    const zone = w.sandbox.world.route53.zones[0]!;
    zone.records["development.db.example.com"]!.values = [simulated.address];
    await refused(w, async () => retireGenerations(w.ctx(), await state(w), { generation: a!.generation }), /still points at .* refusing to destroy the instance it serves/);
    // By policy, the same generation is skipped with a warning, and nothing else is held up.
    expect(await retireGenerations(w.ctx(), await state(w))).toEqual([]);
    expect(w.output.lines.at(-1)).toMatch(/^warning: retire: skipping .* still points at/);
    expect(w.sandbox.world.rds.instances[a!.generation]).toBeDefined();
  });
});

describe("reboot", () => {
  it("skips the reboot when RDS reports nothing pending, and reboots anyway with --force", async () => {
    for (const force of [false, true]) {
      // Without a parameter group change nothing waits for a reboot.
      const w = sandboxWorld(testDefinition((d) => delete d.modify.parameterGroup));
      await newGeneration(w.ctx(), await state(w));
      await modifyGeneration(w.ctx(), await state(w));
      expect((await state(w)).generations[0]?.instance?.pendingReboot).toBe(false);
      const report = await rebootGeneration(w.ctx({ force }), await state(w));
      expect(report.detail).toBe(force ? "rebooted" : "nothing pending; reboot skipped");
      expect(w.sandbox.faults.count("rds.RebootDBInstance")).toBe(force ? 1 : 0);
      expect((await state(w)).generations[0]?.condition).toBe("rebooted");
    }
  });

  it("reboots when a new parameter group waits for it", async () => {
    const w = sandboxWorld();
    await newGeneration(w.ctx(), await state(w));
    await modifyGeneration(w.ctx(), await state(w));
    expect((await state(w)).generations[0]?.instance?.pendingReboot).toBe(true);
    expect((await rebootGeneration(w.ctx(), await state(w))).detail).toBe("rebooted");
    expect(w.sandbox.faults.count("rds.RebootDBInstance")).toBe(1);
    expect((await state(w)).generations[0]?.instance?.pendingReboot).toBe(false);
  });
});

describe("a way out of a failed restore", () => {
  it("retire --generation X --force retires an unpromoted generation, and a new one can start", async () => {
    const w = sandboxWorld();
    await newGeneration(w.ctx(), await state(w));
    const g = (await state(w)).generations[0]!;
    w.sandbox.world.rds.instances[g.name]!.status = "incompatible-restore";
    await expect(up(w.ctx(), { promote: false, retire: false })).rejects.toThrow(/incompatible-restore/);
    const reports = await retireGenerations(w.ctx({ force: true }), await state(w), { generation: g.name });
    expect(reports).toMatchObject([{ step: "retire", generation: g.name }]);
    expect(w.sandbox.world.rds.instances[g.name]).toBeUndefined();
    w.sandbox.clock.advance(60_000);
    const next = await up(w.ctx(), { promote: true, retire: false });
    expect(next.map((r) => r.step)).toEqual(["new", "modify", "reboot", "promote"]);
    expect(next[0]?.generation).not.toBe(g.name);
  });

  it("retire --generation X --force lifts the deletion protection of an unpromoted generation first, then destroys it", async () => {
    const w = sandboxWorld(testDefinition((d) => (d.modify.deletionProtection = true)));
    await up(w.ctx(), { promote: false, retire: false });
    const g = (await state(w)).generations[0]!;
    expect(g.condition).toBe("rebooted");
    expect(w.sandbox.world.rds.instances[g.name]!.settings["deletionProtection"]).toBe(true);
    const reports = await retireGenerations(w.ctx({ force: true }), await state(w), { generation: g.name });
    expect(reports).toMatchObject([{ step: "retire", generation: g.name }]);
    expect(w.sandbox.world.rds.instances[g.name]).toBeUndefined();
    expect(w.output.diffs.map((d) => d.title).join("\n")).toMatch(/lift deletion protection/);
    expect(w.sandbox.world.rds.snapshots.some((s) => s.id === `${g.name}-final`)).toBe(true);
  });
});

describe("retire --force of a generation whose run died mid-restore", () => {
  it("adopts the instance first, so the confirmed diff shows the database it deletes", async () => {
    const w = sandboxWorld();
    w.sandbox.faults.crashAt("engine:after-create-call");
    await expect(newGeneration(w.ctx(), await state(w))).rejects.toThrow(/simulated crash/);
    const g = (await state(w)).generations[0]!;
    expect(await w.sandbox.engine.pendingOperations(g.name)).toHaveLength(1);
    await retireGenerations(w.ctx({ force: true }), await state(w), { generation: g.name });
    const diff = w.output.diffs.find((d) => d.title === `retire ${g.name}`);
    expect(diff?.changes.changes.map((c) => `${c.op} ${c.name}`)).toEqual(["delete db", "delete aws"]);
    expect(w.sandbox.world.rds.instances[g.name]).toBeUndefined();
  });
});

describe("rds-echo never touches what it did not create", () => {
  it("an instance squatting the next generation's name is never modified or deleted", async () => {
    const w = sandboxWorld();
    const name = "development-20261125-1230";
    w.sandbox.world.rds.instances[name] = {
      id: name,
      arn: `arn:aws:rds:eu-west-1:123456789012:db:${name}`,
      status: "available",
      address: `${name}.someone.eu-west-1.rds.amazonaws.com`,
      port: 5432,
      region: "eu-west-1",
      createdAt: w.sandbox.world.now - HOUR,
      settings: { parameterGroupName: "theirs" },
      tags: { owner: "someone" },
      pendingReboot: false,
    };
    const before = JSON.stringify(w.sandbox.world.rds.instances[name]);
    await expect(up(w.ctx(), { promote: true, retire: true })).rejects.toThrow(/DBInstanceAlreadyExists/);
    // The next run sees an instance without this echo's tags where its generation should be, and leaves it alone.
    expect(await up(w.ctx(), { promote: true, retire: true })).toEqual([]);
    expect(w.output.lines).toContain(`warning: ${name}: an instance by that name exists without this echo's tags; leaving it alone`);
    expect(JSON.stringify(w.sandbox.world.rds.instances[name])).toBe(before);
    expect(w.sandbox.faults.count("rds.ModifyDBInstance")).toBe(0);
    expect(w.sandbox.faults.count("rds.DeleteDBInstance")).toBe(0);
  });
});

describe("a stage move never replaces the database", () => {
  it("refuses, before touching anything, when a definition edit would make Pulumi replace the instance", async () => {
    const w = sandboxWorld();
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(21 * HOUR);
    await up(w.ctx(), { promote: false, retire: false });
    // Someone moves the echo to another availability zone: a replace-on-change input of every existing generation.
    w.edit(testDefinition((d) => (d.instance.availabilityZone = "eu-west-1b")));
    const sandbox = w.sandbox;
    const restores = sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot");
    const before = snapshotOf(w);
    const { promoteGeneration } = await import("../../src/lifecycle/promote.js");
    await expect(promoteGeneration(w.ctx(), await state(w))).rejects.toThrow(/would replace the database \(changed: availabilityZone, tags\)/);
    await expect(up(w.ctx(), { promote: true, retire: false })).rejects.toBeInstanceOf(GuardError);
    expect(snapshotOf(w)).toBe(before);
    expect(sandbox.faults.count("rds.RestoreDBInstanceFromDBSnapshot")).toBe(restores);
  });
});
