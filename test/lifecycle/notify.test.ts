import { describe, expect, it } from "vitest";
import { SandboxNotifier } from "../../src/adapters/sandbox/notify.js";
import { DatabaseError, HookFailedError } from "../../src/hooks/errors.js";
import { buildHookSet } from "../../src/hooks/plan.js";
import type { DatabaseConnection, DatabasePort } from "../../src/ports.js";
import { notifyFailure, notifyRun } from "../../src/lifecycle/notify.js";
import { up } from "../../src/lifecycle/up.js";
import { sandboxWorld, testDefinition } from "../helpers/sandbox.js";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:db-refresh";

function world(on: string[]) {
  const w = sandboxWorld(testDefinition((d) => (d.notify = { on, sns: TOPIC, email: { from: "refresh@example.com", to: ["dba@example.com"] } })));
  const notifier = new SandboxNotifier(w.sandbox.world, w.sandbox.faults, w.definition.notify!);
  const ctx = () => ({ ...w.ctx(), ports: { ...w.ports, notifier } });
  return { w, ctx };
}

describe("sending notifications (the lifecycle's shell)", () => {
  it("sends only the events `on` names, to every channel, with the promoted generation's pinned snapshot", async () => {
    const { w, ctx } = world(["promoted"]);
    const reports = await up(ctx(), { promote: true, retire: false });
    await notifyRun(ctx(), "up", reports);
    const outbox = w.sandbox.world.outbox;
    expect(outbox.map((m) => [m.channel, m.event, m.to])).toEqual([
      ["sns", "promoted", TOPIC],
      ["email", "promoted", "dba@example.com"],
    ]);
    const snapshot = (await w.ports.engine.settings(reports[0]!.generation))!.snapshot;
    expect(outbox[0]!.text).toContain(`Snapshot: ${snapshot}`);
    // `waiting` is not in `on`: the reboot that came before the promotion sent nothing of its own.
    await notifyRun(ctx(), "reboot", [{ step: "reboot", generation: reports[0]!.generation, detail: "rebooted" }]);
    expect(outbox).toHaveLength(2);
  });

  it("a channel that fails is a warning; the others still go out and nothing is thrown", async () => {
    const { w, ctx } = world(["failure"]);
    w.sandbox.faults.failOnce("sns.Publish", "SNS is down");
    await notifyFailure(ctx(), "up", new Error("engine exploded"), 1);
    expect(w.sandbox.world.outbox.map((m) => m.channel)).toEqual(["email"]);
    expect(w.output.lines).toContain("warning: notification (sns) failed: SNS is down; the run itself is not affected");
  });

  it("never sends a secret the run holds, even when an error message carries it", async () => {
    const { w, ctx } = world(["failure"]);
    await notifyFailure(ctx(), "up", new Error("login failed with correct-horse-battery-staple"), 1);
    expect(w.sandbox.world.outbox).toHaveLength(2);
    expect(JSON.stringify(w.sandbox.world.outbox)).not.toContain("correct-horse-battery-staple");
    expect(w.sandbox.world.outbox[0]!.text).toContain("login failed with [secret]");
  });

  it("a failed hook's notification names the hook, the SQLSTATE and its class, never the rows the server quoted", async () => {
    const ROW = "customer1@example.org";
    const failing: DatabasePort = {
      async connect(r: { generation: string; password: string }): Promise<DatabaseConnection> {
        return { engine: "postgres", host: "h", port: 5432, user: "master", password: r.password, database: "app", tls: false, label: "postgres://master@h:5432/app" };
      },
      async runSql(_c, sql) {
        if (sql.startsWith("update")) throw new DatabaseError(`invalid input syntax for type integer: "${ROW}"\nCONTEXT: row (${ROW}, Jane Doe)`, { sqlstate: "22P02" });
        return { output: "", firstValue: ROW };
      },
      async runCommand() {
        return { exitCode: 0, timedOut: false, output: "" };
      },
    };
    for (const [phase, spec, expected] of [
      ["afterRestore", { sql: "update users set id = email" }, 'afterRestore 1/1 sql "update users set id = email" failed: the database reported an error: SQLSTATE 22P02 (data exception)'],
      ["beforePromote", { sql: "select email from users", expect: "none" }, 'beforePromote 1/1 sql "select email from users" failed: its first value was not none; promotion of'],
    ] as const) {
      const hooks = { afterRestore: phase === "afterRestore" ? [spec] : [], beforePromote: phase === "beforePromote" ? [spec] : [] };
      const w = sandboxWorld(testDefinition((d) => ((d.hooks = hooks), (d.notify = { on: ["failure"], sns: TOPIC }))));
      const notifier = new SandboxNotifier(w.sandbox.world, w.sandbox.faults, w.definition.notify!);
      const ctx = () => ({ ...w.ctx(), ports: { ...w.ports, notifier, databases: failing }, hooks: buildHookSet(w.definition.hooks, "/stacks", new Map()) });
      const error = await up(ctx(), { promote: true, retire: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HookFailedError);
      // The terminal keeps the whole text: it is where a person looks, on the machine that ran the hook.
      expect((error as Error).message).toContain(ROW);
      await notifyFailure(ctx(), "up", error, 1);
      const [sent] = w.sandbox.world.outbox;
      expect(sent!.text).toContain(expected);
      expect(JSON.stringify(w.sandbox.world.outbox)).not.toContain(ROW);
      expect(JSON.stringify(w.sandbox.world.outbox)).not.toContain("Jane Doe");
    }
  });
});
