/**
 * The Helm chart's objects on a real Kubernetes API server with its real CronJob and Job controllers
 * (test/deploy/kube/cluster.ts): applied with server-side apply, so the API server validates them (schema, strict
 * field validation, the CronJob's schedule), not kubectl; then the CronJob controller makes a Job on schedule and,
 * with concurrencyPolicy Forbid, no second one while that Job is active.
 *
 * There is no kubelet (and no scheduler): the Job's pod is created and stays Pending, so the Job stays active, which
 * is what a long restore looks like to the controller. Nothing of rds-echo runs here: the container suite
 * (test/deploy/image) is what proves the run itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { baseValues, render, type K8sObject } from "../helm/chart.js";
import { startCluster, type Cluster } from "./cluster.js";

interface Owned {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
}
interface Job extends Owned {
  spec: { activeDeadlineSeconds: number; podFailurePolicy?: unknown };
  status: { active?: number };
}
interface Pod extends Owned {
  spec: { nodeName?: string; serviceAccountName: string };
  status: { phase: string };
}
interface KubeEvent {
  reason: string;
  involvedObject: { kind: string; name: string };
}

let cluster: Cluster | undefined;
beforeAll(() => {
  cluster = startCluster();
}, 1_800_000);
afterAll(() => cluster?.stop());

const k = () => cluster!;
const manifest = (objects: readonly K8sObject[]) => objects.map((o) => stringify(o)).join("---\n");
const apply = (namespace: string, objects: readonly K8sObject[]) =>
  k().kubectl(["apply", "--server-side", "--field-manager=rds-echo-deploy-test", "-n", namespace, "-f", "-"], manifest(objects));
const ownedBy = <T extends Owned>(items: T[], kind: string, name: string) => items.filter((i) => i.metadata.ownerReferences?.some((o) => o.kind === kind && o.name === name));

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

describe("the chart on a real kube-apiserver and kube-controller-manager", () => {
  it("is accepted by server-side apply, fleet and per-echo, and stored as rendered", () => {
    k().kubectlOk(["create", "namespace", "fleet"]);
    const fleet = render(baseValues(), "nightly", "fleet");
    const applied = apply("fleet", fleet);
    expect(applied.stderr).toBe("");
    expect(applied.stdout.trim().split("\n").sort()).toEqual([
      "configmap/nightly-rds-echo-definitions serverside-applied",
      "cronjob.batch/nightly-rds-echo serverside-applied",
      "serviceaccount/nightly-rds-echo serverside-applied",
    ]);
    const [stored] = k().list<{ spec: { concurrencyPolicy: string; suspend: boolean; jobTemplate: { spec: Job["spec"] } } }>(["cronjobs", "-n", "fleet"]);
    expect(stored!.spec.concurrencyPolicy).toBe("Forbid");
    // Defaulted by the API server, not in the chart: the object went through the server's defaulting and storage.
    expect(stored!.spec.suspend).toBe(false);
    expect(stored!.spec.jobTemplate.spec.podFailurePolicy).toMatchObject({ rules: [{ action: "FailJob" }, { action: "Ignore" }] });

    k().kubectlOk(["create", "namespace", "per-echo"]);
    const perEcho = render(baseValues({ mode: "perEcho", echoes: { development: {}, analytics: { schedule: "30 2 * * *" } } }), "nightly", "per-echo");
    expect(apply("per-echo", perEcho).status).toBe(0);
    expect(k().list<Owned>(["cronjobs", "-n", "per-echo"]).map((c) => c.metadata.name)).toEqual(["nightly-rds-echo-analytics", "nightly-rds-echo-development"]);
  });

  it("is validated by the API server: a schedule helm renders but Kubernetes refuses, a field no schema has", () => {
    k().kubectlOk(["create", "namespace", "refused"]);
    const badSchedule = apply("refused", render(baseValues({ schedule: "61 * * * *" }), "nightly", "refused"));
    expect(badSchedule.status).not.toBe(0);
    expect(badSchedule.stderr).toMatch(/The CronJob "nightly-rds-echo" is invalid: spec\.schedule: Invalid value: "61 \* \* \* \*": end of range \(61\) above maximum \(59\)/);

    const objects = render(baseValues(), "nightly", "refused");
    const cronJob = objects.find((o) => o.kind === "CronJob")!;
    (cronJob.spec as { jobTemplate: { spec: Record<string, unknown> } }).jobTemplate.spec.activeDeadline = 60;
    const unknownField = apply("refused", [cronJob]);
    expect(unknownField.status).not.toBe(0);
    expect(unknownField.stderr).toMatch(/\.spec\.jobTemplate\.spec\.activeDeadline: field not declared in schema/);
    expect(k().list<Owned>(["cronjobs", "-n", "refused"])).toEqual([]);
  });

  it(
    "the CronJob controller makes a Job on schedule; with Forbid never a second while it is active (Allow beside it does)",
    async () => {
      k().kubectlOk(["create", "namespace", "forbid"]);
      const objects = render(baseValues({ schedule: "* * * * *" }), "nightly", "forbid");
      // The control: the same CronJob with concurrencyPolicy Allow. Its second Job proves the wait below spanned
      // two scheduled times, so Forbid's single Job is the policy holding, not a wait too short to see a second.
      const forbid = objects.find((o) => o.kind === "CronJob")!;
      const allow = structuredClone(forbid);
      allow.metadata.name = "control-allow";
      (allow.spec as { concurrencyPolicy: string }).concurrencyPolicy = "Allow";
      expect(apply("forbid", [...objects, allow]).status).toBe(0);

      const jobs = () => k().list<Job>(["jobs", "-n", "forbid"]);
      await until("a second Job of the Allow control (two scheduled times passed)", 200_000, () =>
        ownedBy(jobs(), "CronJob", "control-allow").length >= 2 ? true : undefined,
      );
      // The controller saw the Forbid CronJob's second time too, and said why it made no Job.
      const declined = await until("the Forbid CronJob's JobAlreadyActive event", 60_000, () =>
        k()
          .list<KubeEvent>(["events", "-n", "forbid"])
          .find((e) => e.reason === "JobAlreadyActive" && e.involvedObject.name === "nightly-rds-echo"),
      );
      expect(declined.involvedObject.kind).toBe("CronJob");

      const forbidden = ownedBy(jobs(), "CronJob", "nightly-rds-echo");
      expect(forbidden).toHaveLength(1);
      const [job] = forbidden;
      expect(job!.status.active).toBe(1);
      expect(job!.spec.activeDeadlineSeconds).toBe((48 * 60 + 240) * 60);
      // Its pod exists and never runs: no scheduler placed it, no kubelet would start it.
      const [pod] = ownedBy(k().list<Pod>(["pods", "-n", "forbid"]), "Job", job!.metadata.name);
      expect(pod!.status.phase).toBe("Pending");
      expect(pod!.spec.nodeName).toBeUndefined();
      expect(pod!.spec.serviceAccountName).toBe("nightly-rds-echo");
    },
    400_000,
  );
});
