/**
 * SQLSTATE classes (the first two characters of the five-character code): ISO SQL's, and PostgreSQL's additions from
 * its "PostgreSQL Error Codes" appendix. A failure notification names the class, never the server's message: the
 * message of a failed scrub quotes the rows it choked on (`invalid input syntax for type integer: "a@b.org"`).
 */
const CLASSES: Readonly<Record<string, string>> = {
  "00": "successful completion",
  "01": "warning",
  "02": "no data",
  "03": "SQL statement not yet complete",
  "08": "connection exception",
  "09": "triggered action exception",
  "0A": "feature not supported",
  "0B": "invalid transaction initiation",
  "0F": "locator exception",
  "0L": "invalid grantor",
  "0P": "invalid role specification",
  "0Z": "diagnostics exception",
  "20": "case not found",
  "21": "cardinality violation",
  "22": "data exception",
  "23": "integrity constraint violation",
  "24": "invalid cursor state",
  "25": "invalid transaction state",
  "26": "invalid SQL statement name",
  "27": "triggered data change violation",
  "28": "invalid authorization specification",
  "2B": "dependent privilege descriptors still exist",
  "2D": "invalid transaction termination",
  "2F": "SQL routine exception",
  "34": "invalid cursor name",
  "38": "external routine exception",
  "39": "external routine invocation exception",
  "3B": "savepoint exception",
  "3D": "invalid catalog name",
  "3F": "invalid schema name",
  "40": "transaction rollback",
  "42": "syntax error or access rule violation",
  "44": "with check option violation",
  "53": "insufficient resources",
  "54": "program limit exceeded",
  "55": "object not in prerequisite state",
  "57": "operator intervention",
  "58": "system error",
  "72": "snapshot failure",
  F0: "configuration file error",
  HV: "foreign data wrapper error",
  HY: "general error",
  P0: "PL/pgSQL error",
  XX: "internal error",
};

/** True for a five-character SQLSTATE (digits and upper-case letters), e.g. `22P02`, `42000`, `HY000`. */
export function isSqlstate(code: unknown): code is string {
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

/** `SQLSTATE 22P02 (data exception)`: the code and its class, which carry no row values. */
export function describeSqlstate(code: string): string {
  const name = CLASSES[code.slice(0, 2)];
  return `SQLSTATE ${code}${name ? ` (${name})` : ""}`;
}
