/** `sql:` hooks on MySQL and MariaDB through mysql2 (imported when a hook runs, never at start-up). */
import type { DatabaseConnection, SqlResult } from "../../ports.js";
import { DatabaseError } from "../../hooks/errors.js";
import { redact } from "../../hooks/plan.js";
import { detailOf, firstValueOf, messageOf } from "./postgres.js";

export async function runMysqlSql(c: DatabaseConnection, sql: string, options: { timeoutMs: number; transaction: boolean }): Promise<SqlResult> {
  const mysql = await import("mysql2/promise");
  let connection: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    connection = await mysql.createConnection({
      host: c.host,
      port: c.port,
      user: c.user,
      password: c.password,
      database: c.database,
      // verifyIdentity: a valid chain is not enough; every RDS instance (and anyone with a certificate from the same CA)
      // has one. mysql2 skips the name check without it, and the master password would go to whoever answered.
      ...(c.tls ? { ssl: { ca: c.tls.ca, rejectUnauthorized: true, verifyIdentity: true } } : {}),
      // A file may hold many statements, as in the mysql client.
      multipleStatements: true,
      connectTimeout: Math.min(options.timeoutMs, 30_000),
    });
  } catch (error) {
    throw new DatabaseError(`cannot connect to ${c.label}: ${redact(messageOf(error), [c.password])}`, detailOf(error, true));
  }
  connection.on("error", () => undefined);
  try {
    // DDL commits implicitly in MySQL: the transaction covers the data changes, as far as the engine allows.
    if (options.transaction) await connection.query("START TRANSACTION");
    const [raw] = await connection.query({ sql, timeout: options.timeoutMs });
    if (options.transaction) await connection.query("COMMIT");
    const results: unknown[] = Array.isArray(raw) && raw.some((r) => Array.isArray(r) || isHeader(r)) ? raw : [raw];
    const lines = results.filter(isHeader).map((r) => `OK ${r.affectedRows} row(s)`);
    const rowSets = results.filter((r): r is unknown[] => Array.isArray(r) && r.length > 0);
    const firstValue = firstValueOf(rowSets.at(-1)?.[0]);
    return { output: lines.join("\n"), ...(firstValue !== undefined ? { firstValue } : {}) };
  } catch (error) {
    if (options.transaction) await connection.query("ROLLBACK").catch(() => undefined);
    throw new DatabaseError(redact(messageOf(error), [c.password]), detailOf(error, false));
  } finally {
    await connection.end().catch(() => undefined);
  }
}

function isHeader(value: unknown): value is { affectedRows: number } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "affectedRows" in value;
}
