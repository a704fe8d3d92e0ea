/**
 * What a retire cleans up when every feature that touches it is on at once: the final snapshots beyond
 * retire.keepFinalSnapshots (pruned), the snapshots made for the source (source.from: new-snapshot), a generation rolled
 * back from (retired although retire.keep would keep a forgotten one), and the notifications about all of it.
 */
import { describe, expect, it } from "vitest";
import { SandboxNotifier } from "../../src/adapters/sandbox/notify.js";
import type { StepReport } from "../../src/lifecycle/context.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { notifyRun } from "../../src/lifecycle/notify.js";
import { retireGenerations } from "../../src/lifecycle/retire.js";
import { rollbackGeneration } from "../../src/lifecycle/rollback.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:db-refresh";

function world() {
  const w = sandboxWorld(
    testDefinition((d) => {
      d.source = { instance: "production-db", from: "new-snapshot" };
      d.retire.keep = 1;
      d.retire.keepFinalSnapshots = 1;
      d.notify = { on: ["retired"], sns: TOPIC };
    }),
  );
  const notifier = new SandboxNotifier(w.sandbox.world, w.sandbox.faults, w.definition.notify!);
  const ctx = () => ({ ...w.ctx(), ports: { ...w.ports, notifier } });
  return { w, ctx };
}

/** One run of `up`, followed by the notifications the CLI's session sends after it. */
async function run(ctx: ReturnType<typeof world>["ctx"], retire: boolean): Promise<StepReport[]> {
  const reports = await up(ctx(), { promote: true, retire });
  await notifyRun(ctx(), "up", reports);
  return reports;
}

const ids = (w: World, suffix: string) => w.sandbox.world.rds.snapshots.filter((s) => s.id.endsWith(suffix)).map((s) => s.id).sort();

describe("retire with final snapshot pruning, source snapshot cleanup and a rollback (sandbox)", () => {
  it("deletes each kind of snapshot by its own rule, retires the rolled-back generation, and says `retired` once per generation", async () => {
    const { w, ctx } = world();
    // Four generations, a day apart: each promoted in turn; 2 minutes later the one beyond retire.keep (1) is retired.
    for (let i = 0; i < 4; i++) {
      await run(ctx, false);
      w.sandbox.clock.advance(2 * 60_000);
      await run(ctx, true);
      w.sandbox.clock.advance(21 * HOUR);
    }
    const [a, b, c, d] = Object.keys(w.sandbox.world.stacks).sort();
    expect((await loadEchoState(w.ports, w.definition)).generations.map((g) => g.condition)).toEqual(["retired", "retired", "forgotten", "promoted"]);
    // Source snapshots: only the living generations' remain. Final snapshots: only the newest one.
    expect(ids(w, "-source")).toEqual([`${c}-source`, `${d}-source`]);
    expect(ids(w, "-final")).toEqual([`${b}-final`]);

    // Back to C: D is marked and forgotten; as a generation rolled back from it is no rollback target, so it is retired
    // although retire.keep is 1 and C, the one kept before, serves again.
    const rolled = await rollbackGeneration(ctx(), await loadEchoState(w.ports, w.definition));
    expect(rolled.map((r) => `${r.step} ${r.generation}`)).toEqual([`rollback ${c}`, `forget ${d}`]);
    w.sandbox.clock.advance(2 * 60_000);
    // `rds-echo retire` (an `up` now would also start a new generation: the newest is a day old).
    const retired = await retireGenerations(ctx(), await loadEchoState(w.ports, w.definition));
    await notifyRun(ctx(), "retire", retired);
    expect(retired).toEqual([
      { step: "retire", generation: d, detail: `final snapshot taken; deleted ${d}-source` },
      { step: "prune", generation: b, detail: `final snapshot ${b}-final deleted (retire.keepFinalSnapshots: 1)` },
    ]);
    expect(ids(w, "-source")).toEqual([`${c}-source`]);
    expect(ids(w, "-final")).toEqual([`${d}-final`]);
    // The final snapshot carries the instance's tags, never echo:made: source.keep never counts it.
    expect(w.sandbox.world.rds.snapshots.find((s) => s.id === `${d}-final`)?.tags).toMatchObject({ "echo:managed": "development", "echo:generation": d, "echo:rolled-back": c });
    expect(w.sandbox.world.rds.snapshots.find((s) => s.id === `${d}-final`)?.tags).not.toHaveProperty("echo:made");

    // One `retired` message per destroyed generation; a prune is not a retire.
    expect(w.sandbox.world.outbox.map((m) => m.subject)).toEqual([a, b, d].map((g) => `[rds-echo] development: ${g} retired`));
  });
});
