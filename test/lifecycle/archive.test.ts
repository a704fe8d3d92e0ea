/**
 * Archiving retired generations (retire.archiveAfter) on the sandbox: the listing shrinks, and `history` and `status`
 * say what they said before. Two worlds run the same days, one archiving and one never: the audit trail of both is
 * the same, entry for entry; only the archiving one has fewer stacks.
 */
import { describe, expect, it } from "vitest";
import { archiveCandidates } from "../../src/lifecycle/archive.js";
import { loadEchoState, type EchoState, type Generation } from "../../src/lifecycle/echo-state.js";
import { echoHistory } from "../../src/lifecycle/history.js";
import { retireGenerations } from "../../src/lifecycle/retire.js";
import { echoStatus } from "../../src/lifecycle/status.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition, type World } from "../helpers/sandbox.js";

const HOUR = 3_600_000;

function world(archiveAfter: string): World {
  return sandboxWorld(
    testDefinition((d) => {
      d.retire.keep = 1;
      d.retire.archiveAfter = archiveAfter;
    }),
  );
}

/** A day of cron: promote what is ready, then (2 minutes later, past the TTL) retire what is beyond keep. */
async function days(w: World, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await up(w.ctx(), { promote: true, retire: false });
    w.sandbox.clock.advance(2 * 60_000);
    await up(w.ctx(), { promote: true, retire: true });
    w.sandbox.clock.advance(21 * HOUR);
  }
}

const withoutFlag = <T extends { archived?: true }>(items: readonly T[]) => items.map(({ archived: _archived, ...rest }) => rest);

describe("archiving retired generations (sandbox)", () => {
  it("removes stacks retired over archiveAfter ago, and history and status show what they showed before", async () => {
    const archiving = world("2d");
    const keeping = world("never");
    await days(archiving, 8);
    await days(keeping, 8);
    const stacks = (w: World) => Object.keys(w.sandbox.world.stacks).sort();
    // Eight generations: promoted, forgotten (keep 1), six retired; those retired over two days ago are archived.
    expect(stacks(keeping)).toHaveLength(8);
    const archived = archiving.sandbox.world.archives?.[archiving.definition.echo]?.map((g) => g.name) ?? [];
    expect(archived.length).toBeGreaterThanOrEqual(3);
    expect(stacks(archiving)).toEqual(stacks(keeping).filter((s) => !archived.includes(s)));

    // Every operation ever made, archived or live, newest first: the same trail as the world that archived nothing.
    const trail = await echoHistory(archiving.ports, archiving.definition.echo);
    expect(withoutFlag(trail)).toEqual(await echoHistory(keeping.ports, keeping.definition.echo));
    expect(trail.filter((e) => e.archived).map((e) => e.generation)).toEqual(expect.arrayContaining(archived));
    expect(trail.filter((e) => e.archived && !archived.includes(e.generation))).toEqual([]);

    // `status` (live generations) is unchanged; `status --all` lists the archived ones as retired, marked so.
    const live = (s: Awaited<ReturnType<typeof echoStatus>>) => ({ ...s, generations: s.generations.filter((g) => g.stage !== "retired") });
    expect(live(await echoStatus(archiving.ports, archiving.definition))).toEqual(live(await echoStatus(keeping.ports, keeping.definition)));
    const all = await echoStatus(archiving.ports, archiving.definition, { archived: true });
    expect(withoutFlag(all.generations)).toEqual((await echoStatus(keeping.ports, keeping.definition, { archived: true })).generations);
    expect(all.generations.filter((g) => g.archived).map((g) => g.generation)).toEqual(archived);
  });

  it("shows the archiving before doing it, refuses without --yes off a TTY, and archives on its own when nothing is retired", async () => {
    const w = world("2d");
    await days(w, 5);
    // Three days later nothing new is due for retirement, but what was retired is now over archiveAfter old.
    w.sandbox.clock.advance(72 * HOUR);
    const state = await loadEchoState(w.ports, w.definition);
    const due = archiveCandidates(state, "2d", w.sandbox.clock.now()).map((g) => g.name);
    expect(due.length).toBeGreaterThan(0);
    await expect(retireGenerations(w.ctx({ yes: false }), state)).rejects.toThrow(/archive .*refusing to change anything without confirmation/);
    expect(Object.keys(w.sandbox.world.stacks)).toEqual(expect.arrayContaining(due));
    const reports = await retireGenerations(w.ctx(), state);
    expect(reports.map((r) => `${r.step} ${r.generation}`)).toEqual(due.map((g) => `archive ${g}`));
    expect(Object.keys(w.sandbox.world.stacks)).not.toEqual(expect.arrayContaining([due[0]]));
  });

  it("`up --retire` archives on a run where nothing is due for retirement (the nightly cron line is enough)", async () => {
    const w = world("2d");
    await days(w, 5);
    // Nothing new is due for a guard-free day, but what was retired is now over archiveAfter old.
    w.sandbox.clock.advance(72 * HOUR);
    const due = archiveCandidates(await loadEchoState(w.ports, w.definition), "2d", w.sandbox.clock.now()).map((g) => g.name);
    expect(due.length).toBeGreaterThan(0);
    const reports = await up(w.ctx(), { promote: false, retire: true });
    expect(reports.filter((r) => r.step === "archive").map((r) => r.generation)).toEqual(due);
    for (const name of due) expect(Object.keys(w.sandbox.world.stacks)).not.toContain(name);
  });

  it("never archives a stack that still holds resources", async () => {
    const w = world("2d");
    await days(w, 1);
    const [promoted] = Object.keys(w.sandbox.world.stacks);
    await expect(w.ports.engine.archive(promoted!, { echo: w.definition.echo, at: w.sandbox.clock.now() })).rejects.toThrow(/still has resources/);
    expect(Object.keys(w.sandbox.world.stacks)).toEqual([promoted]);
  });
});

describe("which retired generations are archived", () => {
  const now = new Date("2026-12-10T12:00:00Z");
  const daysAgo = (n: number) => new Date(now.getTime() - n * 24 * HOUR);
  const g = (day: number, condition: Generation["condition"], retiredDaysAgo = 9): Generation => ({
    name: `development-202612${String(day).padStart(2, "0")}-0300`,
    createdAt: new Date(`2026-12-${String(day).padStart(2, "0")}T03:00:00Z`),
    stack: { name: `development-202612${String(day).padStart(2, "0")}-0300`, lastUpdate: daysAgo(retiredDaysAgo), updateInProgress: false, resourceCount: condition === "retired" ? 0 : 3 },
    condition,
  });
  const names = (state: EchoState, after = "3d") => archiveCandidates(state, after, now).map((x) => x.name.slice(-13, -5));
  const state = (...generations: Generation[]): EchoState => ({ echo: "development", generations });

  it("takes retired generations older than the newest live one, retired over archiveAfter ago", () => {
    expect(names(state(g(1, "retired"), g(2, "retired", 1), g(3, "forgotten"), g(4, "promoted")))).toEqual(["20261201"]);
    expect(names(state(g(1, "retired"), g(3, "promoted")), "never")).toEqual([]);
  });

  it("keeps the newest generation, any retired one newer than every live one, and any newer than an unsettled one", () => {
    // All retired: the newest carries the guard's count and the incomplete check; none is archived.
    expect(names(state(g(1, "retired"), g(2, "retired")))).toEqual([]);
    // A retired generation newer than the promoted one may be the one rolled back from: kept.
    expect(names(state(g(1, "retired"), g(2, "promoted"), g(3, "retired")))).toEqual(["20261201"]);
    // A retired generation newer than an unpromoted one may supersede it: kept, and so is everything after it.
    expect(names(state(g(1, "retired"), g(2, "rebooted"), g(3, "retired"), g(4, "promoted")))).toEqual(["20261201"]);
    // Another run is working on it: left for a later run.
    const busy = { ...g(1, "retired"), stack: { ...g(1, "retired").stack, updateInProgress: true } };
    expect(names(state(busy, g(2, "promoted")))).toEqual([]);
  });
});
