/**
 * Values of the secrets a definition references, from the environment: `modify.masterPassword: { secret:
 * masterPassword }` reads RDS_ECHO_SECRET_MASTER_PASSWORD. Checked before any cloud call; never printed.
 */
import { randomBytes } from "node:crypto";
import type { EchoDefinition } from "../../definition/schema.js";
import { webhookUrlProblem } from "../../definition/notify.js";
import { masterPasswordProblem } from "../../definition/password.js";
import { UsageError } from "../../errors.js";

export function secretEnvName(key: string): string {
  return `RDS_ECHO_SECRET_${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/-/g, "_").toUpperCase()}`;
}

/**
 * @param sandbox in the sandbox a missing value is generated (and said so): trying rds-echo must not need a password.
 */
export function secretsFor(definition: EchoDefinition, env: NodeJS.ProcessEnv, sandbox: boolean, warn: (line: string) => void): Record<string, string> {
  const key = definition.modify.masterPassword?.secret;
  if (!key) return {};
  const value = env[secretEnvName(key)];
  const problem = value ? masterPasswordProblem(value) : undefined;
  if (problem) throw new UsageError(`${secretEnvName(key)}: RDS would refuse this master password: it ${problem}`);
  if (value) return { [key]: value };
  if (sandbox) {
    warn(`sandbox: ${secretEnvName(key)} is not set; using a random value for the secret "${key}"`);
    return { [key]: randomBytes(18).toString("base64url") };
  }
  throw new UsageError(
    `${definition.echo}: modify.masterPassword references the secret "${key}"; set ${secretEnvName(key)} ` +
      `(it is stored encrypted as the Pulumi secret rds-echo:${key} of each new generation)`,
  );
}

/**
 * The webhook URL of `notify.webhook.url: { secret: <key> }`, from RDS_ECHO_SECRET_<KEY>, checked to be an http(s) URL
 * (exit 2 naming the key, never the value). Unset: the real adapters' preflight lists it as missing; the sandbox does
 * not need it (its notifications land in the outbox).
 */
export function webhookUrlFor(definition: EchoDefinition, env: NodeJS.ProcessEnv, sandbox: boolean): string | undefined {
  const key = definition.notify?.webhook?.url.secret;
  if (!key) return undefined;
  const value = env[secretEnvName(key)];
  if (!value) {
    if (sandbox) return undefined;
    throw new UsageError(`${definition.echo}: notify.webhook.url references the secret "${key}"; set ${secretEnvName(key)} to the webhook's URL`);
  }
  const problem = webhookUrlProblem(value);
  if (problem) throw new UsageError(`stacks/${definition.echo}.yaml: notify.webhook.url: the value of ${secretEnvName(key)} ${problem}; it must be the webhook's http(s) URL`);
  return value;
}
