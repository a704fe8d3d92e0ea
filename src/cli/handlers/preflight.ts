/**
 * Before the first real call (no `--sandbox`): everything this machine must provide, checked together, so a newcomer
 * meets the whole list at once, each with its fix, instead of one missing thing per run.
 */
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import type { EchoDefinition } from "../../definition/schema.js";
import { EnvironmentError, PreflightError } from "../../errors.js";
import { masterPasswordProblem } from "../../definition/password.js";
import { createTimeoutMinutes } from "../../definition/duration.js";
import type { AwsCallSettings } from "../../adapters/aws/call-settings.js";
import { awsCallSettingsFrom } from "./aws-calls.js";
import { credentialLifetimeProblem } from "./credential-lifetime.js";
import { checkPassphraseFile, secretEnvName } from "./secrets.js";

export interface Prerequisites {
  readonly pulumiCommand: PulumiCommand;
}

/** How long resolving AWS credentials may take (the chain may ask an instance metadata service). */
const CREDENTIALS_TIMEOUT_MS = 10_000;

export async function checkPrerequisites(
  root: string,
  definition: EchoDefinition,
  options: { installPulumi: boolean; needsSecrets: boolean; needsWebhook?: boolean; env: NodeJS.ProcessEnv; earlier?: readonly string[] },
): Promise<Prerequisites> {
  // A bad timeout is a typo to fix (exit 2), not something missing: said at once.
  const calls = awsCallSettingsFrom(options.env);
  if (definition.secretsProvider === "passphrase") await checkPassphraseFile(options.env);
  // What the command's own checks found (approval keys, say): on the same list, not one run earlier.
  const missing: string[] = [...(options.earlier ?? [])];
  const secret = definition.modify.masterPassword?.secret;
  const password = secret === undefined ? undefined : options.env[secretEnvName(secret)];
  if (options.needsSecrets && secret && !password) {
    missing.push(
      `the master password: modify.masterPassword references the secret "${secret}"; set ${secretEnvName(secret)} ` +
        `(stored encrypted as the Pulumi secret rds-echo:${secret} of each new generation)`,
    );
  }
  const refused = options.needsSecrets && secret && password ? masterPasswordProblem(password) : undefined;
  if (refused) missing.push(`the master password: RDS would refuse the value of ${secretEnvName(secret!)}: it ${refused}`);
  const webhook = definition.notify?.webhook?.url.secret;
  if (options.needsWebhook && webhook && !options.env[secretEnvName(webhook)]) {
    missing.push(`the notification webhook: notify.webhook.url references the secret "${webhook}"; set ${secretEnvName(webhook)} to its URL`);
  }
  const [{ ensurePulumiCli }, { assertPassphrase }] = await Promise.all([
    import("../../adapters/pulumi/cli.js"),
    import("../../adapters/pulumi/workspace.js"),
  ]);
  let pulumiCommand: PulumiCommand | undefined;
  try {
    pulumiCommand = await ensurePulumiCli({ install: options.installPulumi, root });
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    missing.push(error.message);
  }
  try {
    // The definition's provider: a key service (awskms://…) needs no passphrase for new generations.
    assertPassphrase(definition.secretsProvider, options.env);
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    missing.push(error.message);
  }
  const credentials = await credentialsProblem(definition, options.env, options.needsSecrets, calls);
  if (credentials) missing.push(credentials);

  if (missing.length > 0 || !pulumiCommand) throw new PreflightError(missing);
  return { pulumiCommand };
}

/**
 * Why the SDK's credential chain (for the definition's profile, if any) finds no credentials, or (for a command that
 * may restore) finds some that will not last the restore; undefined when all is well.
 */
async function credentialsProblem(definition: EchoDefinition, env: NodeJS.ProcessEnv, restores: boolean, calls: AwsCallSettings): Promise<string | undefined> {
  const { createRdsClient } = await import("../../adapters/aws/clients.js");
  const client = createRdsClient({ region: definition.region, ...(definition.profile ? { profile: definition.profile } : {}), calls });
  let timer: NodeJS.Timeout | undefined;
  try {
    const identity = await Promise.race([
      client.config.credentials(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CREDENTIALS_TIMEOUT_MS / 1000} s`)), CREDENTIALS_TIMEOUT_MS);
      }),
    ]);
    if (!restores) return undefined;
    // The SDK's chain takes the environment's keys only when no profile is named (the definition's or AWS_PROFILE).
    const fromEnvironment = !definition.profile && !env["AWS_PROFILE"] && identity.accessKeyId === env["AWS_ACCESS_KEY_ID"];
    const facts = { fromEnvironment, temporary: identity.sessionToken !== undefined, ...(identity.expiration ? { expiration: identity.expiration } : {}) };
    return credentialLifetimeProblem(facts, createTimeoutMinutes(definition.timeouts), new Date());
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    const where = definition.profile ? `the profile "${definition.profile}" (the definition's profile: key)` : "the default credential chain";
    return (
      `AWS credentials: none found through ${where} (${reason}). Set AWS_PROFILE to a profile of ~/.aws/config, or ` +
      "`profile:` in the definition, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    );
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}
