/**
 * What the Pulumi CLI (and every plugin it starts: the language host, the AWS provider) must not inherit from the
 * driver: rds-echo's own secrets. The CLI needs the AWS credentials, the backend's token and the passphrase, so those
 * stay; but a secret reaches a stack through `pulumi config set --secret` on standard input (stack-io.ts), the signer's
 * keys only sign links in this process, and the sandbox's server URL holds a password. None of them is the CLI's.
 */
const WITHHELD = [/^RDS_ECHO_SECRET_/, /^RDS_ECHO_SIGNER_/, /^RDS_ECHO_SANDBOX_POSTGRES$/];

/** True for a variable the CLI never gets. */
export function withheldFromCli(name: string): boolean {
  return WITHHELD.some((w) => w.test(name));
}

/** The environment without rds-echo's secrets (and without unset entries). */
export function cliSafeEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && !withheldFromCli(key)) out[key] = value;
  return out;
}
