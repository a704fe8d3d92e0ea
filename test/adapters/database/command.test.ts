/**
 * What a real `run:` hook (a spawned /bin/sh printing `env`) receives: the connection, the basics a shell and a client
 * need, the names the definition lists, and nothing else of the driver's environment: no AWS credentials of any kind,
 * no Pulumi token or passphrase, no rds-echo secret, no signer key.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCommand } from "../../../src/adapters/database/command.js";
import { mysqlOptionFile } from "../../../src/adapters/database/hook-env.js";
import type { DatabaseConnection } from "../../../src/ports.js";

const DRIVER = {
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY",
  AWS_SECRET_ACCESS_KEY: "driver-secret-key",
  AWS_SESSION_TOKEN: "driver-session-token",
  AWS_PROFILE: "prod-admin",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
  AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-token",
  AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks/token",
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/driver",
  PULUMI_ACCESS_TOKEN: "pul-0123456789",
  PULUMI_BACKEND_URL: "s3://state-bucket",
  PULUMI_CONFIG_PASSPHRASE: "passphrase",
  RDS_ECHO_SECRET_MASTER_PASSWORD: "master-from-env",
  RDS_ECHO_SIGNER_SECRET_ACCESS_KEY: "signer-secret",
  RDS_ECHO_SANDBOX_POSTGRES: "postgres://admin:pw@127.0.0.1/postgres",
  PGSERVICE: "somewhere-else",
  MYSQL_UNIX_PORT: "/run/other.sock",
  HOOK_TOKEN: "for-the-hook",
  LC_ALL: "C.UTF-8",
  TZ: "UTC",
};

afterEach(() => vi.unstubAllEnvs());

function connection(engine: "postgres" | "mysql", tls: DatabaseConnection["tls"] = false): DatabaseConnection {
  return { engine, host: "db.example.internal", port: 5432, user: "master", password: "hook-password", database: "app", tls, label: "test" };
}

/** The environment a spawned hook printed, as a map. */
async function hookEnvOf(c: DatabaseConnection, passEnv?: readonly string[]): Promise<Record<string, string>> {
  for (const [k, v] of Object.entries(DRIVER)) vi.stubEnv(k, v);
  const result = await runCommand(c, "env", { timeoutMs: 10_000, cwd: tmpdir(), ...(passEnv ? { passEnv } : {}) });
  expect(result.exitCode, result.output).toBe(0);
  return Object.fromEntries(result.output.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

describe("a run: hook's environment", () => {
  it("holds the connection and the basics, and none of the driver's credentials or rds-echo's secrets", async () => {
    const env = await hookEnvOf(connection("postgres"));
    // sh itself adds PWD (and dash SHLVL, OLDPWD); everything else is what rds-echo passed.
    const passed = Object.keys(env).filter((k) => !["PWD", "SHLVL", "OLDPWD", "_"].includes(k)).sort();
    const basics = ["PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR"].filter((k) => process.env[k] !== undefined);
    expect(passed).toEqual([...basics, "LC_ALL", "TZ", "PGDATABASE", "PGHOST", "PGPASSWORD", "PGPORT", "PGSSLMODE", "PGUSER"].sort());
    expect(env).toMatchObject({ PGHOST: "db.example.internal", PGUSER: "master", PGDATABASE: "app", PGSSLMODE: "disable", LC_ALL: "C.UTF-8", TZ: "UTC" });
    // The password reached the child (output is redacted, so the mask proves it was there).
    expect(env["PGPASSWORD"]).toBe("********");
  });

  it("adds exactly the variables the definition names in hooks.env", async () => {
    const env = await hookEnvOf(connection("postgres"), ["HOOK_TOKEN", "AWS_PROFILE", "NOT_SET_ANYWHERE"]);
    expect(env).toMatchObject({ HOOK_TOKEN: "for-the-hook", AWS_PROFILE: "prod-admin" });
    expect(env).not.toHaveProperty("NOT_SET_ANYWHERE");
    expect(env).not.toHaveProperty("AWS_SECRET_ACCESS_KEY");
  });

  it("on MySQL gives MYSQL_HOME with an option file that verifies the server's name, removed after the hook", async () => {
    const ca = { ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" };
    for (const [k, v] of Object.entries(DRIVER)) vi.stubEnv(k, v);
    const result = await runCommand(connection("mysql", ca), 'cat "$MYSQL_HOME/my.cnf"; echo "cnf=$RDS_ECHO_MYSQL_CNF"; echo "ca=$RDS_ECHO_CA_BUNDLE"; ls -ld "$MYSQL_HOME" | cut -c1-10', {
      timeoutMs: 10_000,
      cwd: tmpdir(),
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toMatch(/^\[client\]$/m);
    expect(result.output).toMatch(/^host=db\.example\.internal$/m);
    expect(result.output).toMatch(/^ssl-ca=\/.*\/ca\.pem$/m);
    expect(result.output).toMatch(/^loose-ssl-mode=VERIFY_IDENTITY$/m);
    expect(result.output).toMatch(/^loose-ssl-verify-server-cert$/m);
    expect(result.output).toMatch(/^drwx------/m);
    expect(result.output).not.toContain("MYSQL_UNIX_PORT");
    const cnf = /^cnf=(.*)$/m.exec(result.output)![1]!;
    expect(existsSync(cnf)).toBe(false);
  });

  it("writes no password into the MySQL option file, and disables TLS in it only when the connection has none", () => {
    const text = mysqlOptionFile(connection("mysql"), undefined);
    expect(text).not.toContain("hook-password");
    expect(text).toMatch(/^loose-ssl-mode=DISABLED$/m);
    expect(text).toMatch(/^\[mysql\]\ndatabase=app$/m);
  });
});
