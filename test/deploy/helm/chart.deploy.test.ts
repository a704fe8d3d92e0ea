/**
 * The Helm chart rendered and linted by the real helm CLI: what each CronJob says (one run at a time, a deadline
 * above every echo's longest restore, secrets only as files, IRSA, the measured memory), and what the chart refuses.
 * The API server's view of the same objects is test/deploy/kube/cronjob.deploy.test.ts.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createTimeoutMinutes } from "../../../src/definition/duration.js";
import { baseValues, CHART, exampleFiles, ofKind, refusal, render, runHelm, type K8sObject } from "./chart.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}
interface Container {
  name: string;
  image: string;
  workingDir: string;
  args: string[];
  env: EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Volume {
  name: string;
  secret?: { secretName: string };
  configMap?: { name: string; items?: { key: string; path: string }[] };
}
interface CronJobSpec {
  schedule: string;
  concurrencyPolicy: string;
  startingDeadlineSeconds: number;
  jobTemplate: {
    spec: {
      activeDeadlineSeconds: number;
      backoffLimit: number;
      podFailurePolicy: { rules: { action: string; onExitCodes?: { values: number[] } }[] };
      template: { spec: { serviceAccountName: string; restartPolicy: string; containers: Container[]; volumes: Volume[] } };
    };
  };
}

const spec = (o: K8sObject) => o.spec as CronJobSpec;
const container = (o: K8sObject) => spec(o).jobTemplate.spec.template.spec.containers[0]!;
const definitionTimeout = (text: string) => createTimeoutMinutes((parse(text) as { timeouts?: { create: string } }).timeouts ?? { create: "48h" });

describe("the Helm chart (helm lint, helm template)", () => {
  it("passes helm lint --strict with each of its ci/ values files", () => {
    const ciDir = path.join(CHART, "ci");
    const files = readdirSync(ciDir).filter((f) => f.endsWith("-values.yaml"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const result = runHelm(["lint", "--strict", CHART, "-f", path.join(ciDir, file)]);
      expect(result.stdout + result.stderr, file).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it("fleet: one CronJob running up --all, Forbid, a deadline above the longest restore, secrets as files, IRSA", () => {
    const objects = render(baseValues({ parallel: 2 }));
    const [cronJob, ...more] = ofKind(objects, "CronJob");
    expect(more).toEqual([]);
    const s = spec(cronJob!);
    expect(s.concurrencyPolicy).toBe("Forbid");
    expect(s.startingDeadlineSeconds).toBe(3600);
    expect(container(cronJob!).args).toEqual(["up", "--all", "--parallel", "2", "--promote", "--retire", "--yes"]);

    // Two echoes, two at once: one wave; the deadline is the longer restore plus the 4 h margin, computed by the
    // chart's template from each definition's timeouts.create and checked here with rds-echo's own parser.
    const files = exampleFiles();
    const longest = Math.max(definitionTimeout(files["development.yaml"]!), definitionTimeout(files["analytics.yaml"]!));
    expect(s.jobTemplate.spec.activeDeadlineSeconds).toBe((longest + 240) * 60);
    expect(s.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(longest * 60);
    // Exit 2 (bad input) fails the Job at once; a failure (exit 1) is retried up to backoffLimit.
    expect(s.jobTemplate.spec.podFailurePolicy.rules[0]).toMatchObject({ action: "FailJob", onExitCodes: { values: [2] } });
    expect(s.jobTemplate.spec.backoffLimit).toBe(2);

    const env = Object.fromEntries(container(cronJob!).env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      PULUMI_BACKEND_URL: "s3://acme-rds-echo-state?region=eu-west-1",
      PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/rds-echo/pulumi-passphrase",
      RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: "/run/secrets/rds-echo/master-password",
      RDS_ECHO_SECRET_SLACK_WEBHOOK_FILE: "/run/secrets/rds-echo/slack-webhook",
    });
    // Secrets only as files: no variable holds a secret itself.
    expect(Object.keys(env).filter((k) => /PASSPHRASE$|^RDS_ECHO_SECRET_[A-Z_]+(?<!_FILE)$|^RDS_ECHO_SIGNER_[A-Z_]+(?<!_FILE)$/.test(k))).toEqual([]);
    const podSpec = s.jobTemplate.spec.template.spec;
    expect(podSpec.volumes.find((v) => v.name === "secrets")?.secret?.secretName).toBe("rds-echo");
    expect(container(cronJob!).volumeMounts).toContainEqual({ name: "secrets", mountPath: "/run/secrets/rds-echo", readOnly: true });

    // The definitions from the ConfigMap, every file at its path under the image's stacks/ (hooks' SQL included).
    const [configMap] = ofKind(objects, "ConfigMap");
    const items = podSpec.volumes.find((v) => v.name === "definitions")?.configMap?.items ?? [];
    expect(items.map((i) => i.path).sort()).toEqual(Object.keys(files).sort());
    const data = configMap!.data as Record<string, string>;
    for (const item of items) expect(data[item.key]).toBe(files[item.path]);
    expect(container(cronJob!).volumeMounts).toContainEqual({ name: "definitions", mountPath: "/rds-echo/stacks", readOnly: true });
    expect(container(cronJob!).workingDir).toBe("/rds-echo");

    const [account] = ofKind(objects, "ServiceAccount");
    expect(account!.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBe("arn:aws:iam::123456789012:role/rds-echo-driver");
    expect(podSpec.serviceAccountName).toBe(account!.metadata.name);
    // Memory from the figures: 512Mi plus, per echo at once, 512Mi requested and 1Gi at most.
    expect(container(cronJob!).resources).toEqual({ requests: { cpu: "250m", memory: "1536Mi" }, limits: { memory: "2560Mi" } });
  });

  it("fleet with fewer slots than echoes: the deadline covers the waves the queue makes", () => {
    const [cronJob] = ofKind(render(baseValues({ parallel: 1 })), "CronJob");
    // Two echoes one at a time: the second may start after the first's whole restore.
    expect(spec(cronJob!).jobTemplate.spec.activeDeadlineSeconds).toBe(2 * (2880 + 240) * 60);
    expect(container(cronJob!).resources.limits.memory).toBe("1536Mi");
  });

  it("perEcho: one CronJob per echo with its own schedule, its own definition's timeouts.create, its own role if given", () => {
    const files = { ...exampleFiles(), "analytics.yaml": `${exampleFiles()["analytics.yaml"]}\ntimeouts:\n  create: 1d12h\n` };
    const objects = render(
      baseValues({ mode: "perEcho", definitions: { files }, echoes: { development: {}, analytics: { schedule: "30 2 * * *", retire: false, roleArn: "arn:aws:iam::123456789012:role/rds-echo-analytics" } } }),
    );
    const cronJobs = ofKind(objects, "CronJob");
    expect(cronJobs.map((c) => c.metadata.name)).toEqual(["nightly-rds-echo-analytics", "nightly-rds-echo-development"]);
    const [analytics, development] = cronJobs;
    expect(spec(analytics!).schedule).toBe("30 2 * * *");
    expect(spec(development!).schedule).toBe("0 1 * * *");
    expect(container(analytics!).args).toEqual(["up", "analytics", "--promote", "--yes"]);
    expect(container(development!).args).toEqual(["up", "development", "--promote", "--retire", "--yes"]);
    expect(spec(analytics!).jobTemplate.spec.activeDeadlineSeconds).toBe((36 * 60 + 240) * 60);
    expect(spec(development!).jobTemplate.spec.activeDeadlineSeconds).toBe((48 * 60 + 240) * 60);
    for (const c of cronJobs) expect(spec(c).concurrencyPolicy).toBe("Forbid");
    // analytics runs with its own IRSA role; development with the release's.
    const accounts = Object.fromEntries(ofKind(objects, "ServiceAccount").map((a) => [a.metadata.name, a.metadata.annotations?.["eks.amazonaws.com/role-arn"]]));
    expect(accounts).toEqual({ "nightly-rds-echo": "arn:aws:iam::123456789012:role/rds-echo-driver", "nightly-rds-echo-analytics": "arn:aws:iam::123456789012:role/rds-echo-analytics" });
    expect(spec(analytics!).jobTemplate.spec.template.spec.serviceAccountName).toBe("nightly-rds-echo-analytics");
    expect(spec(development!).jobTemplate.spec.template.spec.serviceAccountName).toBe("nightly-rds-echo");
  });

  it("a derived image: nothing mounted at stacks/, the deadline from timeoutsCreate", () => {
    const [cronJob, ...rest] = ofKind(render(baseValues({ definitions: { source: "image" }, timeoutsCreate: "30h", echoes: { development: {} } })), "CronJob");
    expect(rest).toEqual([]);
    expect(spec(cronJob!).jobTemplate.spec.template.spec.volumes.map((v) => v.name)).toEqual(["tmp", "secrets"]);
    expect(spec(cronJob!).jobTemplate.spec.activeDeadlineSeconds).toBe((30 * 60 + 240) * 60);
  });

  it("KMS instead of a passphrase: no passphrase file at all", () => {
    const [cronJob] = ofKind(render(baseValues({ secrets: { existingSecret: "rds-echo", passphraseKey: "" } })), "CronJob");
    expect(container(cronJob!).env.map((e) => e.name)).not.toContain("PULUMI_CONFIG_PASSPHRASE_FILE");
  });

  it("a Secret made from values carries the secrets; the CronJob never does", () => {
    const data = { "pulumi-passphrase": "correct-horse-battery", "master-password": "Sup3r-s3cret-pw" };
    const objects = render(baseValues({ secrets: { create: true, data, files: { MASTER_PASSWORD: "master-password" } } }));
    const [secret] = ofKind(objects, "Secret");
    expect(secret!.stringData).toEqual(data);
    const cronJobText = JSON.stringify(ofKind(objects, "CronJob"));
    for (const value of Object.values(data)) expect(cronJobText).not.toContain(value);
  });

  it("refuses values that cannot work, naming the value to fix", () => {
    expect(refusal(baseValues({ backend: { url: "" } }))).toMatch(/backend\.url: give the Pulumi backend/);
    expect(refusal(baseValues({ backend: { url: "file:///tmp/state" } }))).toMatch(/backend\.url: file:\/\/\/tmp\/state is a directory inside the pod/);
    // A deadline that would kill a restore rds-echo may still be waiting for (48 h + 4 h, one wave at --parallel 2).
    expect(refusal(baseValues({ activeDeadlineSeconds: 86400 }))).toMatch(/activeDeadlineSeconds: 86400 s would stop a run.*= 187200 s/);
    expect(refusal(baseValues({ definitions: { source: "image" }, timeoutsCreate: "two days" }))).toMatch(/timeoutsCreate: "two days" is not a duration/);
    const badTimeout = { ...exampleFiles(), "analytics.yaml": "region: eu-west-1\ntimeouts: { create: 48 hours }\n" };
    expect(refusal(baseValues({ definitions: { files: badTimeout } }))).toMatch(/definitions\.files\.analytics\.yaml timeouts\.create: "48 hours" is not a duration/);
    expect(refusal(baseValues({ secrets: { existingSecret: "" } }))).toMatch(/secrets\.existingSecret: the runs read secret keys pulumi-passphrase, master-password/);
    expect(refusal(baseValues({ definitions: { files: {} } }))).toMatch(/definitions: source configMap needs definitions\.files/);
    expect(refusal(baseValues({ mode: "perEcho", definitions: { existingConfigMap: "mine" } }))).toMatch(/mode perEcho: no echoes/);
    expect(refusal(baseValues({ parallel: 0 }))).toMatch(/\/parallel': minimum: got 0, want 1/);
    expect(refusal(baseValues({ mode: "cron" }))).toMatch(/\/mode': value must be one of 'fleet', 'perEcho'/);
    expect(refusal(baseValues({ mode: "perEcho", echoes: { ["a".repeat(40)]: {} } }))).toMatch(/Kubernetes allows 52/);
  });
});
