/**
 * Values of the secrets a definition references, from the environment: `modify.masterPassword: { secret:
 * masterPassword }` reads RDS_ECHO_SECRET_MASTER_PASSWORD. Checked before any cloud call; never printed. Each of
 * rds-echo's secrets may instead be a file named by <NAME>_FILE (a Kubernetes or ECS secret mounted as a file).
 */
import { randomBytes } from "node:crypto";
import { readBoundedText, UnreadableFile } from "../../definition/bounded-read.js";
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

/** rds-echo's own secrets that may come from a file: every RDS_ECHO_SECRET_<KEY> and the signer's keys. */
const FILE_VARIABLE = /^(RDS_ECHO_SECRET_[A-Z0-9_]+|RDS_ECHO_SIGNER_[A-Z0-9_]+)_FILE$/;
/** A secret is a password, a key or a URL: a few KiB at most. A larger file is the wrong file. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/**
 * Reads every `<NAME>_FILE` of rds-echo's secrets into `<NAME>`, once, at the CLI edge, before anything reads a
 * secret: the file's text with one trailing newline removed (what `echo` and most secret stores leave). Exit 2 when
 * both `<NAME>` and `<NAME>_FILE` are set (which one is meant?), or when the file cannot be read (naming the variable
 * and the path, never the content). The values stay withheld from the Pulumi CLI and hooks as before (their
 * prefixes, cli-env.ts and hooks/schema.ts).
 * @returns the names that were read from files
 */
export async function loadSecretFiles(env: NodeJS.ProcessEnv): Promise<string[]> {
  const read: string[] = [];
  for (const [fileVar, file] of Object.entries(env)) {
    const name = FILE_VARIABLE.exec(fileVar)?.[1];
    if (name === undefined || file === undefined || file === "") continue;
    if (env[name] !== undefined) throw new UsageError(`${name} and ${fileVar} are both set: unset one (the value, or the file it is read from)`);
    let text: string;
    try {
      text = await readBoundedText(file, SECRET_FILE_MAX_BYTES);
    } catch (error) {
      if (!(error instanceof UnreadableFile)) throw error;
      throw new UsageError(`${fileVar}: the file ${file} ${error.message}`);
    }
    env[name] = text.replace(/\r?\n$/, "");
    read.push(name);
  }
  return read;
}

/**
 * Pulumi reads PULUMI_CONFIG_PASSPHRASE_FILE itself (trimming whitespace); checked here so that a missing or
 * unreadable file is exit 2 before any call, not a failure mid-update. Both it and PULUMI_CONFIG_PASSPHRASE set is
 * refused: Pulumi would silently use the variable and ignore the file.
 */
export async function checkPassphraseFile(env: NodeJS.ProcessEnv): Promise<void> {
  const file = env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  if (file === undefined || file.trim() === "") return;
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined) {
    throw new UsageError("PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE are both set: Pulumi would use the first and ignore the file; unset one");
  }
  try {
    await readBoundedText(file, SECRET_FILE_MAX_BYTES);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    throw new UsageError(`PULUMI_CONFIG_PASSPHRASE_FILE: the file ${file} ${error.message}`);
  }
}
