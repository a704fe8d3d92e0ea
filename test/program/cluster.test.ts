import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { CLUSTER_REPLACE_KEYS } from "../../src/adapters/sandbox/cluster-cloud.js";
import { changedKeys } from "../../src/adapters/value-diffs.js";
import type { ClusterEchoDefinition } from "../../src/definition/cluster-schema.js";
import { evaluateUnderMocks, type Declaration } from "../../src/program/evaluate.js";
import { generationProgram } from "../../src/program/generation.js";
import { CLUSTER_INSTANCE_TYPE, CLUSTER_TYPE, RECORD_TYPE } from "../../src/program/resource-types.js";
import { PROGRAM_STAGES, type ProgramStage } from "../../src/program/stages.js";
import { SecretValue } from "../../src/program/values.js";
import { clusterDefinition } from "../helpers/clusters.js";

const GENERATION = "analytics-20261125-1230";
const SNAPSHOT = "rds:production-aurora-2026-11-25-03-10";
const ZONE = "Z0123456789ABCDEFGHIJ";
const ENGINE = "aurora-postgresql";

type Kind = "clone" | "latest-snapshot";

function definitionOf(kind: Kind): ClusterEchoDefinition {
  return clusterDefinition((d) => (d.source.from = kind));
}

async function declare(kind: Kind, stage: ProgramStage, definition = definitionOf(kind)) {
  const evaluation = await evaluateUnderMocks({
    project: "rds-echo",
    stack: GENERATION,
    preview: true,
    program: () =>
      generationProgram({
        definition,
        generation: GENERATION,
        stage,
        snapshot: kind === "clone" ? "clone:production-aurora" : SNAPSHOT,
        ...(kind === "clone" ? { cloneOf: "production-aurora" } : {}),
        engine: ENGINE,
        zoneId: ZONE,
        masterPassword: pulumi.secret("s3cret-value"),
      }),
  });
  const byType = (type: string) => evaluation.declarations.filter((d) => d.type === type);
  return { ...evaluation, cluster: byType(CLUSTER_TYPE)[0] as Declaration, instances: byType(CLUSTER_INSTANCE_TYPE), records: byType(RECORD_TYPE) };
}

/** Declared inputs as the engine stores them: secrets as their revealed value, for comparison. */
function plain(inputs: Declaration["inputs"]): Record<string, unknown> {
  return JSON.parse(JSON.stringify(inputs, (_k, v) => (v instanceof SecretValue ? { secret: v.reveal() } : v))) as Record<string, unknown>;
}

describe.each<Kind>(["latest-snapshot", "clone"])("the generation program of a cluster echo (%s)", (kind) => {
  it("declares one cluster and cluster.instances instances at every stage, and the CNAMEs only while promoted", async () => {
    for (const stage of PROGRAM_STAGES) {
      const { cluster, instances, records } = await declare(kind, stage);
      expect(cluster.name).toBe("cluster");
      expect(cluster.inputs).toMatchObject({ clusterIdentifier: GENERATION, engine: ENGINE, applyImmediately: true, skipFinalSnapshot: false, finalSnapshotIdentifier: `${GENERATION}-final` });
      expect(cluster.inputs["tags"]).toMatchObject({ "echo:managed": "analytics", "echo:generation": GENERATION, "echo:stage": stage });
      expect(instances.map((i) => [i.name, i.inputs["identifier"], i.inputs["clusterIdentifier"], i.inputs["instanceClass"], i.inputs["engine"]])).toEqual([
        ["instance-1", `${GENERATION}-1`, GENERATION, "db.r6g.large", ENGINE],
        ["instance-2", `${GENERATION}-2`, GENERATION, "db.r6g.large", ENGINE],
      ]);
      for (const i of instances) expect(i.inputs["tags"]).toMatchObject({ "echo:managed": "analytics", "echo:stage": stage });
      expect(records.map((r) => r.inputs["name"])).toEqual(stage === "promoted" ? ["analytics.db.example.com", "analytics-ro.db.example.com"] : []);
    }
  });

  it(kind === "clone" ? "clones copy-on-write from the pinned source cluster, never a snapshot" : "restores the pinned cluster snapshot, never a clone", async () => {
    const { cluster } = await declare(kind, "new");
    if (kind === "clone") {
      expect(cluster.inputs["restoreToPointInTime"]).toEqual({ sourceClusterIdentifier: "production-aurora", restoreType: "copy-on-write", useLatestRestorableTime: true });
      expect(cluster.inputs).not.toHaveProperty("snapshotIdentifier");
      expect(cluster.inputs["tags"]).toMatchObject({ "echo:snapshot": "clone:production-aurora" });
    } else {
      expect(cluster.inputs["snapshotIdentifier"]).toBe(SNAPSHOT);
      expect(cluster.inputs).not.toHaveProperty("restoreToPointInTime");
    }
  });

  it("applies the cluster parameter group and the cluster settings from modified on, the instances' group to each instance", async () => {
    const fresh = await declare(kind, "new");
    expect(fresh.cluster.inputs).not.toHaveProperty("dbClusterParameterGroupName");
    expect(fresh.cluster.inputs).not.toHaveProperty("masterPassword");
    for (const i of fresh.instances) expect(i.inputs).not.toHaveProperty("dbParameterGroupName");
    const { cluster, instances } = await declare(kind, "modified");
    expect(cluster.inputs).toMatchObject({ dbClusterParameterGroupName: "analytics-aurora-pg16", vpcSecurityGroupIds: ["sg-0a1b2c3d4e5f60718"], backupRetentionPeriod: 1, iamDatabaseAuthenticationEnabled: true, deletionProtection: false });
    expect(cluster.inputs["masterPassword"]).toBeInstanceOf(SecretValue);
    for (const i of instances) expect(i.inputs["dbParameterGroupName"]).toBe("analytics-aurora-pg16-instance");
  });

  it("points the CNAME at the writer endpoint and readerCname at the reader endpoint, kept on delete", async () => {
    const { records } = await declare(kind, "promoted");
    const [writer, reader] = records;
    expect(writer).toMatchObject({ name: "cname", retainOnDelete: true, inputs: { zoneId: ZONE, type: "CNAME", ttl: 60, allowOverwrite: true } });
    expect(reader).toMatchObject({ name: "reader-cname", retainOnDelete: true, inputs: { name: "analytics-ro.db.example.com", allowOverwrite: true } });
  });

  it("never changes a force-new input on any stage move (so no stage move replaces the cluster or an instance)", async () => {
    const definition = clusterDefinition((d) => {
      d.source.from = kind;
      d.modify.deletionProtection = true;
    });
    const byStage = new Map<ProgramStage, Awaited<ReturnType<typeof declare>>>();
    for (const stage of PROGRAM_STAGES) byStage.set(stage, await declare(kind, stage, definition));
    for (let i = 1; i < PROGRAM_STAGES.length; i++) {
      const before = byStage.get(PROGRAM_STAGES[i - 1]!)!;
      const after = byStage.get(PROGRAM_STAGES[i]!)!;
      for (const d of after.declarations.filter((x) => x.type === CLUSTER_TYPE || x.type === CLUSTER_INSTANCE_TYPE)) {
        const previous = before.declarations.find((x) => x.type === d.type && x.name === d.name)!;
        const keys = changedKeys(plain(previous.inputs), plain(d.inputs));
        expect(keys.filter((k) => CLUSTER_REPLACE_KEYS[d.type]!.includes(k)), `${d.name} ${PROGRAM_STAGES[i - 1]} -> ${PROGRAM_STAGES[i]}`).toEqual([]);
        expect(keys.length, `${d.name} changes something on the move to ${PROGRAM_STAGES[i]}`).toBeGreaterThan(0);
      }
    }
    // Deletion protection is lifted once forgotten, so retire can destroy the cluster.
    expect(byStage.get("promoted")!.cluster.inputs["deletionProtection"]).toBe(true);
    expect(byStage.get("forgotten")!.cluster.inputs["deletionProtection"]).toBe(false);
  });
});

describe("the generation program of a cluster echo, refusals", () => {
  it("refuses a cluster whose engine was not pinned", async () => {
    await expect(
      evaluateUnderMocks({ project: "rds-echo", stack: GENERATION, preview: true, program: () => generationProgram({ definition: definitionOf("clone"), generation: GENERATION, stage: "new", snapshot: "clone:production-aurora", cloneOf: "production-aurora" }) }),
    ).rejects.toThrow(/engine was not pinned/);
  });
});
