/**
 * The CLI calls the Automation API makes in a way rds-echo must not, done directly:
 * - `exportStack` runs `stack export --show-secrets` (decrypted secrets in our memory and in any error text);
 * - `importStack` writes the deployment to the shared temp directory, world-readable, and removes it only on success;
 * - `setAllConfig` puts secret values in the CLI's arguments, where every user sees them in `ps`.
 * Here the export stays encrypted, the import file is 0600 in a private directory removed in `finally`, and a secret
 * reaches `pulumi config set --secret` on standard input.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Deployment, OutputMap, UpdateSummary } from "@pulumi/pulumi/automation/index.js";
import { runPulumi, type CliResult } from "./process.js";

/** Where and how the CLI runs for one workspace: the same binary, directory and environment as the SDK's calls. */
export interface CliTarget {
  readonly binary: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

function run(target: CliTarget, args: readonly string[], input?: string): Promise<CliResult> {
  return runPulumi(target.binary, args, {
    cwd: target.cwd,
    env: target.env,
    ...(input !== undefined ? { input } : {}),
    ...(target.signal ? { signal: target.signal } : {}),
  });
}

/** The stack's deployment with its secrets still encrypted (what the pending-operation surgery needs, and no more). */
export async function exportDeployment(target: CliTarget, stack: string): Promise<Deployment> {
  const { stdout } = await run(target, ["stack", "export", "--stack", stack]);
  const parsed: unknown = JSON.parse(stdout);
  if (typeof parsed !== "object" || parsed === null || typeof Reflect.get(parsed, "version") !== "number") {
    throw new Error(`pulumi stack export --stack ${stack} printed no deployment`);
  }
  return parsed as Deployment;
}

/** Imports a deployment through a 0600 file in a private temporary directory that is always removed. */
export async function importDeployment(target: CliTarget, stack: string, deployment: Deployment): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-import-"));
  try {
    const file = path.join(dir, "deployment.json");
    await writeFile(file, JSON.stringify(deployment), { mode: 0o600 });
    await run(target, ["stack", "import", "--stack", stack, "--file", file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sets one secret config value, passing the value on stdin (`--raw`: kept byte for byte, no newline trimming). */
export async function setSecretConfig(target: CliTarget, stack: string, key: string, value: string): Promise<void> {
  await run(target, ["config", "set", "--secret", "--raw", "--stack", stack, key], value);
}

/**
 * Re-syncs the stack's config file from the backend's last deployment. The SDK's `refreshConfig` runs the same
 * command and then `config --show-secrets --json`, decrypting every secret only for rds-echo to ignore them.
 * Fails with the SDK's StackNotFoundError when there is no such stack.
 */
export async function refreshConfigFile(target: CliTarget, stack: string): Promise<void> {
  await run(target, ["config", "refresh", "--force", "--stack", stack]);
}

/**
 * The stack's outputs from one `stack output --json`, secrets as `[secret]` (kept as "a secret is here", no value).
 * The SDK's `outputs()` runs it twice, the second time with `--show-secrets`, only to learn values rds-echo drops.
 */
export async function readOutputs(target: CliTarget, stack: string): Promise<OutputMap> {
  const { stdout } = await run(target, ["stack", "output", "--json", "--stack", stack]);
  const parsed: unknown = JSON.parse(stdout);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`pulumi stack output --stack ${stack} printed no outputs`);
  const outputs: OutputMap = {};
  for (const [key, value] of Object.entries(parsed)) outputs[key] = value === "[secret]" ? { value: undefined, secret: true } : { value, secret: false };
  return outputs;
}

/**
 * One page of the stack's history (`stack history --json`, newest first), secrets not decrypted, times as Dates:
 * what the SDK's `Stack.history` returns, without selecting the stack first (`--stack` names it).
 */
export async function readHistoryPage(target: CliTarget, stack: string, size: number, page: number): Promise<UpdateSummary[]> {
  const { stdout } = await run(target, ["stack", "history", "--json", "--page-size", String(size), "--page", String(page), "--stack", stack]);
  const parsed: unknown = JSON.parse(stdout, (key, value: unknown) => ((key === "startTime" || key === "endTime") && typeof value === "string" ? new Date(value) : value));
  if (!Array.isArray(parsed)) throw new Error(`pulumi stack history --stack ${stack} printed no history`);
  return parsed as UpdateSummary[];
}

/** Removes a stack (`stack rm`, which refuses one that still holds resources) and its config file. */
export async function removeStack(target: CliTarget, stack: string): Promise<void> {
  await run(target, ["stack", "rm", "--yes", "--stack", stack]);
}
