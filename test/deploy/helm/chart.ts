/**
 * The Helm chart (deploy/helm/rds-echo) through the real `helm` CLI, built from its Go module by
 * test/deploy/scripts/helm.sh: render it with values, or see it refuse them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../../helpers/definitions.js";

export const CHART = path.join(REPO_ROOT, "deploy/helm/rds-echo");

let helmDir: string | undefined;

/** The helm binary (built on first use, 240 CPU-seconds; cached by version under ~/.cache/rds-echo). */
export function helm(): string {
  helmDir ??= execFileSync("bash", [path.join(REPO_ROOT, "test/deploy/scripts/helm.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  return path.join(helmDir, "helm");
}

/** A Kubernetes object as rendered: only what the tests read is typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm with a values file (written as JSON, which is YAML) in a temp directory removed afterwards. */
export function runHelm(args: readonly string[], values?: unknown): HelmResult {
  const dir = mkdtempSync(path.join(tmpdir(), "rds-echo-helm-"));
  try {
    const valueArgs: string[] = [];
    if (values !== undefined) {
      writeFileSync(path.join(dir, "values.yaml"), JSON.stringify(values));
      valueArgs.push("-f", path.join(dir, "values.yaml"));
    }
    // HELM_* homes in the temp directory: nothing is read from or written to the user's Helm config.
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir };
    const result = spawnSync(helm(), [...args, ...valueArgs], { env, encoding: "utf8", timeout: 60_000 });
    if (result.error) throw new Error(`helm ${args.join(" ")}: ${result.error.message}`);
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart; throws with helm's stderr when it refuses. */
export function render(values: unknown, release = "nightly", namespace = "rds-echo"): K8sObject[] {
  const result = runHelm(["template", release, CHART, "--namespace", namespace], values);
  if (result.status !== 0) throw new Error(`helm template refused the values: ${result.stderr}`);
  return parseManifests(result.stdout);
}

/** `helm template`'s refusal (its stderr); throws when it renders instead. */
export function refusal(values: unknown): string {
  const result = runHelm(["template", "nightly", CHART], values);
  if (result.status === 0) throw new Error(`helm template rendered values it should refuse: ${JSON.stringify(values)}`);
  return result.stderr;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm rendered YAML that does not parse: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** The repository's example definitions (stacks/*.yaml and the scrub files they name) as definitions.files. */
export function exampleFiles(): Record<string, string> {
  const read = (p: string) => readFileSync(path.join(REPO_ROOT, "stacks", p), "utf8");
  return {
    "development.yaml": read("development.yaml"),
    "analytics.yaml": read("analytics.yaml"),
    "scrub/anonymize.sql": read("scrub/anonymize.sql"),
  };
}

/** Values a team would start from: an S3 backend, a Secret it manages, IRSA, the examples as definitions. */
export function baseValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    backend: { url: "s3://acme-rds-echo-state?region=eu-west-1" },
    serviceAccount: { roleArn: "arn:aws:iam::123456789012:role/rds-echo-driver" },
    secrets: { existingSecret: "rds-echo", files: { MASTER_PASSWORD: "master-password", SLACK_WEBHOOK: "slack-webhook" } },
    definitions: { files: exampleFiles() },
    ...overrides,
  };
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}
