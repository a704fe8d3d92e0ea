/** `hooks.env` reaches the DatabasePort with each `run:` hook (the adapter builds the allowlisted environment from it). */
import { describe, expect, it } from "vitest";
import { buildHookSet } from "../../src/hooks/plan.js";
import { up } from "../../src/lifecycle/up.js";
import type { DatabaseConnection, DatabasePort } from "../../src/ports.js";
import { sandboxWorld, testDefinition } from "../helpers/sandbox.js";

describe("hooks.env", () => {
  it("is passed with every run: hook, and nothing is passed when the definition names nothing", async () => {
    for (const env of [["SCRUB_TOKEN", "AWS_PROFILE"], undefined]) {
      const seen: (readonly string[] | undefined)[] = [];
      const databases: DatabasePort = {
        async connect(r: { password: string }): Promise<DatabaseConnection> {
          return { engine: "postgres", host: "h", port: 5432, user: "master", password: r.password, database: "app", tls: false, label: "postgres://master@h:5432/app" };
        },
        async runSql() {
          return { output: "" };
        },
        async runCommand(_c, _command, options) {
          seen.push(options.passEnv);
          return { exitCode: 0, timedOut: false, output: "" };
        },
      };
      const w = sandboxWorld(testDefinition((d) => (d.hooks = { afterRestore: [{ run: "true" }], beforePromote: [{ run: "true" }], ...(env ? { env } : {}) })));
      const hooks = buildHookSet(w.definition.hooks, "/stacks", new Map());
      await up({ ...w.ctx(), ports: { ...w.ports, databases }, hooks }, { promote: true, retire: false });
      expect(seen).toEqual([env ?? [], env ?? []]);
    }
  });
});
