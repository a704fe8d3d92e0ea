/**
 * `secretsProvider:` of a definition: what encrypts the secrets (the master password) of each new generation's
 * stack. Pulumi's own providers (`pulumi stack init --secrets-provider`): the passphrase (the default), or a key
 * service, e.g. `awskms://alias/rds-echo?region=eu-west-1`. Only a new generation takes it: a stack keeps the
 * provider it was created with (its config file and state record it), so changing the key is safe.
 */
import { z } from "zod";

export const PASSPHRASE_PROVIDER = "passphrase";

/** The key services Pulumi's CLI opens by URL scheme (gocloud.dev secrets keepers). */
const KEY_SERVICE = /^(awskms|gcpkms|azurekeyvault|hashivault):\/\/(.+)$/;

/** Why a secrets provider will not do, or undefined. */
export function secretsProviderProblem(text: string): string | undefined {
  if (text === PASSPHRASE_PROVIDER) return undefined;
  const m = KEY_SERVICE.exec(text);
  if (!m) {
    return 'must be "passphrase" or a key service URL: awskms://<key id, alias/<name> or /<key ARN>>?region=<region>, gcpkms://…, azurekeyvault://…, hashivault://…';
  }
  if (/\s/.test(text)) return "must not contain spaces";
  const key = m[2]!.split("?")[0]!;
  if (key === "" || key === "/") return `names no key after ${m[1]}://`;
  return undefined;
}

export const secretsProviderSchema = z
  .string()
  .superRefine((text, ctx) => {
    const problem = secretsProviderProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .default(PASSPHRASE_PROVIDER);

/**
 * A secret's key may not end in "file": its variable would end in _FILE, which names the file a secret is read
 * from (RDS_ECHO_SECRET_<KEY>_FILE), so `passwordFile` and `password` read from a file could not be told apart.
 */
export const SECRET_FILE_SUFFIX = /[-_]?file$/i;
export const SECRET_FILE_SUFFIX_MESSAGE = 'must not end in "file": RDS_ECHO_SECRET_<KEY>_FILE names the file a secret is read from';
