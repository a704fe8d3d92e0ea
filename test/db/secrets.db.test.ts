/**
 * The CLI end to end on the sandbox's real PostgreSQL, as a person runs it: `up --promote` restores, scrubs with a
 * `run:` hook and promotes. The master password and the server's password never appear in any process's argv (the
 * hook itself looks with `ps` while psql is connected) nor in rds-echo's output.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import { rdsEcho } from "../helpers/cli.js";
import { developmentYaml, REPO_ROOT } from "../helpers/definitions.js";

const MASTER = "Sup3r-secret-master-pw";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rds-echo-hooks-cli-"));
  mkdirSync(path.join(dir, "stacks/scrub"), { recursive: true });
  const data = parse(developmentYaml) as Record<string, any>;
  data.hooks = {
    afterRestore: [{ sql: "scrub/anonymize.sql" }, { run: "./scrub/look.sh", timeout: "60s" }],
    beforePromote: [{ sql: "SELECT count(*) FROM users WHERE email NOT LIKE '%@example.invalid'", expect: 0 }],
  };
  writeFileSync(path.join(dir, "stacks/development.yaml"), stringify(data));
  writeFileSync(path.join(dir, "stacks/scrub/anonymize.sql"), readFileSync(path.join(REPO_ROOT, "stacks/scrub/anonymize.sql")));
  // While psql holds a connection, capture every process's argv; then print what a careless script would.
  writeFileSync(
    path.join(dir, "stacks/scrub/look.sh"),
    `#!/bin/sh\nset -e\npsql -v ON_ERROR_STOP=1 -Atc "SELECT pg_sleep(0.5); SELECT 'users=' || count(*) FROM users" &\nsleep 0.2\nps -eo args > "${dir}/ps.txt"\nwait\necho "password is $PGPASSWORD"\n`,
    { mode: 0o755 },
  );
});

afterAll(async () => {
  const url = inject("postgresUrl");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'development-%'");
  for (const { datname } of rows) await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
  await client.end();
  rmSync(dir, { recursive: true, force: true });
});

describe("rds-echo up on the sandbox's PostgreSQL", () => {
  it("restores, scrubs and promotes; no password in argv or output", () => {
    const url = inject("postgresUrl");
    const serverPassword = new URL(url).password;
    const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: MASTER, RDS_ECHO_SANDBOX_POSTGRES: url };
    const r = rdsEcho(["up", "development", "--sandbox", "--promote", "--yes", "--dir", dir], { env, timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const all = r.stdout + r.stderr;
    expect(all).toMatch(/hooks +development-\d{8}-\d{4} +scrubbed: 2 afterRestore hook\(s\) succeeded/);
    expect(all).toMatch(/promote +development-\d{8}-\d{4}/);
    expect(all).toContain("users=500");
    expect(all).toContain("password is ********");

    const ps = readFileSync(path.join(dir, "ps.txt"), "utf8");
    expect(ps).toMatch(/psql -v ON_ERROR_STOP=1/); // the capture saw the connected client…
    for (const secret of [MASTER, serverPassword]) {
      expect(ps).not.toContain(secret); // …and no password in anyone's argv
      expect(all).not.toContain(secret);
    }

    const status = rdsEcho(["status", "development", "--sandbox", "--json", "--dir", dir], { env });
    expect(JSON.parse(status.stdout).servedBy).toMatch(/^development-/);
  });

  it("refuses a hook file that does not exist before touching anything (exit 2)", () => {
    const data = parse(readFileSync(path.join(dir, "stacks/development.yaml"), "utf8")) as Record<string, any>;
    data.hooks.afterRestore[0].sql = "scrub/missing.sql";
    writeFileSync(path.join(dir, "stacks/typo.yaml"), stringify(data));
    const r = rdsEcho(["hooks", "typo", "--sandbox", "--yes", "--dir", dir], { env: { RDS_ECHO_SANDBOX_POSTGRES: "postgres://nobody@127.0.0.1:1/none" } });
    rmSync(path.join(dir, "stacks/typo.yaml"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/hooks\.afterRestore\[0\]\.sql: no such file stacks\/scrub\/missing.sql/);
  });
});
