/**
 * The generation program for every source kind, at every stage: what the instance is restored from, and that no
 * stage move changes an input the provider replaces the instance for (see test/program/generation.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { evaluateUnderMocks, type Declaration } from "../../src/program/evaluate.js";
import { generationProgram, modificationArgs, type GenerationSpec } from "../../src/program/generation.js";
import { planGeneration } from "../../src/program/plan.js";
import { pointInTimeLabel } from "../../src/program/restore-source.js";
import { PROGRAM_STAGES, type ProgramStage } from "../../src/program/stages.js";
import { definitionFrom, developmentData, developmentDefinition } from "../helpers/definitions.js";

/** The shipped example with another source section. */
const testDefinitionFrom = (source: Record<string, unknown>) => definitionFrom({ ...developmentData(), source });

const GENERATION = "development-20261125-1230";
const ZONE = "Z0123456789ABCDEFGHIJ";
const ECHO_KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const PRODUCTION_KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
const TIME = "2026-11-25T12:25:00Z";

/** What `new` pins for each source kind (see src/lifecycle/source-plan.ts and test/lifecycle/sources.test.ts). */
const KINDS: Record<string, Omit<GenerationSpec, "generation" | "stage" | "masterPassword" | "zoneId">> = {
  "latest-snapshot": { definition: developmentDefinition(), snapshot: "rds:production-db-2026-11-25-03-10", storageEncrypted: true, kmsKeyId: PRODUCTION_KEY },
  "new-snapshot": { definition: testDefinitionFrom({ instance: "production-db", from: "new-snapshot" }), snapshot: `${GENERATION}-source`, storageEncrypted: true, kmsKeyId: PRODUCTION_KEY },
  copy: { definition: testDefinitionFrom({ instance: "production-db", snapshotTypes: ["shared"], copy: { kmsKeyId: ECHO_KEY } }), snapshot: `${GENERATION}-copy`, storageEncrypted: true, kmsKeyId: ECHO_KEY },
  "point-in-time": {
    definition: testDefinitionFrom({ instance: "production-db", from: "point-in-time" }),
    snapshot: pointInTimeLabel({ sourceInstance: "production-db", time: TIME }),
    pointInTime: { sourceInstance: "production-db", time: TIME },
    storageEncrypted: true,
    kmsKeyId: PRODUCTION_KEY,
  },
};

async function declare(kind: string, stage: ProgramStage, extra: Partial<GenerationSpec> = {}): Promise<Declaration> {
  const spec: GenerationSpec = { ...KINDS[kind]!, generation: GENERATION, stage, zoneId: ZONE, masterPassword: pulumi.secret("s3cret-value"), ...extra };
  const evaluation = await evaluateUnderMocks({ project: "rds-echo", stack: GENERATION, preview: true, program: () => generationProgram(spec) });
  return evaluation.declarations.find((d) => d.type === "aws:rds/instance:Instance")!;
}

const MODIFICATION_KEYS = Object.keys(modificationArgs(developmentDefinition(), "x"));
const restoreInputs = (d: Declaration) => Object.fromEntries(Object.entries(d.inputs).filter(([k]) => !MODIFICATION_KEYS.includes(k) && k !== "tags"));

describe.each(Object.keys(KINDS))("the program of a %s generation", (kind) => {
  it("declares the same restore-time inputs (the provider's force-new ones among them) at every stage", async () => {
    const baseline = await declare(kind, "new");
    for (const key of ["identifier", "storageEncrypted", "kmsKeyId"]) expect(baseline.inputs, key).toHaveProperty(key);
    for (const stage of PROGRAM_STAGES) {
      const instance = await declare(kind, stage);
      expect(instance.name, stage).toBe("db");
      expect(restoreInputs(instance), `${kind} at ${stage}`).toEqual(restoreInputs(baseline));
      expect((instance.inputs["tags"] as Record<string, string>)["echo:stage"]).toBe(stage);
    }
  });

  it("restores from exactly one source: the pinned snapshot, or the pinned point in time", async () => {
    const { inputs } = await declare(kind, "promoted");
    if (kind === "point-in-time") {
      expect(inputs["restoreToPointInTime"]).toEqual({ sourceDbInstanceIdentifier: "production-db", restoreTime: TIME });
      expect(inputs).not.toHaveProperty("snapshotIdentifier");
      // `latest` is never declared as useLatestRestorableTime: that would restore another time than the pinned one.
      expect(JSON.stringify(inputs)).not.toContain("useLatestRestorableTime");
    } else {
      expect(inputs["snapshotIdentifier"]).toBe(KINDS[kind]!.snapshot);
      expect(inputs).not.toHaveProperty("restoreToPointInTime");
    }
    expect((inputs["tags"] as Record<string, string>)["echo:snapshot"]).toBe(KINDS[kind]!.snapshot.replace(/^rds:/, "automated:"));
  });
});

describe.each(Object.keys(KINDS))("the rolled-back mark and adoption on a %s generation", (kind) => {
  it("a generation rolled back from keeps every restore input (no replacement) and only gains the echo:rolled-back tag", async () => {
    const baseline = await declare(kind, "new");
    const marked = await declare(kind, "forgotten", { rolledBack: "development-20261124-0300" });
    expect(restoreInputs(marked)).toEqual(restoreInputs(baseline));
    expect((marked.inputs["tags"] as Record<string, string>)["echo:rolled-back"]).toBe("development-20261124-0300");
  });

  it("an adopted instance declares no restore source at all, whatever the definition's source kind", async () => {
    const { inputs } = await declare(kind, "promoted", { adopted: "development-legacy-1" });
    expect(inputs["identifier"]).toBe("development-legacy-1");
    expect(inputs).not.toHaveProperty("snapshotIdentifier");
    expect(inputs).not.toHaveProperty("restoreToPointInTime");
  });

  it("every instance ignores replicateSourceDb, which RDS (or moto, for a point-in-time copy) may report and the program never declares", async () => {
    for (const stage of ["new", "modified", "promoted"] as const) {
      const { inputs, ignoreChanges } = await declare(kind, stage);
      expect(ignoreChanges, stage).toContain("replicateSourceDb");
      expect(inputs, stage).not.toHaveProperty("replicateSourceDb");
    }
    expect((await declare(kind, "promoted", { adopted: "development-legacy-1" })).ignoreChanges).toContain("replicateSourceDb");
  });

  it("an adopted instance ignores applyImmediately (a change to it alone is a ModifyDBInstance RDS refuses), not its final snapshot", async () => {
    const { ignoreChanges } = await declare(kind, "promoted", { adopted: "development-legacy-1" });
    expect(ignoreChanges).toContain("applyImmediately");
    expect(ignoreChanges).not.toContain("skipFinalSnapshot");
    expect(ignoreChanges).not.toContain("finalSnapshotIdentifier");
  });
});

describe("plan (offline) for each source kind", () => {
  it("shows what new will pin, named for the generation, with no cloud call", async () => {
    const plans = Object.fromEntries(
      await Promise.all(Object.entries(KINDS).map(async ([kind, spec]) => [kind, await planGeneration({ definition: spec.definition, generation: GENERATION, stage: "new" })] as const)),
    );
    const db = (kind: string) => plans[kind]!.declarations.find((d) => d.type === "aws:rds/instance:Instance")!.inputs;
    expect(db("new-snapshot")["snapshotIdentifier"]).toBe(`${GENERATION}-source`);
    expect(db("copy")["snapshotIdentifier"]).toBe(`${GENERATION}-copy`);
    expect(db("point-in-time")["restoreToPointInTime"]).toEqual({ sourceDbInstanceIdentifier: "production-db", restoreTime: "<latest restorable time, pinned at new>" });
    expect(plans["point-in-time"]!.snapshot).toBe("point-in-time:production-db@<latest restorable time, pinned at new>");
  });
});
