import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPassphraseFile, loadSecretFiles, SECRET_FILE_MAX_BYTES } from "../../src/cli/handlers/secrets.js";
import { secretsProviderProblem } from "../../src/definition/secrets-provider.js";
import { UsageError } from "../../src/errors.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-secret-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

describe("RDS_ECHO_SECRET_<KEY>_FILE and the signer's keys as files", () => {
  it("reads each file into its variable, one trailing newline trimmed, and leaves other variables alone", async () => {
    const env: NodeJS.ProcessEnv = {
      RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: file("password", "Echo-Passw0rd\n"),
      RDS_ECHO_SECRET_SLACK_WEBHOOK_FILE: file("webhook", "https://hooks.example.com/x\r\n"),
      RDS_ECHO_SIGNER_SECRET_ACCESS_KEY_FILE: file("signer", "  spaces kept  \n\n"),
      RDS_ECHO_SIGNER_DECISION_KEY_FILE: file("decision", "no newline"),
      OTHER_FILE: "/nonexistent",
    };
    expect((await loadSecretFiles(env)).sort()).toEqual(["RDS_ECHO_SECRET_MASTER_PASSWORD", "RDS_ECHO_SECRET_SLACK_WEBHOOK", "RDS_ECHO_SIGNER_DECISION_KEY", "RDS_ECHO_SIGNER_SECRET_ACCESS_KEY"]);
    expect(env["RDS_ECHO_SECRET_MASTER_PASSWORD"]).toBe("Echo-Passw0rd");
    expect(env["RDS_ECHO_SECRET_SLACK_WEBHOOK"]).toBe("https://hooks.example.com/x");
    // Only the one newline a file ends with: anything else is part of the secret.
    expect(env["RDS_ECHO_SIGNER_SECRET_ACCESS_KEY"]).toBe("  spaces kept  \n");
    expect(env["RDS_ECHO_SIGNER_DECISION_KEY"]).toBe("no newline");
    expect(env["OTHER"]).toBeUndefined();
  });

  it("refuses the variable and its file both set (exit 2), naming both", async () => {
    const env = { RDS_ECHO_SECRET_MASTER_PASSWORD: "x", RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: file("both", "y\n") };
    const error = await loadSecretFiles(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe("RDS_ECHO_SECRET_MASTER_PASSWORD and RDS_ECHO_SECRET_MASTER_PASSWORD_FILE are both set: unset one (the value, or the file it is read from)");
  });

  it.each([
    ["a missing file", () => path.join(dir, "missing"), /does not exist/],
    ["a directory", () => dir, /is not a regular file \(a directory\)/],
    ["a file too large to be a secret", () => file("large", "x".repeat(SECRET_FILE_MAX_BYTES + 1)), /at most 65536 bytes/],
    ["an unreadable file", () => {
      const f = file("unreadable", "x");
      chmodSync(f, 0);
      return f;
    }, /cannot be read/],
  ])("refuses %s (exit 2), naming the variable and the path", async (_what, make, reason) => {
    const f = make();
    const env = { RDS_ECHO_SIGNER_ACCESS_KEY_ID_FILE: f };
    const error = await loadSecretFiles(env).catch((e: unknown) => e);
    // root reads any file whatever its mode: there the unreadable case reads, and says nothing.
    if (!(error instanceof Error) && process.getuid?.() === 0 && f.endsWith("unreadable")) return;
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`RDS_ECHO_SIGNER_ACCESS_KEY_ID_FILE: the file ${f} `);
    expect((error as Error).message).toMatch(reason);
  });
});

describe("PULUMI_CONFIG_PASSPHRASE_FILE (Pulumi reads it; rds-echo checks it first)", () => {
  it("accepts a readable file, and nothing set", async () => {
    await expect(checkPassphraseFile({ PULUMI_CONFIG_PASSPHRASE_FILE: file("passphrase", "p\n") })).resolves.toBeUndefined();
    await expect(checkPassphraseFile({})).resolves.toBeUndefined();
  });

  it("refuses a missing file and both set (exit 2)", async () => {
    await expect(checkPassphraseFile({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "none") })).rejects.toThrow(new RegExp(`^PULUMI_CONFIG_PASSPHRASE_FILE: the file ${dir}/none does not exist`));
    await expect(checkPassphraseFile({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: file("p2", "p") })).rejects.toThrow(UsageError);
  });
});

describe("secretsProvider in a definition", () => {
  it("defaults to the passphrase and takes Pulumi's key services", () => {
    expect(definitionFrom(developmentData()).secretsProvider).toBe("passphrase");
    const kms = "awskms://alias/rds-echo?region=eu-west-1";
    expect(definitionFrom({ ...developmentData(), secretsProvider: kms }).secretsProvider).toBe(kms);
    for (const ok of ["awskms:///arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e", "awskms://1234abcd-12ab-34cd-56ef-1234567890ab?region=us-east-1", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", "hashivault://rds-echo", "azurekeyvault://vault.vault.azure.net/keys/k"]) {
      expect(secretsProviderProblem(ok), ok).toBeUndefined();
    }
  });

  it.each(["kms://alias/x", "awskms://", "awskms://?region=eu-west-1", "default", "awskms://alias/a b"])("refuses %s with the key path", (bad) => {
    expect(() => definitionFrom({ ...developmentData(), secretsProvider: bad })).toThrow(/secretsProvider/);
  });

  it("refuses a secret key ending in file: its variable would name a file", () => {
    const data = developmentData();
    data["modify"] = { ...data["modify"], masterPassword: { secret: "passwordFile" } };
    expect(() => definitionFrom(data)).toThrow(/modify\.masterPassword\.secret.*must not end in "file"/);
  });
});
