/**
 * Hooks on a real PostgreSQL: the sandbox's instances are real databases (snapshot templates, generations created
 * from them), so a scrub really changes rows and a health check really queries. Outcomes are read from the databases
 * and the simulated Route 53, never from what rds-echo says it did.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sourceDatabase } from "../../src/adapters/sandbox/postgres.js";
import { GuardError } from "../../src/errors.js";
import { HookFailedError } from "../../src/hooks/errors.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { up } from "../../src/lifecycle/up.js";
import { TAG_SCRUBBED } from "../../src/program/tags.js";
import { REPO_ROOT } from "../helpers/definitions.js";
import { testDefinition } from "../helpers/sandbox.js";
import { pgWorld, type PgWorld } from "./harness/sandbox-pg.js";

const ANONYMIZE = readFileSync(path.join(REPO_ROOT, "stacks/scrub/anonymize.sql"), "utf8");
const UNSCRUBBED = "SELECT count(*)::int AS n FROM users WHERE email NOT LIKE '%@example.invalid' OR password_hash <> '!scrubbed'";

let world: PgWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function withHooks(hooks: Record<string, unknown>) {
  return testDefinition((d) => {
    d.hooks = hooks;
  });
}

describe("hooks on a real PostgreSQL", () => {
  it("scrubs the restored copy before promotion; the promoted copy holds scrubbed rows, the source does not change", async () => {
    world = pgWorld(withHooks({ afterRestore: [{ sql: "scrub/anonymize.sql" }], beforePromote: [{ sql: UNSCRUBBED, expect: 0, timeout: "30s" }] }));
    world.writeFile("scrub/anonymize.sql", ANONYMIZE);
    const ctx = await world.ctx();
    const reports = await up(ctx, { promote: true, retire: false });
    expect(reports.map((r) => r.step)).toEqual(["new", "modify", "reboot", "hooks", "promote"]);

    const served = world.served();
    expect(served).toMatch(/^development-\d{8}-\d{4}$/);
    const [copy] = await world.query<{ n: number; total: number }>(served!, `SELECT (${UNSCRUBBED}) AS n, (SELECT count(*)::int FROM users) AS total`);
    expect(copy).toEqual({ n: 0, total: 500 });
    const [source] = await world.query<{ n: number }>(sourceDatabase("production-db"), UNSCRUBBED);
    expect(source!.n).toBe(500);

    // Marked: the tag, the stack setting, and an entry in the stack's history.
    const instance = world.sandbox.world.rds.instances[served!]!;
    expect(instance.tags[TAG_SCRUBBED]).toBe(ctx.hooks!.scrubDigest);
    expect(world.sandbox.world.stacks[served!]!.settings.scrubbed).toBe(ctx.hooks!.scrubDigest);
    expect(world.sandbox.world.stacks[served!]!.history.map((h) => h.message)).toContainEqual(expect.stringMatching(/^scrubbed development-.*1 afterRestore hook\(s\) succeeded/));
  });

  it("a failing hook stops before promotion; after the fix the next up resumes at that hook, not before it", async () => {
    world = pgWorld(
      withHooks({
        afterRestore: [
          { sql: "CREATE TABLE IF NOT EXISTS hook_runs (hook text); INSERT INTO hook_runs VALUES ('first');" },
          { sql: "scrub/second.sql" },
          { sql: "scrub/anonymize.sql" },
        ],
      }),
    );
    world.writeFile("scrub/anonymize.sql", ANONYMIZE);
    world.writeFile("scrub/second.sql", "INSERT INTO hook_runs VALUES ('second');\nUPDATE no_such_table SET x = 1;\n");

    const failed = up(await world.ctx(), { promote: true, retire: false });
    await expect(failed).rejects.toBeInstanceOf(HookFailedError);
    await expect(failed).rejects.toThrow(/afterRestore 2\/3 sql scrub\/second.sql failed: the database reported an error\n.*no_such_table/s);
    expect(world.served()).toBeUndefined();
    const [generation] = (await loadEchoState(world.sandbox, world.definition)).generations;
    expect(generation!.condition).toBe("rebooted");
    // The second hook ran in a transaction: its insert was rolled back with it.
    expect(await world.query(generation!.name, "SELECT hook FROM hook_runs")).toEqual([{ hook: "first" }]);
    // A promotion by hand is refused: the generation is not scrubbed.
    await expect(promoteGeneration(await world.ctx(), await loadEchoState(world.sandbox, world.definition))).rejects.toBeInstanceOf(GuardError);
    expect(world.sandbox.world.stacks[generation!.name]!.history.at(-1)?.message).toMatch(/1 of 3 afterRestore hook\(s\) succeeded; sql scrub\/second.sql failed/);

    world.writeFile("scrub/second.sql", "INSERT INTO hook_runs VALUES ('second');\n");
    world.output.lines.length = 0;
    const reports = await up(await world.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => r.step)).toEqual(["hooks", "promote"]);
    expect(world.output.lines.filter((l) => l.startsWith("hook "))).toEqual([
      expect.stringMatching(/^hook afterRestore 2\/3 sql scrub\/second.sql on postgres:\/\//),
      expect.stringMatching(/^hook afterRestore 3\/3 sql scrub\/anonymize.sql on /),
    ]);
    expect(await world.query(generation!.name, "SELECT hook FROM hook_runs ORDER BY hook")).toEqual([{ hook: "first" }, { hook: "second" }]);
    expect(world.served()).toBe(generation!.name);
  });

  it("a failing health check blocks the flip with nothing changed; once it passes, the flip happens", async () => {
    world = pgWorld(withHooks({ afterRestore: [{ sql: "scrub/anonymize.sql" }], beforePromote: [{ sql: "SELECT count(*) FROM users", expect: 499, timeout: "30s" }] }));
    world.writeFile("scrub/anonymize.sql", ANONYMIZE);
    const blocked = up(await world.ctx(), { promote: true, retire: false });
    await expect(blocked).rejects.toThrow(/beforePromote 1\/1 sql "SELECT count\(\*\) FROM users" failed: expected the first value to be 499, got 500; promotion of development-\d{8}-\d{4} blocked, nothing changed/);
    expect(world.served()).toBeUndefined();
    const state = await loadEchoState(world.sandbox, world.definition);
    expect(state.generations.map((g) => g.condition)).toEqual(["rebooted"]);
    expect(world.sandbox.world.stacks[state.generations[0]!.name]!.history.map((h) => h.message).some((m) => m.startsWith("promote"))).toBe(false);

    world.definition = withHooks({ afterRestore: [{ sql: "scrub/anonymize.sql" }], beforePromote: [{ sql: "SELECT count(*) FROM users", expect: 500 }] });
    const reports = await up(await world.ctx(), { promote: true, retire: false });
    // The scrub did not run again: the hook list that scrubbed the copy is unchanged.
    expect(reports.map((r) => r.step)).toEqual(["promote"]);
    expect(world.served()).toBe(state.generations[0]!.name);
  });

  it("a changed hook file is run again (from that hook on) before the generation may be promoted", async () => {
    world = pgWorld(withHooks({ afterRestore: [{ sql: "scrub/anonymize.sql" }, { sql: "scrub/count.sql" }] }));
    world.writeFile("scrub/anonymize.sql", ANONYMIZE);
    world.writeFile("scrub/count.sql", "CREATE TABLE IF NOT EXISTS runs (n int); INSERT INTO runs VALUES (1);");
    expect((await up(await world.ctx(), { promote: false, retire: false })).map((r) => r.step)).toEqual(["new", "modify", "reboot", "hooks"]);
    expect(await up(await world.ctx(), { promote: false, retire: false })).toEqual([]);

    world.writeFile("scrub/count.sql", "CREATE TABLE IF NOT EXISTS runs (n int); INSERT INTO runs VALUES (2);");
    const name = (await loadEchoState(world.sandbox, world.definition)).generations[0]!.name;
    await expect(promoteGeneration(await world.ctx(), await loadEchoState(world.sandbox, world.definition))).rejects.toThrow(/not scrubbed: 1 of 2 afterRestore hook\(s\)/);
    world.output.lines.length = 0;
    expect((await up(await world.ctx(), { promote: true, retire: false })).map((r) => r.step)).toEqual(["hooks", "promote"]);
    expect(world.output.lines.filter((l) => l.startsWith("hook "))).toEqual([expect.stringMatching(/^hook afterRestore 2\/2 sql scrub\/count.sql/)]);
    expect(await world.query(name, "SELECT n FROM runs ORDER BY n")).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
