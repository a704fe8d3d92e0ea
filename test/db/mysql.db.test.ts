/**
 * mysql2 against a real MariaDB (Debian's mariadb-server, started by the suite's harness): `sql:` hooks in a
 * transaction with many statements, the first value for `expect`, errors with the password redacted, and `run:`
 * hooks with the MYSQL_* variables (the mariadb client reads MYSQL_PWD, so no password on its command line).
 */
import { tmpdir } from "node:os";
import { describe, expect, inject, it } from "vitest";
import { RdsDatabases } from "../../src/adapters/database/index.js";
import { DatabaseError } from "../../src/hooks/errors.js";
import type { DatabaseConnection } from "../../src/ports.js";

const url = inject("mariadbUrl");
const problem = inject("mariadbProblem");

function connection(password?: string): DatabaseConnection {
  const u = new URL(url);
  return { engine: "mysql", host: u.hostname, port: Number(u.port), user: u.username, password: password ?? decodeURIComponent(u.password), database: "app", tls: false, label: "mysql://test" };
}

describe.skipIf(!url)(`hooks on MariaDB${problem ? ` (skipped: ${problem})` : ""}`, () => {
  const db = new RdsDatabases();

  it("runs a file of statements in one transaction and reads the first value", async () => {
    const c = connection();
    await db.runSql(c, "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, email varchar(200)); DELETE FROM users; INSERT INTO users VALUES (1, 'a@corp.com'), (2, 'b@corp.com');", { timeoutMs: 10_000, transaction: false });
    const result = await db.runSql(c, "UPDATE users SET email = CONCAT('user', id, '@example.invalid'); SELECT count(*) FROM users WHERE email LIKE '%@example.invalid';", { timeoutMs: 10_000, transaction: true });
    expect(result.firstValue).toBe("2");
    expect(result.output).toMatch(/OK 2 row\(s\)/);
  });

  it("rolls back a failing file and reports the error without the password", async () => {
    const c = connection();
    await expect(db.runSql(c, "UPDATE users SET email = 'x'; UPDATE no_such_table SET x = 1;", { timeoutMs: 10_000, transaction: true })).rejects.toThrow(/no_such_table/);
    const after = await db.runSql(c, "SELECT count(*) FROM users WHERE email = 'x'", { timeoutMs: 10_000, transaction: false });
    expect(after.firstValue).toBe("0");
    const wrong = "Wr0ng-pass-word";
    const error = await db.runSql(connection(wrong), "SELECT 1", { timeoutMs: 10_000, transaction: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(String((error as Error).message)).not.toContain(wrong);
  });

  it("gives run: hooks the MYSQL_* variables, the password only in the environment", async () => {
    const c = connection();
    const result = await db.runCommand(c, 'mariadb --protocol=TCP -h "$MYSQL_HOST" -P "$MYSQL_TCP_PORT" -u "$MYSQL_USER" -N -e "SELECT count(*) FROM users" "$MYSQL_DATABASE"; echo "pwd=$MYSQL_PWD"', { timeoutMs: 20_000, cwd: tmpdir() });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toMatch(/^2$/m);
    expect(result.output).toContain("pwd=********");
    expect(result.output).not.toContain(c.password);
  });
});
