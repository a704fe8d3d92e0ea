/**
 * The stack secrets under each provider, through the real CLI: Pulumi's own awskms:// provider against moto's KMS
 * (chosen by the definition's secretsProvider), and the passphrase and the master password given as mounted files
 * (PULUMI_CONFIG_PASSPHRASE_FILE, RDS_ECHO_SECRET_MASTER_PASSWORD_FILE). Each case reads the secret back with the
 * plain `pulumi` CLI, as a person would, with only what that provider needs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetMoto } from "./harness/aws.js";
import { stackList } from "./harness/cli.js";
import { makeProject, MASTER_PASSWORD, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, PASSPHRASE, suite } from "./harness/suite.js";

const ALIAS = "alias/rds-echo-engine";
const PROVIDER = `awskms://${ALIAS}?region=eu-west-1`;

const projects: Project[] = [];
const envs: EngineEnv[] = [];

function checkout(): EngineEnv {
  const project = makeProject();
  projects.push(project);
  const env = new EngineEnv(project);
  envs.push(env);
  return env;
}

beforeEach(async () => {
  await resetMoto();
  await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! });
});
afterEach(() => {
  for (const env of envs.splice(0)) env.dispose();
  for (const project of projects.splice(0)) project.remove();
});

/** One KMS call to moto (JSON protocol, signed as the suite's fake credentials). */
async function kms(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = new URL(suite().motoEndpoint);
  const region = suite().motoEnv["AWS_REGION"]!;
  const request = new HttpRequest({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `TrentService.${action}` },
    body: JSON.stringify(body),
  });
  const signer = new SignatureV4({ service: "kms", region, sha256: Sha256, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  const signed = await signer.sign(request);
  const response = await fetch(`${suite().motoEndpoint}/`, { method: "POST", headers: signed.headers, body: signed.body as string });
  const text = await response.text();
  if (!response.ok) throw new Error(`KMS ${action} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function createKey(): Promise<string> {
  const created = await kms("CreateKey", { Description: "rds-echo engine suite" });
  const keyId = (created["KeyMetadata"] as { KeyId: string }).KeyId;
  await kms("CreateAlias", { AliasName: ALIAS, TargetKeyId: keyId });
  return keyId;
}

/** The checkout's definition with a line added at the top level. */
function addToDefinition(env: EngineEnv, line: string): void {
  const file = path.join(env.project.root, "stacks", "development.yaml");
  writeFileSync(file, `${readFileSync(file, "utf8")}\n${line}\n`);
}

/** `pulumi <args>` from the checkout with the suite's environment minus what `drop` names (e.g. the passphrase), plus `extra`. */
function plainPulumi(env: EngineEnv, args: readonly string[], drop: readonly string[] = [], extra: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const vars: Record<string, string | undefined> = { ...env.env(), ...extra };
  for (const name of drop) delete vars[name];
  const r = spawnSync("pulumi", [...args, "--non-interactive"], { cwd: env.project.root, env: vars, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The Automation API's runs must not see a variable at all: spawn ignores undefined entries. */
const unset = (...names: string[]) => Object.fromEntries(names.map((n) => [n, undefined])) as unknown as Record<string, string>;

describe("secretsProvider: awskms:// (Pulumi's own provider, against moto's KMS)", () => {
  it("encrypts a new generation's secrets under the key, with no passphrase anywhere; the plain CLI reads them back through KMS", async () => {
    const keyId = await createKey();
    const env = checkout();
    addToDefinition(env, `secretsProvider: ${PROVIDER}`);
    const run = await env.run(["new", "development", "--yes"], unset("PULUMI_CONFIG_PASSPHRASE"));
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const [generation] = stackList(env).map((s) => s.name);

    // The stack records the provider and its data key (KMS-encrypted), not a passphrase salt.
    const stackFile = readFileSync(path.join(env.project.root, `Pulumi.${generation}.yaml`), "utf8");
    expect(stackFile).toContain(`secretsprovider: ${PROVIDER}`);
    expect(stackFile).toMatch(/^encryptedkey: /m);
    expect(stackFile).not.toContain("encryptionsalt");
    expect(stackFile).not.toContain(MASTER_PASSWORD);
    // The state's secrets are under the same key: the export names the provider.
    const exported = plainPulumi(env, ["stack", "export", "-s", generation!], ["PULUMI_CONFIG_PASSPHRASE"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(PROVIDER);
    expect(exported.stdout).not.toContain(MASTER_PASSWORD);

    // A person with KMS access and no passphrase reads the secret back.
    const read = plainPulumi(env, ["config", "get", "rds-echo:masterPassword", "-s", generation!], ["PULUMI_CONFIG_PASSPHRASE"]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim()).toBe(MASTER_PASSWORD);
    // And KMS is what opens it: with KMS out of reach (a closed port; moto goes on serving everything else), nothing
    // does. (moto's Decrypt ignores a disabled key, so disabling it would prove nothing.)
    const refused = plainPulumi(env, ["config", "get", "rds-echo:masterPassword", "-s", generation!], ["PULUMI_CONFIG_PASSPHRASE"], { AWS_ENDPOINT_URL_KMS: "http://127.0.0.1:9" });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/KMS/);
    expect(refused.stdout).not.toContain(MASTER_PASSWORD);
    expect(keyId).toBeTruthy();

    // The next run (no passphrase either) carries the generation on: modify and reboot, secrets and all.
    const up = await env.run(["up", "development", "--yes"], unset("PULUMI_CONFIG_PASSPHRASE"));
    expect(up.code, up.stderr + up.stdout).toBe(0);
  });

  it("a key KMS does not have fails the new generation's stack creation with KMS's own words (exit 1), and leaves no stack", async () => {
    const env = checkout();
    addToDefinition(env, `secretsProvider: ${PROVIDER}`);
    const run = await env.run(["new", "development", "--yes"], unset("PULUMI_CONFIG_PASSPHRASE"));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/secrets manager.*KMS: Encrypt.*alias\/rds-echo-engine is not found/s);
    expect(stackList(env)).toEqual([]);
  });

  it("a bad provider in the definition is exit 2 before any call, naming the key", async () => {
    const env = checkout();
    addToDefinition(env, "secretsProvider: kms://alias/rds-echo");
    const run = await env.run(["new", "development", "--yes"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("secretsProvider");
    expect(run.pulumiCalls).toEqual([]);
  });
});

describe("secrets mounted as files", () => {
  it("the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE and the master password from RDS_ECHO_SECRET_MASTER_PASSWORD_FILE", async () => {
    const env = checkout();
    const passphraseFile = path.join(env.project.root, "passphrase");
    const passwordFile = path.join(env.project.root, "master-password");
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
    writeFileSync(passwordFile, `${MASTER_PASSWORD}\n`);
    const files = {
      ...unset("PULUMI_CONFIG_PASSPHRASE", "RDS_ECHO_SECRET_MASTER_PASSWORD"),
      PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
      RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: passwordFile,
    };
    const run = await env.run(["new", "development", "--yes"], files);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const [generation] = stackList(env).map((s) => s.name);
    // The value stored is the file's, without its newline, and it never was an argument of any CLI process.
    const read = plainPulumi(env, ["config", "get", "rds-echo:masterPassword", "-s", generation!]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim()).toBe(MASTER_PASSWORD);
    expect(JSON.stringify(run.pulumiCalls)).not.toContain(MASTER_PASSWORD);

    // Both the passphrase and its file: refused before any call (Pulumi would silently take the variable).
    const both = await env.run(["up", "development", "--yes"], { ...files, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE are both set");
    expect(both.pulumiCalls).toEqual([]);
  });
});
