/**
 * Aurora cluster echoes through the real engine (issue 13): the stand-in's aws:rds/cluster:Cluster and
 * aws:rds/clusterInstance:ClusterInstance against moto, driven by rds-echo as a user runs it.
 * - restored: a generation restored from the latest cluster snapshot of production-aurora, `up --promote`: the
 *   cluster and its two instances, the writer and reader CNAMEs, a settled stack that previews only `same`; then a
 *   second generation and the retire of the first (its final cluster snapshot stays).
 * - cloned: a copy-on-write clone of the live production-aurora, `up --promote`, settled.
 * Fixtures: test/engine/fixtures/cluster/*.yaml; the source cluster and its snapshot are seeded here via the SDK.
 */
import { CreateDBClusterCommand, CreateDBClusterSnapshotCommand, RDSClient, type DBCluster } from "@aws-sdk/client-rds";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clusters, clusterSnapshots, cnameTarget, instances, resetMoto, tagsOf } from "./harness/aws.js";
import { previewSummary } from "./harness/cli.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, nextMinute, ok, suite } from "./harness/suite.js";

const FIXTURES = "test/engine/fixtures/cluster";
const SOURCE_CLUSTER = "production-aurora";
const CLUSTER_SNAPSHOT = "production-aurora-2026-11-25";

async function seedCluster(): Promise<void> {
  const { motoEnv, motoEndpoint } = suite();
  const rds = new RDSClient({ region: motoEnv["AWS_REGION"]!, endpoint: motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  try {
    await rds.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: SOURCE_CLUSTER, Engine: "aurora-postgresql", MasterUsername: "postgres", MasterUserPassword: "production-password" }),
    );
    await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: SOURCE_CLUSTER, DBClusterSnapshotIdentifier: CLUSTER_SNAPSHOT }));
  } finally {
    rds.destroy();
  }
}

const echoClusters = async (echo: string): Promise<DBCluster[]> => (await clusters()).filter((c) => c.DBClusterIdentifier?.startsWith(`${echo}-`));
const membersOf = async (generation: string) => (await instances()).filter((i) => i.DBClusterIdentifier === generation).map((i) => i.DBInstanceIdentifier).sort();

let project: Project | undefined;
let env: EngineEnv | undefined;
let zoneId = "";

beforeEach(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
  await seedCluster();
  project = makeProject(undefined, FIXTURES);
  env = new EngineEnv(project);
});
afterEach(() => {
  env?.dispose();
  project?.remove();
});

describe("cluster echo restored from the latest cluster snapshot", () => {
  it("up --promote: the cluster, its writer and reader, both CNAMEs; settled; a second generation retires the first", async () => {
    const started = Date.now();
    ok(await env!.run(["up", "restored", "--promote", "--yes"]));
    const [a] = await echoClusters("restored");
    const nameA = a!.DBClusterIdentifier!;
    expect(a!.Status).toBe("available");
    expect(a!.Engine).toBe("aurora-postgresql");
    expect(a!.BackupRetentionPeriod).toBe(2);
    expect(a!.DeletionProtection).toBe(true);
    expect(tagsOf(a!)).toMatchObject({ team: "data", "echo:managed": "restored", "echo:generation": nameA, "echo:stage": "promoted", "echo:snapshot": CLUSTER_SNAPSHOT });
    expect(await membersOf(nameA)).toEqual([`${nameA}-1`, `${nameA}-2`]);
    expect(await cnameTarget(zoneId, "restored.db.example.com")).toBe(a!.Endpoint);
    expect(await cnameTarget(zoneId, "restored-ro.db.example.com")).toBe(a!.ReaderEndpoint);
    expect(Object.keys(previewSummary(env!, nameA))).toEqual(["same"]);

    await nextMinute();
    ok(await env!.run(["new", "restored", "--force", "--yes"]));
    ok(await env!.run(["up", "restored", "--promote", "--retire", "--yes"]));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the CNAME's TTL (1 s)
    ok(await env!.run(["up", "restored", "--retire", "--yes"]));

    const live = await echoClusters("restored");
    expect(live.map((c) => c.DBClusterIdentifier)).toHaveLength(1);
    const b = live[0]!;
    const nameB = b.DBClusterIdentifier!;
    expect(nameB).not.toBe(nameA);
    expect(await membersOf(nameA)).toEqual([]);
    expect(await cnameTarget(zoneId, "restored.db.example.com")).toBe(b.Endpoint);
    expect(await cnameTarget(zoneId, "restored-ro.db.example.com")).toBe(b.ReaderEndpoint);
    const finals = (await clusterSnapshots()).filter((s) => s.DBClusterSnapshotIdentifier === `${nameA}-final`);
    expect(finals.map((s) => s.DBClusterIdentifier)).toEqual([nameA]);
    console.log(`restored cluster case: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});

describe("cluster echo cloned copy-on-write", () => {
  it("up --promote: a clone of the live source with its instance, the CNAME on the writer endpoint; settled", async () => {
    const started = Date.now();
    ok(await env!.run(["up", "cloned", "--promote", "--yes"]));
    const [g] = await echoClusters("cloned");
    const name = g!.DBClusterIdentifier!;
    expect(g!.Status).toBe("available");
    expect(tagsOf(g!)).toMatchObject({ "echo:managed": "cloned", "echo:stage": "promoted" });
    expect(tagsOf(g!)["echo:snapshot"]).toMatch(new RegExp(`${SOURCE_CLUSTER}`));
    expect(await membersOf(name)).toEqual([`${name}-1`]);
    expect(await cnameTarget(zoneId, "cloned.db.example.com")).toBe(g!.Endpoint);
    expect(Object.keys(previewSummary(env!, name))).toEqual(["same"]);
    console.log(`cloned cluster case: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});
