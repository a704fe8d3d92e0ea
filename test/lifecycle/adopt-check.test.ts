import { describe, expect, it } from "vitest";
import { beyondAdoption } from "../../src/lifecycle/adopt.js";

const db = (keys: string[]) => ({ op: "update" as const, type: "aws:rds/instance:Instance", name: "db", keys });

describe("an adoption's first update (after pulumi import)", () => {
  it("may set what exists only in Pulumi's state, and the tags with the provider's computed copy of them", () => {
    // What the real provider's post-import preview listed: the state-only inputs an import leaves unset, and tagsAll.
    expect(beyondAdoption([db(["applyImmediately", "finalSnapshotIdentifier", "skipFinalSnapshot", "tags", "tagsAll", "deleteAutomatedBackups"])])).toEqual([]);
  });

  it("may not modify the instance, nor replace or delete anything", () => {
    expect(beyondAdoption([db(["tags", "instanceClass"])])).toHaveLength(1);
    expect(beyondAdoption([{ op: "replace", type: "aws:rds/instance:Instance", name: "db", keys: ["tags"] }])).toHaveLength(1);
    expect(beyondAdoption([{ op: "delete", type: "aws:route53/record:Record", name: "cname" }])).toHaveLength(1);
  });
});
