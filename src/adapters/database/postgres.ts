/** `sql:` hooks on PostgreSQL through node-postgres (imported when a hook runs, never at start-up). */
import type { DatabaseConnection, SqlResult } from "../../ports.js";
import { DatabaseError, type DatabaseErrorDetail } from "../../hooks/errors.js";
import { isSqlstate } from "../../hooks/sqlstate.js";
import { redact } from "../../hooks/plan.js";

interface PgResult {
  command?: string | null;
  rowCount?: number | null;
  rows?: unknown[];
}

export async function runPostgresSql(c: DatabaseConnection, sql: string, options: { timeoutMs: number; transaction: boolean }): Promise<SqlResult> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl: c.tls ? { ca: c.tls.ca, rejectUnauthorized: true } : false,
    connectionTimeoutMillis: Math.min(options.timeoutMs, 30_000),
    // The server cancels a statement past the timeout; the client gives up shortly after in case it cannot.
    statement_timeout: options.timeoutMs,
    query_timeout: options.timeoutMs + 5_000,
    application_name: "rds-echo hooks",
  });
  const notices: string[] = [];
  client.on("notice", (n: { message?: string }) => notices.push(`NOTICE: ${n.message ?? ""}`));
  // An error after connect (the server going away) must not become an unhandled 'error' event.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseError(`cannot connect to ${c.label}: ${redact(messageOf(error), [c.password])}`, detailOf(error, true));
  }
  try {
    if (options.transaction) await client.query("BEGIN");
    // No parameters: the simple query protocol, so a file may hold many statements.
    const raw = (await client.query(sql)) as unknown as PgResult | PgResult[];
    if (options.transaction) await client.query("COMMIT");
    const results = Array.isArray(raw) ? raw : [raw];
    const lines = [...notices, ...results.filter((r) => r.command).map((r) => `${r.command}${r.rowCount != null ? ` ${r.rowCount}` : ""}`)];
    const firstValue = firstValueOf(results.filter((r) => (r.rows?.length ?? 0) > 0).at(-1)?.rows?.[0]);
    return { output: lines.join("\n"), ...(firstValue !== undefined ? { firstValue } : {}) };
  } catch (error) {
    if (options.transaction) await client.query("ROLLBACK").catch(() => undefined);
    throw new DatabaseError(redact([...notices, messageOf(error)].join("\n"), [c.password]), detailOf(error, false));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function firstValueOf(row: unknown): string | undefined {
  if (row === null || typeof row !== "object") return undefined;
  const value = Object.values(row as Record<string, unknown>)[0];
  if (value === undefined) return undefined;
  return value === null ? "null" : value instanceof Date ? value.toISOString() : String(value);
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { code?: string; position?: string; detail?: string };
    return [`${e.message}${e.code ? ` (${e.code})` : ""}`, e.detail].filter(Boolean).join("\n");
  }
  return String(error);
}

/**
 * The SQLSTATE (or the client's error code) of a driver error, for notifications that must not carry its message.
 * node-postgres puts a server error's SQLSTATE in `code` (and sets `severity`); mysql2 puts it in `sqlState` and its
 * own name (`ER_NO_SUCH_TABLE`) in `code`. A network error has only a Node code (`ECONNREFUSED`).
 */
export function detailOf(error: unknown, connecting: boolean): DatabaseErrorDetail {
  const e = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; sqlState?: unknown; severity?: unknown };
  const sqlstate = isSqlstate(e.sqlState) ? e.sqlState : e.severity !== undefined && isSqlstate(e.code) ? e.code : undefined;
  const code = typeof e.code === "string" ? e.code : undefined;
  return { connecting, ...(sqlstate !== undefined ? { sqlstate } : code !== undefined ? { code } : {}) };
}
