import { describe, expect, it } from "vitest";
import { finalSnapshotsToDelete, ownFinalSnapshots, FINAL_SNAPSHOT_TYPE } from "../../src/lifecycle/final-snapshots.js";
import { previewNext } from "../../src/lifecycle/preview.js";
import { up } from "../../src/lifecycle/up.js";
import type { ManualSnapshot } from "../../src/ports.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;
const keeping = (n: number, pattern?: string) =>
  testDefinition((d) => {
    d.retire.keepFinalSnapshots = n;
    if (pattern) d.retire.finalSnapshotName = pattern;
  });

const tagged = (echo: string, generation: string) => ({ "echo:managed": echo, "echo:generation": generation });
function snapshot(id: string, at: string | undefined, tags: Record<string, string>, status = "available"): ManualSnapshot {
  return { id, ...(at ? { createdAt: new Date(at) } : {}), status, tags };
}

describe("which final snapshots are this echo's (pure)", () => {
  const d = keeping(2, "{echo}-final-{generation}");
  it("needs the name pattern, a generation of this echo, and the echo: tags, all three", () => {
    const g = "development-20261120-0300";
    const found = ownFinalSnapshots(d, [
      snapshot(`development-final-${g}`, "2026-11-22T00:00:00Z", tagged("development", g)),
      snapshot(`development-final-${g}-copy`, "2026-11-22T00:00:00Z", tagged("development", g)), // name off the pattern
      snapshot(`development-final-${g}`, "2026-11-22T00:00:00Z", {}), // someone's snapshot by the same name, untagged
      snapshot(`development-final-${g}`, "2026-11-22T00:00:00Z", tagged("staging", g)), // another echo's tags
      snapshot(`development-final-${g}`, "2026-11-22T00:00:00Z", tagged("development", "development-20261121-0300")), // tag of another generation
      snapshot("development-final-development-eu-20261120-0300", "2026-11-22T00:00:00Z", tagged("development", "development-eu-20261120-0300")), // echo development-eu
      snapshot("development-final-development-2026", "2026-11-22T00:00:00Z", tagged("development", "development-2026")), // not a generation name
    ]);
    expect(found.map((s) => [s.id, s.generation])).toEqual([[`development-final-${g}`, g]]);
  });

  it("never counts a snapshot rds-echo made for a generation's source (echo:made), even under a matching name", () => {
    // A pattern a person may choose that also fits the name of a copy made for source.copy: source.keep owns that one.
    const d2 = keeping(1, "{generation}-copy");
    const g = "development-20261120-0300";
    const found = ownFinalSnapshots(d2, [
      snapshot(`${g}-copy`, "2026-11-22T00:00:00Z", { ...tagged("development", g), "echo:made": "copy" }),
      snapshot("development-20261121-0300-copy", "2026-11-23T00:00:00Z", tagged("development", "development-20261121-0300")),
    ]);
    expect(found.map((s) => s.id)).toEqual(["development-20261121-0300-copy"]);
  });

  it("keeps the newest N, counting the ones about to be made as the newest, and never one still being created", () => {
    const own = ownFinalSnapshots(keeping(2), [
      snapshot("development-20261101-0300-final", "2026-11-03T00:00:00Z", tagged("development", "development-20261101-0300")),
      snapshot("development-20261102-0300-final", "2026-11-04T00:00:00Z", tagged("development", "development-20261102-0300")),
      snapshot("development-20261103-0300-final", "2026-11-05T00:00:00Z", tagged("development", "development-20261103-0300")),
      snapshot("development-20261104-0300-final", undefined, tagged("development", "development-20261104-0300"), "creating"),
    ]);
    // Nothing coming: the one being created and the newest available one stay.
    expect(finalSnapshotsToDelete(keeping(2), own, []).map((s) => s.id)).toEqual(["development-20261101-0300-final", "development-20261102-0300-final"]);
    // One coming (listed already or not): it and the one being created are the two kept.
    expect(finalSnapshotsToDelete(keeping(2), own, ["development-20261105-0300-final"]).map((s) => s.id)).toEqual([
      "development-20261101-0300-final",
      "development-20261102-0300-final",
      "development-20261103-0300-final",
    ]);
    // keep 1 with three coming: the one being created is beyond it but is not deleted (RDS refuses that anyway).
    expect(finalSnapshotsToDelete(keeping(1), own, ["a", "b", "c"]).map((s) => s.id)).not.toContain("development-20261104-0300-final");
    // Without keepFinalSnapshots nothing is ever deleted.
    expect(finalSnapshotsToDelete(testDefinition(), own, [])).toEqual([]);
  });

  it("never deletes the snapshot the definition restores from (source.snapshot)", () => {
    const d2 = testDefinition((d) => {
      d.retire.keepFinalSnapshots = 1;
      d.source.snapshot = "development-20261101-0300-final";
    });
    const own = ownFinalSnapshots(d2, [
      snapshot("development-20261101-0300-final", "2026-11-03T00:00:00Z", tagged("development", "development-20261101-0300")),
      snapshot("development-20261102-0300-final", "2026-11-04T00:00:00Z", tagged("development", "development-20261102-0300")),
    ]);
    expect(finalSnapshotsToDelete(d2, own, ["development-20261103-0300-final"]).map((s) => s.id)).toEqual(["development-20261102-0300-final"]);
  });
});

/** One generation's life: restored and promoted, the previous one demoted, then retired once the TTL has passed. */
async function cycle(w: World) {
  await up(w.ctx(), { promote: true, retire: false });
  w.sandbox.clock.advance(2 * 60_000);
  const reports = await up(w.ctx(), { promote: true, retire: true });
  w.sandbox.clock.advance(21 * HOUR);
  return reports;
}

const finalSnapshots = (w: World) =>
  w.sandbox.world.rds.snapshots.filter((s) => s.type === "manual" && s.id.endsWith("-final")).map((s) => s.id).sort();

describe("retire.keepFinalSnapshots on the sandbox", () => {
  it("keeps the newest two final snapshots across retires, shows the deletion before it, and leaves others' snapshots alone", async () => {
    const w = sandboxWorld(keeping(2));
    // A snapshot by a name rds-echo would make, but not made by it (no echo: tags): never touched.
    w.sandbox.world.rds.snapshots.push({ id: "development-20260101-0000-final", arn: "arn:aws:rds:eu-west-1:123456789012:snapshot:development-20260101-0000-final", instance: "x", type: "manual", status: "available", createdAt: 0, port: 5432 });
    const generations: string[] = [];
    for (let i = 0; i < 5; i++) {
      generations.push(Object.keys(w.sandbox.world.stacks).sort().at(-1) ?? "");
      await cycle(w);
    }
    const names = Object.keys(w.sandbox.world.stacks).sort();
    expect(names).toHaveLength(5);
    // Four retired (the fifth is promoted): their final snapshots were made with the instance's tags, two remain.
    expect(finalSnapshots(w)).toEqual(["development-20260101-0000-final", `${names[2]}-final`, `${names[3]}-final`]);
    const kept = w.sandbox.world.rds.snapshots.find((s) => s.id === `${names[3]}-final`)!;
    expect(kept.tags).toMatchObject({ "echo:managed": "development", "echo:generation": names[3], "echo:stage": "forgotten" });
    // The confirmation showed the deletion before anything was destroyed.
    const shown = w.output.diffs.filter((d) => d.changes.changes.some((c) => c.type === FINAL_SNAPSHOT_TYPE));
    expect(shown.map((d) => d.changes.changes.map((c) => c.name))).toEqual([[`${names[0]}-final`], [`${names[1]}-final`]]);
    expect(w.sandbox.faults.count("rds.DeleteDBSnapshot")).toBe(2);
  });

  it("reports each deletion as a prune step, and turns a failed deletion into a warning that the next retire makes good", async () => {
    const w = sandboxWorld(keeping(1));
    await cycle(w);
    await cycle(w);
    const [a, b] = Object.keys(w.sandbox.world.stacks).sort();
    w.sandbox.faults.failOnce(`rds.DeleteDBSnapshot:${a}-final`, "InvalidDBSnapshotState: simulated");
    const third = await cycle(w);
    expect(third.find((r) => r.step === "retire")).toMatchObject({ generation: b });
    expect(third.some((r) => r.step === "prune")).toBe(false);
    expect(w.output.lines).toContainEqual(expect.stringMatching(new RegExp(`^warning: retire: final snapshot ${a}-final was not deleted .*InvalidDBSnapshotState`)));
    expect(finalSnapshots(w)).toEqual([`${a}-final`, `${b}-final`]);
    const fourth = await cycle(w);
    expect(fourth.filter((r) => r.step === "prune")).toEqual([
      { step: "prune", generation: a, detail: `final snapshot ${a}-final deleted (retire.keepFinalSnapshots: 1)` },
      { step: "prune", generation: b, detail: `final snapshot ${b}-final deleted (retire.keepFinalSnapshots: 1)` },
    ]);
    expect(finalSnapshots(w)).toHaveLength(1);
  });

  it("preview --retire lists the snapshots a retire would delete, and deletes nothing", async () => {
    const w = sandboxWorld(keeping(1));
    await cycle(w);
    await cycle(w);
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(2 * 60_000);
    const [a] = Object.keys(w.sandbox.world.stacks).sort();
    const preview = await previewNext(w.ctx(), { promote: true, retire: true });
    expect(preview.step).toBe("retire");
    expect(preview.changes.at(-1)).toEqual({
      label: "delete final snapshots beyond the newest 1 (retire.keepFinalSnapshots)",
      set: { changes: [{ op: "delete", type: FINAL_SNAPSHOT_TYPE, name: `${a}-final` }] },
    });
    expect(finalSnapshots(w)).toContain(`${a}-final`);
  });

  it("without keepFinalSnapshots keeps every final snapshot and never lists snapshots", async () => {
    const w = sandboxWorld(testDefinition());
    for (let i = 0; i < 3; i++) await cycle(w);
    expect(finalSnapshots(w)).toHaveLength(2);
    expect(w.sandbox.faults.count("rds.DeleteDBSnapshot")).toBe(0);
    // Only the latest-snapshot lookups at `new` list snapshots (one per generation).
    expect(w.sandbox.faults.count("rds.DescribeDBSnapshots")).toBe(3);
  });
});
