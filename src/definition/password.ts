/**
 * The master password rules RDS enforces (RDS User Guide, "Settings for DB instances", Master password; API reference,
 * ModifyDBInstance MasterUserPassword): printable ASCII except `/`, `"`, `@` and space, at least 8 characters, and at
 * most 41 (MySQL, MariaDB), 30 (Oracle) or 128 (PostgreSQL, SQL Server, Db2) depending on the engine.
 */

const MIN_LENGTH = 8;
/** The longest any engine accepts; the engine's own limit is checked once the snapshot (and so the engine) is known. */
const MAX_LENGTH = 128;
const ENGINE_MAX_LENGTH: readonly (readonly [prefix: string, max: number])[] = [
  ["mysql", 41],
  ["mariadb", 41],
  ["oracle", 30],
  ["postgres", 128],
  ["sqlserver", 128],
  ["db2", 128],
];

/** Why RDS would refuse this master password (never quoting it), or undefined. `engine` narrows the length limit. */
export function masterPasswordProblem(password: string, engine?: string): string | undefined {
  const max = (engine && ENGINE_MAX_LENGTH.find(([prefix]) => engine.startsWith(prefix))?.[1]) || MAX_LENGTH;
  if (password.length < MIN_LENGTH) return `must have at least ${MIN_LENGTH} characters (it has ${password.length})`;
  if (password.length > max) return `must have at most ${max} characters${engine ? ` for ${engine}` : ""} (it has ${password.length})`;
  if (/[/"@ ]/.test(password)) return 'must not contain "/", """, "@" or a space';
  if (!/^[\x21-\x7e]*$/.test(password)) return "must contain only printable ASCII characters";
  return undefined;
}
