/**
 * The real DatabasePort: hooks against an RDS instance's endpoint, as its master user, over TLS verified with the
 * RDS CA bundle. The client (node-postgres or mysql2) follows the engine RDS reports.
 */
import type { ConnectionRequest, DatabaseConnection, DatabaseEngine, DatabasePort } from "../../ports.js";
import { runCommand, type CommandOptions } from "./command.js";
import { runMysqlSql } from "./mysql.js";
import { runPostgresSql } from "./postgres.js";
import { rdsCaBundle } from "./tls.js";

/** The client family for an RDS engine name; undefined for engines hooks cannot drive (SQL Server, Oracle, Db2). */
export function clientFor(engine: string | undefined): DatabaseEngine | undefined {
  if (engine === undefined) return undefined;
  if (/postgres/.test(engine)) return "postgres";
  if (/mysql|mariadb/.test(engine)) return "mysql";
  return undefined;
}

export const DEFAULT_DATABASE: Record<DatabaseEngine, string> = { postgres: "postgres", mysql: "mysql" };

/** The connection for a request, once the engine, user and database are known. */
export function connectionFor(request: ConnectionRequest, engine: DatabaseEngine, host: string, port: number, ca: string | undefined): DatabaseConnection {
  const user = request.user ?? request.instance.masterUsername;
  if (!user) throw new Error(`${request.generation}: RDS reports no master user name; set hooks.user in the definition`);
  const database = request.database ?? request.instance.dbName ?? DEFAULT_DATABASE[engine];
  return {
    engine,
    host,
    port,
    user,
    password: request.password,
    database,
    tls: ca !== undefined ? { ca } : false,
    label: `${engine}://${user}@${host}:${port}/${database}`,
  };
}

export class RdsDatabases implements DatabasePort {
  async connect(request: ConnectionRequest): Promise<DatabaseConnection> {
    const { instance } = request;
    const engine = clientFor(instance.engine);
    if (!engine) throw new Error(`${request.generation}: hooks support PostgreSQL, MySQL and MariaDB; RDS reports the engine ${instance.engine ?? "(none)"}`);
    if (!instance.address || !instance.port) throw new Error(`${request.generation}: RDS reports no endpoint yet`);
    const ca = request.tls ? request.ca ?? (await rdsCaBundle()) : undefined;
    return connectionFor(request, engine, instance.address, instance.port, ca);
  }

  runSql(connection: DatabaseConnection, sql: string, options: { timeoutMs: number; transaction: boolean }) {
    return connection.engine === "postgres" ? runPostgresSql(connection, sql, options) : runMysqlSql(connection, sql, options);
  }

  runCommand(connection: DatabaseConnection, command: string, options: CommandOptions) {
    return runCommand(connection, command, options);
  }
}
