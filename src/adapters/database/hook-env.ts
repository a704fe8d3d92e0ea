/**
 * The environment of a `run:` hook, built from an allowlist rather than by removing what we know to be secret: the
 * driver's environment holds AWS credentials (keys, session tokens, container and web-identity credential URLs and
 * files), the Pulumi access token and passphrase, rds-echo's secrets and the signer's keys, and any list of those is
 * out of date the day a new provider variable appears. A hook gets the basics a shell and a database client need, the
 * connection, and the variables the definition names in `hooks.env` (the person's explicit choice). Pure.
 */
import path from "node:path";
import type { DatabaseConnection } from "../../ports.js";

/** Variables passed by name: what `/bin/sh`, psql and the mysql client need to find programs, files and the locale. */
const BASICS = ["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR"] as const;
/** The locale categories (LC_ALL, LC_CTYPE, …): they decide how a client reads and prints text, never a credential. */
const LOCALE = /^LC_[A-Z]+$/;

/** Where rds-echo's files for one hook are: the CA bundle, and for MySQL/MariaDB the client option file's directory. */
export interface HookFiles {
  readonly caFile?: string;
  /** A directory holding `my.cnf` (see mysqlOptionFile), given to the mysql/mariadb clients as MYSQL_HOME. */
  readonly mysqlHome?: string;
}

/** The variables of `parent` a hook inherits: the basics, the locale, and the names the definition lists. */
export function inheritedEnv(parent: NodeJS.ProcessEnv, named: readonly string[] = []): Record<string, string> {
  const wanted = new Set<string>([...BASICS, ...named]);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && (wanted.has(key) || LOCALE.test(key))) out[key] = value;
  }
  return out;
}

/** The whole environment of a hook: what it inherits, then the connection (which always wins). */
export function hookEnv(parent: NodeJS.ProcessEnv, c: DatabaseConnection, files: HookFiles, named: readonly string[] = []): Record<string, string> {
  return { ...inheritedEnv(parent, named), ...connectionEnv(c, files) };
}

/** The child's connection variables: libpq's for PostgreSQL, the mysql client's for MySQL/MariaDB. */
export function connectionEnv(c: DatabaseConnection, files: HookFiles = {}): Record<string, string> {
  const { caFile, mysqlHome } = files;
  const tls: Record<string, string> = caFile ? { RDS_ECHO_CA_BUNDLE: caFile } : {};
  if (c.engine === "postgres") {
    return {
      PGHOST: c.host,
      PGPORT: String(c.port),
      PGUSER: c.user,
      PGPASSWORD: c.password,
      PGDATABASE: c.database,
      ...(caFile ? { PGSSLMODE: "verify-full", PGSSLROOTCERT: caFile } : { PGSSLMODE: "disable" }),
      ...tls,
    };
  }
  // The mysql and mariadb clients read no variable for TLS, the user or the database; they do read option files,
  // among them $MYSQL_HOME/my.cnf (MySQL's mysys/my_default.cc: "ALL: getenv(MYSQL_HOME)"; MariaDB's too).
  const options: Record<string, string> = mysqlHome ? { MYSQL_HOME: mysqlHome, RDS_ECHO_MYSQL_CNF: path.join(mysqlHome, "my.cnf") } : {};
  return { MYSQL_HOST: c.host, MYSQL_TCP_PORT: String(c.port), MYSQL_USER: c.user, MYSQL_PWD: c.password, MYSQL_DATABASE: c.database, ...options, ...tls };
}

/**
 * The option file the mysql/mariadb clients read from $MYSQL_HOME: the connection, and with TLS the CA bundle and a
 * check of the server's name. MySQL's clients spell it `ssl-mode=VERIFY_IDENTITY`, MariaDB's `ssl-verify-server-cert`;
 * `loose-` makes each client skip the other's option instead of refusing the file. The password is not in it
 * (MYSQL_PWD carries it, so it is never on disk). `database` sits under [mysql]: mysqldump refuses it under [client].
 */
export function mysqlOptionFile(c: DatabaseConnection, caFile: string | undefined): string {
  const tls = caFile
    ? [`ssl-ca=${caFile}`, "loose-ssl-mode=VERIFY_IDENTITY", "loose-ssl-verify-server-cert"]
    : ["loose-ssl-mode=DISABLED", "loose-skip-ssl"];
  return [
    "# Written by rds-echo for one run: hook and removed after it.",
    "[client]",
    `host=${c.host}`,
    `port=${c.port}`,
    `user=${c.user}`,
    ...tls,
    "[mysql]",
    `database=${c.database}`,
    "",
  ].join("\n");
}
