import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { evaluateUnderMocks, type Declaration } from "../../src/program/evaluate.js";
import { generationProgram, modificationArgs, type GenerationSpec } from "../../src/program/generation.js";
import { PROGRAM_STAGES, type ProgramStage } from "../../src/program/stages.js";
import { SecretValue, UNKNOWN } from "../../src/program/values.js";
import { snapshotFromTag } from "../../src/program/tags.js";
import { tagsProblem } from "../../src/definition/tags.js";
import { definitionFrom, developmentData, developmentDefinition } from "../helpers/definitions.js";

const GENERATION = "development-20261125-1230";
const SNAPSHOT = "rds:production-db-2026-11-25-03-10";
const ZONE = "Z0123456789ABCDEFGHIJ";

async function declare(stage: ProgramStage, overrides: Partial<GenerationSpec> = {}) {
  const spec: GenerationSpec = {
    definition: developmentDefinition(),
    generation: GENERATION,
    stage,
    snapshot: SNAPSHOT,
    zoneId: ZONE,
    masterPassword: pulumi.secret("s3cret-value"),
    ...overrides,
  };
  const evaluation = await evaluateUnderMocks({ project: "rds-echo", stack: GENERATION, preview: true, program: () => generationProgram(spec) });
  const byType = (type: string) => evaluation.declarations.filter((d) => d.type === type);
  const [instance] = byType("aws:rds/instance:Instance");
  return { ...evaluation, instance: instance as Declaration, records: byType("aws:route53/record:Record") };
}

const MODIFICATION_KEYS = Object.keys(modificationArgs(developmentDefinition(), "x"));

describe("the generation program", () => {
  it("restores the pinned snapshot with the restore-time settings at stage new, without modifications", async () => {
    const { instance, records } = await declare("new");
    expect(instance.name).toBe("db");
    expect(instance.inputs).toEqual({
      identifier: GENERATION,
      snapshotIdentifier: SNAPSHOT,
      instanceClass: "db.t3.medium",
      availabilityZone: "eu-west-1a",
      multiAz: false,
      port: 5432,
      dbSubnetGroupName: "development-db",
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
      applyImmediately: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${GENERATION}-final`,
      tags: { team: "platform", environment: "development", "echo:managed": "development", "echo:generation": GENERATION, "echo:stage": "new", "echo:snapshot": "automated:production-db-2026-11-25-03-10" },
    });
    expect(records).toEqual([]);
  });

  it("changes the storage at modified, as a stage of its own (not in the ModifyDBInstance the provider sends inside the restore)", async () => {
    expect((await declare("new")).instance.inputs).not.toHaveProperty("storageType");
    for (const stage of ["modified", "rebooted", "promoted", "forgotten"] as const) expect((await declare(stage)).instance.inputs).toMatchObject({ storageType: "gp3" });
  });

  it("writes the snapshot tag so RDS accepts it (no value starts with rds: or aws:), and reads the id back from it", async () => {
    for (const snapshot of [SNAPSHOT, "before-migration", "awsbackup:job-0123abcd", "arn:aws:rds:eu-west-1:222222222222:snapshot:shared-one"]) {
      const { instance } = await declare("promoted", { snapshot });
      const parsed = instance.inputs["tags"] as Record<string, string>;
      expect(tagsProblem(parsed)).toBeUndefined();
      expect(snapshotFromTag(parsed["echo:snapshot"]!)).toBe(snapshot);
    }
  });

  it("declares the rolled-back mark as the echo:rolled-back tag (only when the stack's settings carry it)", async () => {
    const marked = (await declare("forgotten", { rolledBack: "development-20261124-0300" })).instance.inputs["tags"] as Record<string, string>;
    expect(marked["echo:rolled-back"]).toBe("development-20261124-0300");
    expect(tagsProblem(marked)).toBeUndefined();
    const plain = (await declare("forgotten")).instance.inputs["tags"] as Record<string, string>;
    expect(plain).not.toHaveProperty("echo:rolled-back");
  });

  it("declares the pinned snapshot's encryption and KMS key at every stage, and nothing when it is unknown (old stacks)", async () => {
    const kmsKeyId = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    for (const stage of PROGRAM_STAGES) {
      const { instance } = await declare(stage, { storageEncrypted: true, kmsKeyId });
      expect(instance.inputs).toMatchObject({ storageEncrypted: true, kmsKeyId });
      const unencrypted = await declare(stage, { storageEncrypted: false });
      expect(unencrypted.instance.inputs["storageEncrypted"]).toBe(false);
      expect(unencrypted.instance.inputs).not.toHaveProperty("kmsKeyId");
    }
    const { instance } = await declare("modified");
    expect(instance.inputs).not.toHaveProperty("storageEncrypted");
    expect(instance.inputs).not.toHaveProperty("kmsKeyId");
  });

  it("uses an explicit provider for the definition's region, and long custom timeouts", async () => {
    const { declarations, instance } = await declare("new");
    expect(declarations[0]).toMatchObject({ type: "pulumi:providers:aws", name: "aws", inputs: { region: "eu-west-1" } });
    // Approval requests, decisions and the scrub mark are tags set outside Pulumi: the provider must never remove them.
    expect(JSON.parse(String(declarations[0]?.inputs["ignoreTags"]))).toEqual({ keyPrefixes: ["echo:approval:", "echo:request:", "echo:seen:", "echo:scrubbed"] });
    expect(instance.provider).toBe("aws");
    expect(instance.customTimeouts).toEqual({ create: "2880m", update: "480m", delete: "240m" });
  });

  it("adds exactly the modifications from stage modified on, with the password as a secret", async () => {
    const [fresh, modified] = [await declare("new"), await declare("modified")];
    const added = Object.keys(modified.instance.inputs).filter((k) => !(k in fresh.instance.inputs));
    expect(added.sort()).toEqual(
      ["parameterGroupName", "vpcSecurityGroupIds", "backupRetentionPeriod", "password", "caCertIdentifier", "iamDatabaseAuthenticationEnabled", "deletionProtection", "storageType"].sort(),
    );
    expect(modified.instance.inputs).toMatchObject({
      parameterGroupName: "development-postgres16",
      vpcSecurityGroupIds: ["sg-0a1b2c3d4e5f60718"],
      backupRetentionPeriod: 1,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      iamDatabaseAuthenticationEnabled: true,
      deletionProtection: false,
    });
    const password = modified.instance.inputs["password"];
    expect(password).toBeInstanceOf(SecretValue);
    expect((password as SecretValue).reveal()).toBe("s3cret-value");
    expect(JSON.stringify(modified.instance.inputs)).not.toContain("s3cret-value");
  });

  it.each(["rebooted", "promoted", "forgotten"] as const)("keeps the modifications at stage %s", async (stage) => {
    const { instance } = await declare(stage);
    expect(instance.inputs).toMatchObject({ parameterGroupName: "development-postgres16", "tags": { "echo:stage": stage } });
    expect(instance.inputs["password"]).toBeInstanceOf(SecretValue);
  });

  it("lifts deletion protection once a generation is forgotten, so retire can destroy it", async () => {
    const definition = definitionFrom({ ...developmentData(), modify: { ...developmentData().modify, deletionProtection: true } });
    for (const stage of ["modified", "rebooted", "promoted"] as const) {
      expect((await declare(stage, { definition })).instance.inputs["deletionProtection"], stage).toBe(true);
    }
    expect((await declare("forgotten", { definition })).instance.inputs["deletionProtection"]).toBe(false);
  });

  it("declares the CNAME only while promoted, with allowOverwrite and retainOnDelete", async () => {
    for (const stage of PROGRAM_STAGES) {
      const { records, instance } = await declare(stage);
      if (stage !== "promoted") {
        expect(records, stage).toEqual([]);
        expect(instance.inputs["tags"], stage).not.toHaveProperty("serving");
        continue;
      }
      expect(records).toHaveLength(1);
      const [record] = records;
      expect(record?.name).toBe("cname");
      expect(record?.retainOnDelete).toBe(true);
      expect(record?.inputs).toEqual({
        zoneId: ZONE,
        name: "development.db.example.com",
        type: "CNAME",
        ttl: 60,
        // The instance's address is not known before it exists: the record follows it.
        records: [UNKNOWN],
        allowOverwrite: true,
      });
      expect(instance.inputs["tags"]).toMatchObject({ serving: "development.db.example.com", "echo:stage": "promoted" });
    }
  });

  it("keeps the logical name and every restore-time (replacement-triggering) input identical across stages", async () => {
    const restoreInputs = (d: Declaration) =>
      Object.fromEntries(Object.entries(d.inputs).filter(([k]) => !MODIFICATION_KEYS.includes(k) && k !== "tags"));
    const baseline = await declare("new");
    // The provider's replace-on-change inputs for a restored instance, checked by name as well as wholesale.
    for (const key of ["identifier", "snapshotIdentifier", "availabilityZone"]) expect(baseline.instance.inputs).toHaveProperty(key);
    for (const stage of PROGRAM_STAGES) {
      const { instance, declarations } = await declare(stage);
      expect(instance.type).toBe(baseline.instance.type);
      expect(instance.name).toBe(baseline.instance.name);
      expect(instance.provider).toBe(baseline.instance.provider);
      expect(restoreInputs(instance), stage).toEqual(restoreInputs(baseline.instance));
      expect(declarations[0], stage).toEqual(baseline.declarations[0]);
    }
  });

  it("pins the snapshot it is given and never looks one up", async () => {
    const { instance } = await declare("modified", { snapshot: "arn:aws:rds:eu-west-1:123456789012:snapshot:shared-one" });
    expect(instance.inputs["snapshotIdentifier"]).toBe("arn:aws:rds:eu-west-1:123456789012:snapshot:shared-one");
  });

  it("skips the final snapshot when the definition says so", async () => {
    const data = developmentData();
    data.retire = { skipFinalSnapshot: true };
    const { instance } = await declare("new", { definition: definitionFrom(data) });
    expect(instance.inputs["skipFinalSnapshot"]).toBe(true);
    expect(instance.inputs).not.toHaveProperty("finalSnapshotIdentifier");
  });

  it("refuses to promote without a resolved zone, or to modify without the password secret", async () => {
    const data = developmentData();
    const definition = definitionFrom(data);
    await expect(declare("promoted", { zoneId: undefined, definition })).rejects.toThrow(/hosted zone .* was not resolved/);
    await expect(declare("modified", { masterPassword: undefined })).rejects.toThrow(/references secret "masterPassword"/);
  });

  it("returns the outputs the driver reads", async () => {
    const evaluation = await evaluateUnderMocks({
      project: "rds-echo",
      stack: GENERATION,
      preview: false,
      program: () => generationProgram({ definition: developmentDefinition(), generation: GENERATION, stage: "promoted", snapshot: SNAPSHOT, zoneId: ZONE, masterPassword: "pw" }),
      state: (d) => (d.type === "aws:rds/instance:Instance" ? { id: GENERATION, state: { ...d.inputs, address: `${GENERATION}.abc.eu-west-1.rds.amazonaws.com`, port: 5432 } } : undefined),
    });
    expect(evaluation.outputs).toEqual({
      instanceId: GENERATION,
      address: `${GENERATION}.abc.eu-west-1.rds.amazonaws.com`,
      port: 5432,
      stage: "promoted",
      snapshot: SNAPSHOT,
      cname: "development.db.example.com",
    });
  });
});
