import type { Deployment } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { pendingOperationsIn, resolvePendingInDeployment } from "../../../src/adapters/pulumi/deployment.js";
import { GENERATION, INSTANCE_URN, interruptedDeployment, PROVIDER_URN, RECORD_URN, STACK_URN } from "./fixtures.js";

/** The body of a deployment, read back as plain data (what `pulumi stack import` will get). */
function body(deployment: Deployment): Record<string, unknown> {
  return JSON.parse(JSON.stringify(deployment.deployment)) as Record<string, unknown>;
}

function resources(deployment: Deployment): Array<Record<string, unknown>> {
  return body(deployment)["resources"] as Array<Record<string, unknown>>;
}

function withPending(...operations: Array<{ urn: string; type: string; kind: string }>): Deployment {
  const deployment = interruptedDeployment();
  deployment.deployment.pending_operations = operations.map(({ urn, type, kind }) => ({
    resource: { urn, custom: true, type, inputs: {}, parent: STACK_URN },
    type: kind,
  }));
  return deployment;
}

describe("pending operations in an exported deployment", () => {
  it("lists the interrupted restore as a pending create of the instance", () => {
    expect(pendingOperationsIn(interruptedDeployment())).toEqual([
      { urn: INSTANCE_URN, type: "aws:rds/instance:Instance", name: "db", operation: "creating" },
    ]);
  });

  it("keeps Pulumi's operation kinds and calls unknown ones other", () => {
    const deployment = withPending(
      { urn: RECORD_URN, type: "aws:route53/record:Record", kind: "deleting" },
      { urn: INSTANCE_URN, type: "aws:rds/instance:Instance", kind: "something-new" },
    );
    expect(pendingOperationsIn(deployment).map((p) => p.operation)).toEqual(["deleting", "other"]);
  });

  it("has none when the deployment has no pending_operations field (Pulumi omits it when empty)", () => {
    const deployment = interruptedDeployment();
    delete deployment.deployment.pending_operations;
    expect(pendingOperationsIn(deployment)).toEqual([]);
  });

  it("refuses a deployment it cannot read rather than guessing", () => {
    expect(() => pendingOperationsIn({ version: 3, deployment: { pending_operations: [{ type: "creating" }] } })).toThrow(/pending_operations/);
    expect(() => pendingOperationsIn({ version: 3, deployment: null })).toThrow(/no deployment body/);
  });
});

describe("resolvePendingInDeployment", () => {
  it("adopts a pending create found in the cloud: the resource joins the state with its id, inputs kept, outputs empty", () => {
    const resolved = resolvePendingInDeployment(interruptedDeployment(), new Map([[INSTANCE_URN, GENERATION]]));
    const state = resources(resolved);
    expect(state.map((r) => r["urn"])).toEqual([STACK_URN, PROVIDER_URN, INSTANCE_URN]);
    const adopted = state[2];
    expect(adopted).toMatchObject({
      urn: INSTANCE_URN,
      id: GENERATION,
      type: "aws:rds/instance:Instance",
      outputs: {},
      provider: `${PROVIDER_URN}::8f2e0a44-5b3c-4d1e-9a6f-0c7d2b1e4f30`,
      parent: STACK_URN,
    });
    expect(adopted?.["inputs"]).toMatchObject({ identifier: GENERATION, snapshotIdentifier: "rds:production-2026-11-25-03-10" });
    expect(body(resolved)).not.toHaveProperty("pending_operations");
  });

  it("clears a pending create that is not in the cloud: nothing is added, the operation is gone", () => {
    const resolved = resolvePendingInDeployment(interruptedDeployment(), new Map());
    expect(resources(resolved).map((r) => r["urn"])).toEqual([STACK_URN, PROVIDER_URN]);
    expect(pendingOperationsIn(resolved)).toEqual([]);
  });

  it("drops pending updates and deletes even when their URN is given: only creates can be adopted", () => {
    const deployment = withPending({ urn: RECORD_URN, type: "aws:route53/record:Record", kind: "deleting" });
    const resolved = resolvePendingInDeployment(deployment, new Map([[RECORD_URN, "Z0123456789ABCDEFGHIJ_db.dev.example.com_CNAME"]]));
    expect(resources(resolved)).toHaveLength(2);
    expect(pendingOperationsIn(resolved)).toEqual([]);
  });

  it("keeps everything else of the deployment and leaves the exported one untouched", () => {
    const original = interruptedDeployment();
    const snapshot = JSON.stringify(original);
    const resolved = resolvePendingInDeployment(original, new Map([[INSTANCE_URN, GENERATION]]));
    expect(JSON.stringify(original)).toBe(snapshot);
    expect(resolved.version).toBe(3);
    expect(body(resolved)).toMatchObject({
      manifest: body(original)["manifest"],
      secrets_providers: body(original)["secrets_providers"],
      metadata: {},
    });
  });

  it("refuses to adopt a URN the state already holds live (an unfinished replacement)", () => {
    const deployment = withPending({ urn: PROVIDER_URN, type: "pulumi:providers:aws", kind: "creating" });
    expect(() => resolvePendingInDeployment(deployment, new Map([[PROVIDER_URN, "x"]]))).toThrow(/already has a live resource/);
  });
});
