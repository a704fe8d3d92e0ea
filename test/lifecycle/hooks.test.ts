/**
 * The hooks step on the sandbox with a scripted DatabasePort (the real one is tested on real servers by
 * `npm run test:db`): the order of steps, what is recorded, the guard, the health check, and the loud skip.
 */
import { describe, expect, it } from "vitest";
import { GuardError } from "../../src/errors.js";
import { DatabaseError, HookFailedError } from "../../src/hooks/errors.js";
import { buildHookSet } from "../../src/hooks/plan.js";
import { loadEchoState } from "../../src/lifecycle/echo-state.js";
import { promoteGeneration } from "../../src/lifecycle/promote.js";
import { up } from "../../src/lifecycle/up.js";
import type { DatabaseConnection, DatabasePort, SqlResult } from "../../src/ports.js";
import { TAG_SCRUBBED } from "../../src/program/tags.js";
import { sandboxWorld, testDefinition } from "../helpers/sandbox.js";

class ScriptedDatabases implements DatabasePort {
  readonly ran: string[] = [];
  readonly passwords: string[] = [];
  constructor(private readonly answer: (sql: string) => SqlResult | Error) {}
  async connect(request: { generation: string; password: string }): Promise<DatabaseConnection> {
    this.passwords.push(request.password);
    return { engine: "postgres", host: "h", port: 5432, user: "master", password: request.password, database: request.generation, tls: false, label: `postgres://master@h:5432/${request.generation}` };
  }
  async runSql(_c: DatabaseConnection, sql: string): Promise<SqlResult> {
    this.ran.push(sql);
    const a = this.answer(sql);
    if (a instanceof Error) throw a;
    return a;
  }
  async runCommand(): Promise<never> {
    throw new Error("no commands here");
  }
}

const definition = testDefinition((d) => {
  d.hooks = { afterRestore: [{ sql: "update users set email = 'x'" }], beforePromote: [{ sql: "select count(*) from users", expect: 3 }] };
});
const hooks = buildHookSet(definition.hooks, "/stacks", new Map());

function world(databases?: DatabasePort) {
  const w = sandboxWorld(definition);
  const ports = databases ? { ...w.ports, databases } : w.ports;
  return { ...w, ctx: () => ({ ...w.ctx(), ports, hooks }) };
}

describe("the hooks step", () => {
  it("runs after reboot, marks the generation, then the health check gates the flip", async () => {
    const db = new ScriptedDatabases((sql) => (sql.startsWith("select") ? { firstValue: "3", output: "SELECT 1" } : { output: "UPDATE 3" }));
    const w = world(db);
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => r.step)).toEqual(["new", "modify", "reboot", "hooks", "promote"]);
    expect(db.ran).toEqual(["update users set email = 'x'", "select count(*) from users"]);
    expect(db.passwords).toEqual(["correct-horse-battery-staple", "correct-horse-battery-staple"]);
    const name = reports[0]!.generation;
    expect(w.sandbox.world.rds.instances[name]!.tags[TAG_SCRUBBED]).toBe(hooks.scrubDigest);
    expect(w.sandbox.world.stacks[name]!.settings).toMatchObject({ stage: "promoted", scrubbed: hooks.scrubDigest });
  });

  it("a failing afterRestore hook stops up before promotion (recorded); a promotion by hand is then refused", async () => {
    const db = new ScriptedDatabases((sql) => (sql.startsWith("update") ? new DatabaseError('relation "users" does not exist') : { output: "" }));
    const w = world(db);
    const result = up(w.ctx(), { promote: true, retire: false });
    await expect(result).rejects.toThrow(/afterRestore 1\/1 sql "update users set email = 'x'" failed: the database reported an error\n +relation "users" does not exist/);
    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => g.condition)).toEqual(["rebooted"]);
    expect(w.sandbox.world.stacks[state.generations[0]!.name]!.history.at(-1)?.message).toMatch(/0 of 1 afterRestore hook\(s\) succeeded; sql .* failed/);
    await expect(promoteGeneration(w.ctx(), state)).rejects.toBeInstanceOf(GuardError);
    expect(db.ran).toEqual(["update users set email = 'x'"]); // the health check never ran
  });

  it("a failing health check blocks the flip: exit 1, the reason, nothing changed", async () => {
    const db = new ScriptedDatabases((sql) => (sql.startsWith("select") ? { firstValue: "0", output: "SELECT 1" } : { output: "UPDATE 3" }));
    const w = world(db);
    const result = up(w.ctx(), { promote: true, retire: false });
    await expect(result).rejects.toBeInstanceOf(HookFailedError);
    await expect(result).rejects.toThrow(/expected the first value to be 3, got 0; promotion of development-\d{8}-\d{4} blocked, nothing changed/);
    const state = await loadEchoState(w.ports, w.definition);
    expect(state.generations.map((g) => g.condition)).toEqual(["rebooted"]);
    expect(w.sandbox.world.route53.zones.flatMap((z) => Object.keys(z.records))).toEqual([]);
  });

  it("on the sandbox without a database, hooks are skipped loudly and said so in the history", async () => {
    const w = world();
    const reports = await up(w.ctx(), { promote: true, retire: false });
    expect(reports.map((r) => r.step)).toEqual(["new", "modify", "reboot", "hooks", "promote"]);
    expect(w.output.lines).toContainEqual(expect.stringMatching(/^warning: HOOKS SKIPPED on development-.*RDS_ECHO_SANDBOX_POSTGRES.*NOT scrubbed/));
    expect(w.output.lines).toContainEqual(expect.stringMatching(/^warning: beforePromote checks SKIPPED/));
    const name = reports[0]!.generation;
    expect(w.sandbox.world.stacks[name]!.history.map((h) => h.message)).toContainEqual(expect.stringMatching(/^scrubbed .*: hooks SKIPPED/));
  });
});
