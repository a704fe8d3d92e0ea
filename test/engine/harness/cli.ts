/** The plain `pulumi` CLI, run the way a person would from the checkout's root, against the same backend. */
import { spawnSync } from "node:child_process";
import type { EngineEnv } from "./suite.js";

export interface PlainRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function pulumi(env: EngineEnv, args: readonly string[]): PlainRun {
  const result = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd: env.project.root,
    env: env.env(),
    encoding: "utf8",
    timeout: 300_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface StackRow {
  readonly name: string;
  readonly resourceCount?: number;
}

export function stackList(env: EngineEnv): StackRow[] {
  const run = pulumi(env, ["stack", "ls", "--json"]);
  if (run.code !== 0) throw new Error(`pulumi stack ls failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as StackRow[];
}

export interface HistoryRow {
  readonly kind: string;
  readonly result: string;
  readonly message: string;
  readonly version?: number;
  readonly resourceChanges?: Record<string, number>;
}

export function stackHistory(env: EngineEnv, stack: string): HistoryRow[] {
  const run = pulumi(env, ["stack", "history", "--json", "--page-size", "1000", "-s", stack]);
  if (run.code !== 0) throw new Error(`pulumi stack history failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as HistoryRow[];
}

/** The stack's pending operations, from its (encrypted) export: what a killed run left behind. */
export function pendingOperations(env: EngineEnv, stack: string): Array<{ type: string; resource: { urn: string } }> {
  const run = pulumi(env, ["stack", "export", "-s", stack]);
  if (run.code !== 0) throw new Error(`pulumi stack export failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { deployment: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } }).deployment.pending_operations ?? [];
}

/** `pulumi preview -s <generation> --json` from the checkout's root: what a person would see about a stack. */
export function previewSummary(env: EngineEnv, generation: string): Record<string, number> {
  const run = pulumi(env, ["preview", "-s", generation, "--json"]);
  if (run.code !== 0) throw new Error(`pulumi preview -s ${generation} failed: ${run.stderr}${run.stdout}`);
  return (JSON.parse(run.stdout) as { changeSummary: Record<string, number> }).changeSummary;
}
