/**
 * TLS to a real MariaDB whose certificate comes from the CA hooks trust, first for another name (what anyone holding a
 * certificate of that CA, or RDS's shared CA, can present), then for the name the client connects to. `sql:` hooks
 * (mysql2) and `run:` hooks (the mariadb client, reading the option file rds-echo hands it through MYSQL_HOME, with
 * no flags) must refuse the first before sending the password, and work with the second.
 */
import { tmpdir } from "node:os";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RdsDatabases } from "../../src/adapters/database/index.js";
import { DatabaseError } from "../../src/hooks/errors.js";
import type { DatabaseConnection } from "../../src/ports.js";
import { testCa, type TestCa } from "./harness/certs.js";
import { startMariadb, type RunningServer } from "./harness/servers.js";

const problem = inject("mariadbProblem");
const available = inject("mariadbUrl") !== "";

let ca: TestCa;
let server: RunningServer;
let rightName: { cert: string; key: string };

beforeAll(async () => {
  if (!available) return;
  ca = testCa();
  const wrongName = ca.issue(["DNS:db.other-echo.example.test"]);
  // Both spellings of the loopback host: the mariadb client checks the IP it connects to, while mysql2 passes no
  // server name for an IP and Node then checks "localhost". (An RDS endpoint is a DNS name, which both check as is.)
  rightName = ca.issue(["IP:127.0.0.1", "DNS:localhost"]);
  server = await startMariadb({ tls: { ...wrongName, ca: ca.ca } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  ca?.remove();
});

function connection(): DatabaseConnection {
  const u = new URL(server.url);
  return { engine: "mysql", host: u.hostname, port: Number(u.port), user: u.username, password: decodeURIComponent(u.password), database: "app", tls: { ca: ca.ca }, label: "mysql://tls-test" };
}

/** The mariadb client with no connection flags at all: everything comes from MYSQL_HOME/my.cnf and MYSQL_PWD. */
const CLIENT = `mariadb -N -e "SELECT CONCAT('tls=', VARIABLE_VALUE) FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'"`;

describe.skipIf(!available)(`TLS server identity on MariaDB${problem ? ` (skipped: ${problem})` : ""}`, () => {
  const db = new RdsDatabases();

  // First, before any good connection exists whose TLS session could be resumed.
  it("refuses a certificate of the same CA for another name: sql: hooks and run: hooks alike", async () => {
    const error = await db.runSql(connection(), "SELECT 1", { timeoutMs: 10_000, transaction: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).message).toMatch(/cannot connect to mysql:\/\/tls-test: .*(altnames|not in the cert)/i);
    expect((error as DatabaseError).detail).toMatchObject({ connecting: true, code: expect.stringMatching(/SSL|TLS|CERT/) });

    const run = await db.runCommand(connection(), CLIENT, { timeoutMs: 20_000, cwd: tmpdir() });
    expect(run.exitCode, run.output).not.toBe(0);
    expect(run.output).toMatch(/certificate|SSL|TLS/i);
    expect(run.output).not.toMatch(/tls=/);
  });

  it("connects when the certificate names the host: both hooks over TLS, verified", async () => {
    writeFileSync(server.tlsFiles!.cert, rightName.cert);
    writeFileSync(server.tlsFiles!.key, rightName.key);
    await db.runSql({ ...connection(), tls: false }, "FLUSH SSL", { timeoutMs: 10_000, transaction: false });

    const result = await db.runSql(connection(), "SELECT 'verified' AS v", { timeoutMs: 10_000, transaction: false });
    expect(result.firstValue).toBe("verified");
    const run = await db.runCommand(connection(), CLIENT, { timeoutMs: 20_000, cwd: tmpdir() });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/^tls=TLSv1\.[23]$/m);
  });
});
