/**
 * Issue 11's "done when", run as a person would: the repo's example `stacks/` (its definition and scrub files, copied
 * as they are) and exactly `RDS_ECHO_SANDBOX_POSTGRES=<url> rds-echo up development --sandbox --promote --yes`, with
 * no master password and no sandbox speed set. Then the CNAME's target is followed to its database (through the
 * sandbox's own state, not rds-echo's word) and the rows there are checked, against the untouched source.
 *
 * It also measures what the hook step costs per generation, and prints it:
 * - the hooks step's wall time, from the arrival of its first output line (`hooks <generation>: …`) to that of the
 *   next step's (`promote <generation>:`): the preview, the connection, the scrub, the tag and the stack update;
 * - each hook's own time, as rds-echo reports it (`ok in …`: connect, run, disconnect);
 * - connections, from PostgreSQL's own counter `pg_stat_database.sessions` (sessions ever opened per database): the
 *   generation's database is created during the run and only hooks connect to it, so its count is the hooks'
 *   connections. The sandbox's own bookkeeping connections (to the server's admin database, which RDS would not
 *   need) are counted apart.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SAMPLE_USERS, sourceDatabase } from "../../src/adapters/sandbox/postgres.js";
import { CLI, rdsEcho } from "../helpers/cli.js";
import { REPO_ROOT } from "../helpers/definitions.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rds-echo-quick-start-pg-"));
  cpSync(path.join(REPO_ROOT, "stacks"), path.join(dir, "stacks"), { recursive: true });
});

afterAll(async () => {
  const rows = await query<{ datname: string }>("template1", "SELECT datname FROM pg_database WHERE datname LIKE 'development-%'");
  for (const { datname } of rows) await query("template1", `DROP DATABASE "${datname}" WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(database: string, sql: string): Promise<T[]> {
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Sessions ever opened to a database (PostgreSQL 14+). A backend adds its session when it exits, a moment after its
 * client has gone, so this waits until the counter holds still. Read from template1, so the reading is not counted.
 */
async function sessions(database: string): Promise<number> {
  const read = async () => Number((await query<{ n: string }>("template1", `SELECT coalesce(sum(sessions), 0) AS n FROM pg_stat_database WHERE datname = '${database}'`))[0]!.n);
  let last = await read();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await read();
    if (now === last && i >= 2) return now;
    last = now;
  }
  return last;
}

interface TimedRun {
  readonly status: number | null;
  /** Every output line (stdout and stderr) with the milliseconds since the start at which it arrived. */
  readonly lines: { at: number; text: string }[];
  readonly ms: number;
}

/** The CLI as a subprocess, timing each output line's arrival (Node writes to pipes synchronously on Linux). */
function timedRun(args: string[], env: NodeJS.ProcessEnv): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: { at: number; text: string }[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const at = performance.now() - start;
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        for (const text of parts) lines.push({ at, text });
      });
      stream.on("end", () => partial && lines.push({ at: performance.now() - start, text: partial }));
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, lines, ms: performance.now() - start });
    });
  });
}

describe("the example echo on a real PostgreSQL (issue 11, done when)", () => {
  it("`up development --sandbox --promote --yes` restores, scrubs and promotes: the CNAME's target holds scrubbed rows, the source does not", async () => {
    const url = inject("postgresUrl");
    // Exactly the documented command: no master password, no sandbox speed, only the server's URL.
    const env: NodeJS.ProcessEnv = { ...process.env, RDS_ECHO_SANDBOX_POSTGRES: url };
    delete env["RDS_ECHO_SECRET_MASTER_PASSWORD"];
    delete env["RDS_ECHO_SANDBOX_SPEED"];
    const adminBefore = await sessions("postgres");

    const run = await timedRun(["up", "development", "--sandbox", "--promote", "--yes"], env);
    const output = run.lines.map((l) => l.text).join("\n");
    expect(run.status, output).toBe(0);
    expect(output).not.toMatch(/SKIPPED/);
    expect(output).toMatch(/^hooks +development-\d{8}-\d{4} +scrubbed: 1 afterRestore hook\(s\) succeeded/m);

    // Follow the CNAME: its target, as Route 53 (the sandbox's) holds it, names an instance; that instance's database.
    const status = rdsEcho(["status", "development", "--sandbox", "--json"], { cwd: dir, env });
    expect(status.status, status.stderr).toBe(0);
    const { cnameTarget, servedBy } = JSON.parse(status.stdout) as { cnameTarget?: string; servedBy?: string };
    const world = JSON.parse(readFileSync(path.join(dir, ".rds-echo/sandbox.json"), "utf8")) as {
      rds: { instances: Record<string, { id: string; address: string; status: string }> };
      route53: { zones: { records: Record<string, { values: string[] }> }[] };
    };
    const record = world.route53.zones.flatMap((z) => Object.entries(z.records)).find(([name]) => name === "development.db.example.com")?.[1];
    expect(record?.values).toEqual([cnameTarget]);
    const target = Object.values(world.rds.instances).find((i) => i.address === cnameTarget);
    expect(target?.status).toBe("available");
    expect(target!.id).toBe(servedBy);
    const generation = target!.id;
    // Counted before this test connects to the copy itself: every session so far is rds-echo's.
    const hookConnections = await sessions(generation);
    const adminConnections = (await sessions("postgres")) - adminBefore;

    const copy = await query<{ id: string; email: string; name: string; password_hash: string }>(generation, "SELECT id, email, name, password_hash FROM users ORDER BY id");
    expect(copy).toHaveLength(SAMPLE_USERS);
    for (const row of copy) {
      expect(row).toEqual({ id: row.id, email: `user${row.id}@example.invalid`, name: `User ${row.id}`, password_hash: "!scrubbed" });
    }
    const [source] = await query<{ total: number; customers: number; hashed: number }>(
      sourceDatabase("production-db"),
      "SELECT count(*)::int AS total, count(*) FILTER (WHERE email LIKE 'customer%@%' AND email NOT LIKE '%@example.invalid')::int AS customers, count(*) FILTER (WHERE password_hash LIKE '$2b$12$%')::int AS hashed FROM users",
    );
    expect(source).toEqual({ total: SAMPLE_USERS, customers: SAMPLE_USERS, hashed: SAMPLE_USERS });

    // The cost of the hook step for this generation. One connection per sql: hook: the scrub (afterRestore) and the health check (beforePromote).
    expect(hookConnections).toBe(2);
    const at = (pattern: RegExp) => run.lines.find((l) => pattern.test(l.text))?.at;
    const stepStart = at(new RegExp(`^hooks ${generation}: run afterRestore`));
    const stepEnd = at(new RegExp(`^promote ${generation}:`));
    expect(stepStart).toBeDefined();
    expect(stepEnd).toBeGreaterThan(stepStart!);
    const hookTimes = run.lines.filter((l) => /^\s+ok in [\d.]+ s/.test(l.text)).map((l) => l.text.trim().replace(/ \(.*$/, ""));
    expect(hookTimes).toHaveLength(2);
    console.log(
      [
        `hook step cost for ${generation} (PostgreSQL ${(await query<{ v: string }>("template1", "SELECT current_setting('server_version') AS v"))[0]!.v}, ${SAMPLE_USERS} users):`,
        `  hooks step wall time (preview, connect, scrub, tag, stack update): ${(stepEnd! - stepStart!).toFixed(0)} ms`,
        `  afterRestore scrub, then beforePromote check: ${hookTimes.join(", ")}`,
        `  connections to the generation's database (pg_stat_database.sessions): ${hookConnections}`,
        `  sandbox bookkeeping connections to the admin database during the whole up (RDS has no such thing): ${adminConnections}`,
        `  whole \`up --promote\` (one process, default sandbox speed): ${run.ms.toFixed(0)} ms`,
      ].join("\n"),
    );
  });
});
