/**
 * The sandbox's data plane on a real PostgreSQL server (`RDS_ECHO_SANDBOX_POSTGRES` or `sandbox.postgres` in
 * .rds-echo/sandbox.json). The source instance is a real database seeded with sample data (users with e-mail
 * addresses and password hashes), each snapshot a template database copied from it, each restored generation a real
 * database created from its snapshot (`CREATE DATABASE … TEMPLATE …`), dropped when the generation is retired.
 * So hooks really run, on a copy of "production" that really holds what must be scrubbed.
 *
 * What it does not simulate: every generation lives on the one server, so hooks connect with the server URL's
 * user and password. The master password the hooks are given is still checked, against the generation stack's
 * secret (its SHA-256), as RDS would refuse a wrong one.
 */
import { createHash } from "node:crypto";
import type { ConnectionRequest, DatabaseConnection, DatabasePort } from "../../ports.js";
import { runCommand } from "../database/command.js";
import { runPostgresSql } from "../database/postgres.js";
import { DatabaseError } from "../../hooks/errors.js";
import type { SimSnapshot, SimWorld } from "./world.js";

/** The sample users seeded into each source database. */
export const SAMPLE_USERS = 500;

/** The server URL from the environment (it wins) or the sandbox file; undefined when neither names one. */
export function sandboxPostgresUrl(env: NodeJS.ProcessEnv, world: SimWorld): string | undefined {
  return env["RDS_ECHO_SANDBOX_POSTGRES"] || world.sandbox?.postgres || undefined;
}

interface Server {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The database the admin connection uses (the URL's, else `postgres`). */
  readonly admin: string;
}

type Client = { query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; end(): Promise<void>; connect(): Promise<unknown>; on(event: "error", listener: () => void): unknown };

export class SandboxPostgres implements DatabasePort {
  readonly #server: Server;

  constructor(
    url: string,
    private readonly world: SimWorld,
  ) {
    const u = new URL(url);
    if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error("RDS_ECHO_SANDBOX_POSTGRES must be a postgres:// URL");
    this.#server = {
      host: u.hostname || "127.0.0.1",
      port: Number(u.port || 5432),
      user: decodeURIComponent(u.username || "postgres"),
      password: decodeURIComponent(u.password),
      admin: decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres",
    };
  }

  /** The restore: the generation's database, created from the snapshot's template (made from its source first). */
  async restore(snapshot: SimSnapshot, generation: string): Promise<void> {
    const template = await this.#ensureSnapshot(snapshot);
    await this.#admin(async (c) => {
      if (await exists(c, generation)) return; // a rerun after a crash: the copy is already there
      await c.query(`CREATE DATABASE ${ident(generation)} TEMPLATE ${ident(template)}`);
    });
  }

  /** The final snapshot of a retired generation becomes a template of its own, then the generation's database goes. */
  async destroy(generation: string, finalSnapshot: string | undefined): Promise<void> {
    await this.#admin(async (c) => {
      if (!(await exists(c, generation))) return;
      if (finalSnapshot !== undefined && !(await exists(c, snapshotDatabase(finalSnapshot)))) {
        await c.query(`CREATE DATABASE ${ident(snapshotDatabase(finalSnapshot))} TEMPLATE ${ident(generation)}`);
      }
      await c.query(`DROP DATABASE ${ident(generation)} WITH (FORCE)`);
    });
  }

  /** A deleted (final) snapshot's template database goes with it. */
  async dropSnapshot(id: string): Promise<void> {
    await this.#admin((c) => c.query(`DROP DATABASE IF EXISTS ${ident(snapshotDatabase(id))}`));
  }

  async connect(request: ConnectionRequest): Promise<DatabaseConnection> {
    const stack = this.world.stacks[request.generation];
    const digest = createHash("sha256").update(request.password).digest("hex");
    if (!stack || !Object.values(stack.secrets).includes(digest)) {
      throw new DatabaseError(`password authentication failed for the master user of ${request.generation} (it is not the password its stack stores)`);
    }
    const present = await this.#admin((c) => exists(c, request.generation));
    if (!present) throw new DatabaseError(`${request.generation} has no database on the sandbox's PostgreSQL (it was restored before the sandbox had one); retire it and restore a new one`);
    const { host, port, user, password } = this.#server;
    return { engine: "postgres", host, port, user, password, database: request.generation, tls: false, label: `postgres://${user}@${host}:${port}/${request.generation}` };
  }

  runSql(connection: DatabaseConnection, sql: string, options: { timeoutMs: number; transaction: boolean }) {
    return runPostgresSql(connection, sql, options);
  }

  runCommand(connection: DatabaseConnection, command: string, options: { timeoutMs: number; cwd: string }) {
    return runCommand(connection, command, options);
  }

  async #ensureSnapshot(snapshot: SimSnapshot): Promise<string> {
    const name = snapshotDatabase(snapshot.id);
    const source = sourceDatabase(snapshot.instance);
    await this.#admin(async (c) => {
      if (await exists(c, name)) return;
      // A final snapshot of a generation is made at retire; any other snapshot is of the (static) seeded source.
      if (!(await exists(c, source))) {
        await c.query(`CREATE DATABASE ${ident(source)}`);
        await this.#on(source, (s) => s.query(SEED_SQL));
      }
      await c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(source)}`);
    });
    return name;
  }

  #admin<T>(body: (client: Client) => Promise<T>): Promise<T> {
    return this.#on(this.#server.admin, body);
  }

  async #on<T>(database: string, body: (client: Client) => Promise<T>): Promise<T> {
    const { default: pg } = await import("pg");
    const { host, port, user, password } = this.#server;
    const client = new pg.Client({ host, port, user, password, database, application_name: "rds-echo sandbox" }) as unknown as Client;
    client.on("error", () => undefined);
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export function sourceDatabase(instance: string): string {
  return `rds-echo-source-${short(instance)}`;
}

export function snapshotDatabase(snapshot: string): string {
  return `rds-echo-snapshot-${short(snapshot)}`;
}

/** The sample "production" data: what a scrub must change. */
const SEED_SQL = `
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
INSERT INTO users
SELECT i, 'customer' || i || '@' || (ARRAY['gmail.com','example.org','corp.example.com'])[1 + i % 3],
       'Customer ' || i,
       '$2b$12$' || substr(md5('salt' || i), 1, 22) || substr(md5('hash' || i), 1, 31),
       timestamptz '2024-01-01' + i * interval '1 hour'
FROM generate_series(1, ${SAMPLE_USERS}) AS i;
`;

async function exists(client: Client, database: string): Promise<boolean> {
  const { rows } = await client.query(`SELECT 1 FROM pg_database WHERE datname = ${literal(database)}`);
  return rows.length > 0;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function short(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}
