import { describe, expect, it } from "vitest";
import { beyondAdoption } from "../../src/lifecycle/adopt.js";

const db = (keys: string[]) => ({ op: "update" as const, type: "aws:rds/instance:Instance", name: "db", keys });

describe("an adoption's first update (after pulumi import)", () => {
  it("may set what exists only in Pulumi's state, and the tags with the provider's computed copy of them", () => {
    // What the real provider's post-import preview listed: the state-only inputs an import leaves unset, and tagsAll.
    expect(beyondAdoption([db(["applyImmediately", "finalSnapshotIdentifier", "skipFinalSnapshot", "tags", "tagsAll", "deleteAutomatedBackups"])])).toEqual([]);
  });

  it("accepts applyImmediately as the plan names it after an import (unset -> the default), not turned on", () => {
    const named = { ...db(["applyImmediately", "skipFinalSnapshot", "tags", "tagsAll"]), diffs: [{ key: "skipFinalSnapshot", old: "true", new: "false" }] };
    expect(beyondAdoption([named])).toEqual([]);
    // true would make the provider's Update send a ModifyDBInstance with nothing in it.
    expect(beyondAdoption([{ ...named, diffs: [{ key: "applyImmediately", new: "true" }] }])).toHaveLength(1);
    expect(beyondAdoption([{ ...named, diffs: [{ key: "applyImmediately", old: "true", new: "false" }] }])).toEqual([]);
  });

  it("may not modify the instance, nor replace or delete anything", () => {
    expect(beyondAdoption([db(["tags", "instanceClass"])])).toHaveLength(1);
    // Any input RDS holds is refused, state-only ones beside it or not.
    for (const key of ["deletionProtection", "parameterGroupName", "backupRetentionPeriod", "replicateSourceDb", "port", "storageType"]) {
      expect(beyondAdoption([db(["skipFinalSnapshot", "tags", key])]), key).toHaveLength(1);
    }
    expect(beyondAdoption([{ op: "create", type: "aws:rds/instance:Instance", name: "db" }])).toHaveLength(1);
    expect(beyondAdoption([{ op: "replace", type: "aws:rds/instance:Instance", name: "db", keys: ["tags"] }])).toHaveLength(1);
    expect(beyondAdoption([{ op: "delete", type: "aws:route53/record:Record", name: "cname" }])).toHaveLength(1);
  });
});
