import type { OutputMap, UpdateSummary } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import {
  ChangeCollector,
  changeFromEvent,
  countsFromOpMap,
  historyEntryFromSummary,
  nameFromUrn,
  outputsFromMap,
  ownStacks,
  stackSummaryFrom,
} from "../../../src/adapters/pulumi/events.js";
import {
  GENERATION,
  HISTORY_JSON,
  INSTANCE_URN,
  parseHistory,
  preEvent,
  promoteEvents,
  replaceEvents,
  STACK_LS_JSON,
  STACK_URN,
} from "./fixtures.js";

function collect(events: ReturnType<typeof promoteEvents>) {
  const collector = new ChangeCollector();
  events.forEach(collector.onEvent);
  return collector.changes();
}

describe("engine events -> resource changes", () => {
  it("shows old -> new for each changed input, tags key by key, and a secret only as [secret]", () => {
    const state = (inputs: Record<string, unknown>) => ({ type: "aws:rds/instance:Instance", urn: INSTANCE_URN, custom: true, id: "db-1", parent: STACK_URN, inputs, outputs: {}, provider: "" });
    const event = preEvent("update", INSTANCE_URN, {
      diffs: ["parameterGroupName", "password", "tags"],
      old: state({ tags: { "echo:stage": "new", team: "platform" } }),
      new: state({ parameterGroupName: "development-postgres16", password: "[secret]", tags: { "echo:stage": "modified", team: "platform" } }),
    });
    expect(changeFromEvent(event)?.change.diffs).toEqual([
      { key: "parameterGroupName", new: "development-postgres16" },
      { key: "password", new: "[secret]" },
      { key: 'tags["echo:stage"]', old: "new", new: "modified" },
    ]);
    const signed = preEvent("update", INSTANCE_URN, {
      diffs: ["password"],
      old: state({}),
      new: state({ password: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } }),
    });
    expect(changeFromEvent(signed)?.change.diffs).toEqual([{ key: "password", new: "[secret]" }]);
  });

  it("names a resource by the last segment of its URN", () => {
    expect(nameFromUrn(INSTANCE_URN)).toBe("db");
    expect(nameFromUrn("no-separator")).toBe("no-separator");
  });

  it("turns a promote update's events into one change per resource, root stack and non-resource events left out", () => {
    expect(collect(promoteEvents())).toEqual([
      { op: "same", type: "pulumi:providers:aws", name: "aws" },
      { op: "update", type: "aws:rds/instance:Instance", name: "db", keys: ["tags", "tagsAll"] },
      { op: "create", type: "aws:route53/record:Record", name: "cname" },
    ]);
  });

  it("skips the root stack resource and ops that are not changes", () => {
    expect(changeFromEvent(preEvent("same", STACK_URN))).toBeUndefined();
    expect(changeFromEvent(preEvent("read", INSTANCE_URN))).toBeUndefined();
    expect(changeFromEvent(preEvent("refresh", INSTANCE_URN))).toBeUndefined();
  });

  it("folds the three steps of a replacement into one replace with the keys of all of them", () => {
    expect(collect(replaceEvents())).toEqual([
      { op: "replace", type: "aws:rds/instance:Instance", name: "db", keys: ["snapshotIdentifier", "tags"] },
    ]);
  });

  it("marks the delete of a retainOnDelete resource as retained (the demoted CNAME stays live)", () => {
    const event = preEvent("delete", INSTANCE_URN);
    const metadata = event.resourcePreEvent!.metadata;
    const retained = { ...event, resourcePreEvent: { ...event.resourcePreEvent!, metadata: { ...metadata, old: { ...metadata.old!, retainOnDelete: true } } } };
    expect(changeFromEvent(retained)?.change).toMatchObject({ op: "delete", retained: true });
    expect(changeFromEvent(event)?.change).not.toHaveProperty("retained");
  });

  it("reports a destroy's deletes without keys", () => {
    expect(changeFromEvent(preEvent("delete", INSTANCE_URN, { diffs: ["ignored"] }))?.change).toEqual({
      op: "delete",
      type: "aws:rds/instance:Instance",
      name: "db",
    });
  });
});

describe("stack history -> audit entries", () => {
  const history = parseHistory(HISTORY_JSON) as UpdateSummary[];

  it("maps kind, result, times, message and op counts of each entry", () => {
    const entries = history.map(historyEntryFromSummary);
    expect(entries[0]).toEqual({
      version: 4,
      kind: "update",
      message: `promote ${GENERATION}`,
      result: "succeeded",
      startTime: new Date("2026-11-26T09:00:04.000Z"),
      endTime: new Date("2026-11-26T09:00:41.000Z"),
      resourceChanges: { create: 1, same: 2, update: 1 },
    });
    expect(entries[1]).toMatchObject({ kind: "refresh", result: "failed", resourceChanges: { same: 3 } });
    // A preview is not one of the port's kinds; an unfinished entry has no end time and no counts.
    expect(entries[2]).toEqual({
      version: 2,
      kind: "other",
      message: "",
      result: "in-progress",
      startTime: new Date("2026-11-25T15:00:00.000Z"),
      resourceChanges: {},
    });
    expect(entries.map((e) => e.version)).toEqual([4, 3, 2, 1]);
  });

  it("an import of resources (`pulumi import`, recorded by the CLI as kind resource-import) is an import", () => {
    const entry = historyEntryFromSummary({ ...history[0]!, kind: "resource-import" as UpdateSummary["kind"], message: "adopt development-2026-11-23 as development-20261123-0400 (promoted)" });
    expect(entry.kind).toBe("import");
  });

  it("counts only create, update, delete, replace and same", () => {
    expect(countsFromOpMap({ create: 1, "create-replacement": 1, replace: 1, "delete-replaced": 1, refresh: 4, same: 0 })).toEqual({
      create: 1,
      replace: 1,
    });
    expect(countsFromOpMap(undefined)).toEqual({});
  });
});

describe("stack outputs", () => {
  const outputs: OutputMap = {
    instanceId: { value: GENERATION, secret: false },
    address: { value: `${GENERATION}.c9akciq32.eu-west-1.rds.amazonaws.com`, secret: false },
    port: { value: 5432, secret: false },
    stage: { value: "promoted", secret: false },
    snapshot: { value: "rds:production-2026-11-25-03-10", secret: false },
    cname: { value: "db.dev.example.com", secret: false },
    masterPassword: { value: "correct horse battery staple", secret: true },
  };

  it("keeps the program's outputs with their types", () => {
    expect(outputsFromMap(outputs)).toEqual({
      instanceId: GENERATION,
      address: `${GENERATION}.c9akciq32.eu-west-1.rds.amazonaws.com`,
      port: 5432,
      stage: "promoted",
      snapshot: "rds:production-2026-11-25-03-10",
      cname: "db.dev.example.com",
    });
  });

  it("never copies a secret value, even under a known key", () => {
    const mapped = outputsFromMap({ ...outputs, address: { value: "secret-host.internal", secret: true } });
    expect(mapped.address).toBeUndefined();
    expect(JSON.stringify(mapped)).not.toMatch(/secret-host|correct horse/);
  });

  it("leaves out values of the wrong type and stages it does not know", () => {
    expect(outputsFromMap({ port: { value: "5432", secret: false }, stage: { value: "retired", secret: false } })).toEqual({});
  });
});

describe("stack ls -> summaries", () => {
  it("parses dates and defaults missing counters", () => {
    const rows = (JSON.parse(STACK_LS_JSON) as Parameters<typeof stackSummaryFrom>[0][]).map(stackSummaryFrom);
    expect(rows).toEqual([
      { name: GENERATION, lastUpdate: new Date("2026-11-26T09:00:41.000Z"), updateInProgress: false, resourceCount: 4 },
      { name: "development-20261126-1230", updateInProgress: false, resourceCount: 0 },
    ]);
  });

  it("keeps only the stacks listed by their bare name: another organization's (or project's) are never ours", () => {
    const listed = [
      { name: GENERATION, current: false, updateInProgress: false },
      { name: `acme/${GENERATION}`, current: false, updateInProgress: true },
      { name: "acme/billing/production", current: false, updateInProgress: false },
    ];
    expect(ownStacks(listed).map((s) => s.name)).toEqual([GENERATION]);
  });
});
