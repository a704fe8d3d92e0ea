/**
 * The `hooks` section of an echo definition: SQL and commands rds-echo runs against a generation's database.
 * `afterRestore` hooks scrub the copy once, before it may be promoted; `beforePromote` hooks are the health check of
 * every promotion attempt. Paths are relative to the definition's directory (`stacks/`).
 */
import { z } from "zod";
import { parseDuration } from "../definition/duration.js";

/** A hook's timeout in milliseconds: `90s`, or any definition duration (`10m`, `2h`); undefined when invalid. */
export function hookTimeoutMs(text: string): number | undefined {
  const seconds = /^(\d+)s$/.exec(text.trim());
  if (seconds) return Number(seconds[1]) > 0 && Number.isSafeInteger(Number(seconds[1]) * 1000) ? Number(seconds[1]) * 1000 : undefined;
  const minutes = parseDuration(text);
  return minutes === undefined ? undefined : minutes * 60_000;
}

/**
 * The longest hook timeout: a Node.js timer holds at most 2^31-1 ms (about 24.8 days); a longer one fires after 1 ms,
 * so a `timeout: 25d` hook would be killed at once. Whole days keep the limit easy to say.
 */
export const MAX_HOOK_TIMEOUT_MS = 24 * 86_400_000;

const hookTimeout = z
  .string()
  .superRefine((v, ctx) => {
    const ms = hookTimeoutMs(v);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: 'must be a duration such as "60s", "10m" or "2h"' });
    else if (ms > MAX_HOOK_TIMEOUT_MS) ctx.addIssue({ code: "custom", message: `is ${v}; a hook's timeout must be from 1s to 24d (a Node.js timer holds at most 2^31-1 ms, about 24.8 days)` });
  })
  .default("10m");

/** One hook: exactly one of `sql` (a `.sql` file, or inline SQL) and `run` (a command line). */
const hook = z
  .strictObject({
    sql: z.string().min(1).optional(),
    run: z.string().min(1).optional(),
    timeout: hookTimeout,
    /** The first value of the first row the SQL returns must equal this (compared as text). */
    expect: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Run a `sql:` hook in one transaction (where the engine allows; MySQL DDL commits implicitly). */
    transaction: z.boolean().default(true),
  })
  .superRefine((h, ctx) => {
    if ((h.sql === undefined) === (h.run === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of sql: (a .sql file or inline SQL) and run: (a command)" });
    }
    if (h.expect !== undefined && h.run !== undefined) {
      ctx.addIssue({ code: "custom", path: ["expect"], message: "applies to sql: hooks only (a run: hook succeeds when it exits 0)" });
    }
  });

/**
 * Names `hooks.env` may not list: rds-echo's own secrets never reach a hook (the master password it needs is in
 * PGPASSWORD / MYSQL_PWD already), and the connection variables are rds-echo's to set, for the generation's endpoint.
 */
const NOT_PASSABLE: readonly { test: RegExp; why: string }[] = [
  { test: /^(RDS_ECHO_SECRET_|RDS_ECHO_SIGNER_|RDS_ECHO_SANDBOX_POSTGRES$|PULUMI_CONFIG_PASSPHRASE)/, why: "is one of rds-echo's own secrets, never given to a hook" },
  { test: /^(PG|MYSQL_|RDS_ECHO_CA_BUNDLE$|RDS_ECHO_MYSQL_CNF$)/, why: "is a connection variable rds-echo sets itself, for the generation's endpoint" },
];

function passEnvRule(name: string, ctx: z.RefinementCtx): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    ctx.addIssue({ code: "custom", message: `"${name}" is not an environment variable name (letters, digits and _, not starting with a digit)` });
    return;
  }
  const reserved = NOT_PASSABLE.find((r) => r.test.test(name));
  if (reserved) ctx.addIssue({ code: "custom", message: `${name} ${reserved.why}` });
}

export const hooksSchema = z.strictObject({
  afterRestore: z.array(hook).max(50).default([]),
  beforePromote: z.array(hook).max(50).default([]),
  /** The database to connect to; default: the instance's DBName, else `postgres` / `mysql`. */
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, "must be a database name").optional(),
  /** The user; default: the instance's master user name as RDS reports it. */
  user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a database user name").optional(),
  /** TLS to the instance (default on, verified against the RDS CA bundle, or `ca`). */
  tls: z.boolean().default(true),
  /** A PEM file of CA certificates to verify the instance with, instead of the bundled RDS CA bundle. */
  ca: z.string().min(1).optional(),
  /** Variables of rds-echo's environment that `run:` hooks get too, by exact name (all others are withheld). */
  env: z.array(z.string().superRefine(passEnvRule)).max(100).default([]),
});

export type HooksSpec = z.output<typeof hooksSchema>;
export type HookSpec = HooksSpec["afterRestore"][number];

/**
 * Hooks connect as the master user with the password from the definition's secret, so a definition with hooks must
 * reference one. Returns the problem, or undefined.
 */
export function hooksPasswordProblem(definition: { hooks?: HooksSpec | undefined; modify: { masterPassword?: unknown } }): string | undefined {
  const hooks = definition.hooks;
  if (!hooks || hooks.afterRestore.length + hooks.beforePromote.length === 0) return undefined;
  return definition.modify.masterPassword === undefined
    ? "hooks connect as the master user with the password from modify.masterPassword: add `masterPassword: { secret: masterPassword }` under modify"
    : undefined;
}
