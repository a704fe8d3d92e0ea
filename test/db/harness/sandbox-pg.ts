/**
 * A sandbox whose instances are real databases on the suite's PostgreSQL (see src/adapters/sandbox/postgres.ts), with
 * a temporary stacks/ directory for hook files. `close()` drops every generation database and removes the directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createSandbox, seededWorld, type Sandbox } from "../../../src/adapters/sandbox/index.js";
import type { EchoDefinition } from "../../../src/definition/schema.js";
import { loadHookSet } from "../../../src/hooks/load.js";
import type { StepContext } from "../../../src/lifecycle/context.js";
import type { Ports } from "../../../src/ports.js";
import { RecordingOutput, ScriptedPrompt, START } from "../../helpers/sandbox.js";

export const MASTER_PASSWORD = "correct-horse-battery-staple";
export const CNAME = "development.db.example.com";

export interface PgWorld {
  readonly sandbox: Sandbox;
  readonly output: RecordingOutput;
  readonly stacksDir: string;
  definition: EchoDefinition;
  writeFile(relative: string, text: string): void;
  /** A step context with the hooks (re)loaded from the stacks directory, as the CLI does before each run. */
  ctx(): Promise<StepContext>;
  /** Rows of a query on one database of the server. */
  query<T = Record<string, unknown>>(database: string, sql: string): Promise<T[]>;
  /** The generation the live CNAME names, or undefined without a record. */
  served(): string | undefined;
  close(): Promise<void>;
}

export function pgWorld(definition: EchoDefinition): PgWorld {
  const url = inject("postgresUrl");
  const stacksDir = path.join(mkdtempSync(path.join(tmpdir(), "rds-echo-hooks-")), "stacks");
  mkdirSync(stacksDir);
  const holder = { definition };
  const sandbox = createSandbox(seededWorld(definition, START), { definitionFor: async () => holder.definition, postgres: url });
  const output = new RecordingOutput();
  const ports: Ports = { engine: sandbox.engine, rds: sandbox.rds, dns: sandbox.dns, approvals: sandbox.approvals, snapshots: sandbox.snapshots, databases: sandbox.databases!, clock: sandbox.clock, prompt: new ScriptedPrompt(false), output };
  const query = async <T>(database: string, sql: string): Promise<T[]> => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    sandbox,
    output,
    stacksDir,
    get definition() {
      return holder.definition;
    },
    set definition(next) {
      holder.definition = next;
    },
    writeFile: (relative, text) => {
      mkdirSync(path.dirname(path.join(stacksDir, relative)), { recursive: true });
      writeFileSync(path.join(stacksDir, relative), text);
    },
    ctx: async () => ({
      ports,
      definition: holder.definition,
      hooks: await loadHookSet(stacksDir, holder.definition),
      options: { yes: true, force: false, secrets: { masterPassword: MASTER_PASSWORD } },
    }),
    query,
    served: () => {
      const record = sandbox.world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === CNAME)?.[1];
      return Object.values(sandbox.world.rds.instances).find((i) => i.address === record?.values[0])?.id;
    },
    close: async () => {
      // Generation databases are named after generations; the seeded source and snapshot templates are shared.
      const rows = await query<{ datname: string }>("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'development-%'");
      for (const { datname } of rows) await query("postgres", `DROP DATABASE "${datname}" WITH (FORCE)`);
      rmSync(path.dirname(stacksDir), { recursive: true, force: true });
    },
  };
}
