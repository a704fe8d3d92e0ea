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
  if (seconds) return Number(seconds[1]) > 0 ? Number(seconds[1]) * 1000 : undefined;
  const minutes = parseDuration(text);
  return minutes === undefined ? undefined : minutes * 60_000;
}

const hookTimeout = z
  .string()
  .refine((v) => hookTimeoutMs(v) !== undefined, { message: 'must be a duration such as "60s", "10m" or "2h"' })
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
