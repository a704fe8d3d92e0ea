/**
 * Where the data comes from, through the real engine (issue 13): one case per source kind that makes or restores
 * something other than the latest existing snapshot, with outcomes read back from moto.
 * - new-snapshot: two generations; each restores a snapshot of production-db taken by its own `new`, and retiring
 *   the first deletes the snapshot made for it (source.keep: 0) but not its final snapshot;
 * - point-in-time: one generation to promoted, no replacement at any stage move;
 * - copy: one generation restored from a copy under a customer key of moto's KMS; the copy goes at its retire.
 * The fixtures are test/engine/fixtures/sources/*.yaml. Before each case production-db grows from 20 to 50 GiB
 * after its seeded snapshot was taken: an instance of 50 GiB was restored from data taken after that moment, one
 * of 20 GiB from the seeded snapshot (moto keeps a snapshot's storage size, as RDS does).
 */
import { ModifyDBInstanceCommand, RDSClient, type DBInstance } from "@aws-sdk/client-rds";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cnameTarget, createKmsKey, instances, resetMoto, snapshots, tagsOf } from "./harness/aws.js";
import { previewSummary, stackHistory } from "./harness/cli.js";
import { makeProject, seedAccount, SOURCE_SNAPSHOT, type Project } from "./harness/project.js";
import { EngineEnv, nextMinute, ok, suite } from "./harness/suite.js";

const FIXTURES = "test/engine/fixtures/sources";
const SEEDED_GIB = 20;
const GROWN_GIB = 50;

async function growSource(): Promise<void> {
  const { motoEnv, motoEndpoint } = suite();
  const rds = new RDSClient({ region: motoEnv["AWS_REGION"]!, endpoint: motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  try {
    await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: "production-db", AllocatedStorage: GROWN_GIB, ApplyImmediately: true }));
  } finally {
    rds.destroy();
  }
}

const echoInstances = async (echo: string): Promise<DBInstance[]> => (await instances()).filter((i) => i.DBInstanceIdentifier?.startsWith(`${echo}-`));
const snapshotNamed = async (id: string) => (await snapshots()).find((s) => s.DBSnapshotIdentifier === id);

let project: Project | undefined;
let env: EngineEnv | undefined;
let zoneId = "";

beforeEach(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
  await growSource();
  project = makeProject(undefined, FIXTURES);
  env = new EngineEnv(project);
});
afterEach(() => {
  env?.dispose();
  project?.remove();
});

describe("source.from: new-snapshot", () => {
  it("each generation restores the snapshot its new took (<generation>-source, echo-tagged); retiring A deletes A's, not its final snapshot", async () => {
    const started = Date.now();
    ok(await env!.run(["up", "fresh", "--promote", "--retire", "--yes"]));
    const [a] = await echoInstances("fresh");
    const nameA = a!.DBInstanceIdentifier!;
    const madeA = await snapshotNamed(`${nameA}-source`);
    expect(madeA, `${nameA}-source in moto`).toBeDefined();
    expect(madeA!.DBInstanceIdentifier).toBe("production-db");
    expect(madeA!.SnapshotType).toBe("manual");
    expect(madeA!.AllocatedStorage).toBe(GROWN_GIB);
    expect(tagsOf(madeA!)).toMatchObject({ "echo:managed": "fresh", "echo:generation": nameA, "echo:made": "snapshot" });
    // Restored from it: the grown size (the seeded snapshot has 20 GiB), and the snapshot it names.
    expect(a!.AllocatedStorage).toBe(GROWN_GIB);
    expect(tagsOf(a!)).toMatchObject({ "echo:managed": "fresh", "echo:stage": "promoted", "echo:snapshot": `${nameA}-source` });
    expect(await cnameTarget(zoneId, "fresh.db.example.com")).toBe(a!.Endpoint?.Address);

    await nextMinute();
    ok(await env!.run(["new", "fresh", "--force", "--yes"]));
    ok(await env!.run(["up", "fresh", "--promote", "--retire", "--yes"]));
    // A was demoted in that run, less than the CNAME's TTL (1 s) ago: a run after a TTL retires it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    ok(await env!.run(["up", "fresh", "--retire", "--yes"]));

    const live = await echoInstances("fresh");
    expect(live.map((i) => i.DBInstanceIdentifier)).toHaveLength(1);
    const b = live[0]!;
    const nameB = b.DBInstanceIdentifier!;
    expect(nameB).not.toBe(nameA);
    expect(await cnameTarget(zoneId, "fresh.db.example.com")).toBe(b.Endpoint?.Address);
    expect(tagsOf(b)).toMatchObject({ "echo:stage": "promoted", "echo:snapshot": `${nameB}-source` });
    const ids = (await snapshots()).map((s) => s.DBSnapshotIdentifier);
    expect(ids).not.toContain(`${nameA}-source`); // source.keep: 0
    expect(ids).toContain(`${nameB}-source`); // B is alive: its snapshot stays
    expect(ids).toContain(`${nameA}-final`); // not made for the source (no echo:made), though it carries A's echo tags
    expect(ids).toContain(SOURCE_SNAPSHOT);
    console.log(`new-snapshot case: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});

describe("source.from: point-in-time", () => {
  it("one generation to promoted, restored from production-db as of the pinned time; no stage move replaces it", async () => {
    const started = Date.now();
    ok(await env!.run(["new", "pitr", "--yes"]));
    const [g] = await echoInstances("pitr");
    const name = g!.DBInstanceIdentifier!;
    // Restored from the live instance (moto copies it as it is now: 50 GiB), not from its 20 GiB snapshot.
    expect(g!.AllocatedStorage).toBe(GROWN_GIB);
    const label = tagsOf(g!)["echo:snapshot"] ?? "";
    expect(label).toMatch(/^point-in-time:production-db@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    // Nothing made (moto takes automated snapshots of every instance it creates; those are RDS's own).
    expect((await snapshots()).filter((s) => s.SnapshotType === "manual").map((s) => s.DBSnapshotIdentifier)).toEqual([SOURCE_SNAPSHOT]);
    // The first preview after new plans nothing: the stand-in reads back what moto reports of a point-in-time copy
    // as the real provider does (its source as replicateSourceDb), which the program ignores.
    expect(previewSummary(env!, name), "after new").toEqual({ same: 3 });
    for (const step of ["modify", "reboot", "promote"]) {
      ok(await env!.run([step, "pitr", "--yes"]));
      expect(Object.keys(previewSummary(env!, name)), `after ${step}`).toEqual(["same"]);
    }
    const [promoted] = await echoInstances("pitr");
    expect(tagsOf(promoted!)).toMatchObject({ "echo:stage": "promoted", "echo:snapshot": label });
    expect(promoted!.DbiResourceId).toBe(g!.DbiResourceId);
    expect(promoted!.BackupRetentionPeriod).toBe(1);
    expect(promoted!.DBParameterGroups?.[0]?.DBParameterGroupName).toBe("development-postgres16");
    expect(await cnameTarget(zoneId, "pitr.db.example.com")).toBe(promoted!.Endpoint?.Address);
    // The audit trail: one create at new, and no replacement nor delete in any update.
    const history = stackHistory(env!, name);
    expect(history.map((h) => h.message).join("; ")).toMatch(/promote/);
    for (const entry of history) {
      const changes = Object.keys(entry.resourceChanges ?? {});
      expect(changes.filter((c) => c !== "same" && c !== "update" && c !== "create"), entry.message).toEqual([]);
    }
    expect(history.filter((h) => (h.resourceChanges?.["create"] ?? 0) > 0 && h.message.includes("new"))).toHaveLength(1);
    console.log(`point-in-time case: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});

describe("source.copy (same account and region, customer key)", () => {
  it("restores <generation>-copy, encrypted under the key; the copy goes when the generation is retired", async () => {
    const started = Date.now();
    const keyArn = await createKmsKey("rds-echo engine suite: copies");
    const definition = path.join(project!.root, "stacks", "copied.yaml");
    writeFileSync(definition, readFileSync(definition, "utf8").replaceAll("KMS_KEY_ARN", keyArn));

    ok(await env!.run(["up", "copied", "--yes"]));
    const [g] = await echoInstances("copied");
    const name = g!.DBInstanceIdentifier!;
    const copy = await snapshotNamed(`${name}-copy`);
    expect(copy, `${name}-copy in moto`).toBeDefined();
    expect(copy!.Encrypted).toBe(true);
    expect(copy!.KmsKeyId).toBe(keyArn);
    expect(copy!.AllocatedStorage).toBe(SEEDED_GIB); // a copy of the seeded (latest) snapshot
    expect(tagsOf(copy!)).toEqual({ "echo:managed": "copied", "echo:generation": name, "echo:made": "copy" });
    // Restored from the copy: the source snapshot is unencrypted; the instance is encrypted under the key.
    expect((await snapshotNamed(SOURCE_SNAPSHOT))!.Encrypted).toBe(false);
    expect(g!.StorageEncrypted).toBe(true);
    expect(g!.KmsKeyId).toBe(keyArn);
    expect(g!.AllocatedStorage).toBe(SEEDED_GIB);
    expect(tagsOf(g!)).toMatchObject({ "echo:stage": "rebooted", "echo:snapshot": `${name}-copy` });
    // The pinned encryption matches what RDS restored: nothing to change (a kmsKeyId diff would replace it).
    expect(Object.keys(previewSummary(env!, name))).toEqual(["same"]);

    ok(await env!.run(["retire", "copied", "--generation", name, "--force", "--yes"]));
    expect(await echoInstances("copied")).toEqual([]);
    const ids = (await snapshots()).map((s) => s.DBSnapshotIdentifier);
    expect(ids).not.toContain(`${name}-copy`);
    expect(ids).toContain(SOURCE_SNAPSHOT);
    console.log(`copy case: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});
