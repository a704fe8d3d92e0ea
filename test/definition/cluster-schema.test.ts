import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/errors.js";
import { isClusterEcho } from "../../src/definition/schema.js";
import { analyticsData, clusterDefinition } from "../helpers/clusters.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

function problems(data: unknown, echo = "analytics"): string[] {
  try {
    definitionFrom(data, echo);
  } catch (error) {
    if (error instanceof DefinitionError) return error.issues.map((i) => `${i.key ?? i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("cluster echo definitions", () => {
  it("loads the shipped example as a cluster echo with defaults applied", () => {
    const d = clusterDefinition();
    expect(isClusterEcho(d)).toBe(true);
    expect(d.source).toEqual({ cluster: "production-aurora", from: "clone", snapshotTypes: ["automated", "manual"] });
    expect(d.cluster).toMatchObject({ instances: 2, class: "db.r6g.large", publiclyAccessible: false, copyTagsToSnapshot: true });
    expect(d.modify.clusterParameterGroup).toBe("analytics-aurora-pg16");
    expect(d.promote?.readerCname).toBe("analytics-ro.db.example.com");
  });

  it("defaults from to latest-snapshot and instances to 1", () => {
    const d = clusterDefinition((x) => {
      x.source = { cluster: "prod" };
      x.cluster = { class: "db.r6g.large" };
      delete x.promote.readerCname;
    });
    expect(d.source.from).toBe("latest-snapshot");
    expect(d.cluster.instances).toBe(1);
  });

  it("says what is wrong: unknown from, instance keys in a cluster echo, a snapshot with a clone, Aurora's backup minimum, a reader name without readers", () => {
    const data = analyticsData();
    data.source.from = "point-in-time";
    data.cluster.multiAz = true;
    expect(problems(data)).toEqual([
      'source.from: must be one of "latest-snapshot", "clone"',
      "cluster.multiAz: unknown key (check the spelling; `rds-echo config <echo>` writes every key with comments)",
    ]);
    // Cross-field rules, once every key is valid.
    const rules = analyticsData();
    rules.modify.backupRetentionPeriod = 0;
    rules.cluster.instances = 1;
    expect(problems(rules)).toEqual([
      "modify.backupRetentionPeriod: must be at least 1 for an Aurora cluster (Aurora always keeps backups)",
      expect.stringMatching(/^promote.readerCname: needs cluster.instances of 2 or more/),
    ]);
    const clone = analyticsData();
    clone.source.snapshot = "before-upgrade";
    expect(problems(clone)).toEqual([expect.stringMatching(/^source.snapshot: makes no sense with from: clone/)]);
  });

  it("refuses readerCname on an instance echo, and an echo name too long for its instances' identifiers", () => {
    expect(problems({ region: "eu-west-1", source: { instance: "prod" }, instance: { class: "db.t3.micro" }, promote: { cname: "a.example.com", readerCname: "b.example.com" } }, "development")).toEqual([
      expect.stringMatching(/^promote.readerCname: is for echoes of an Aurora cluster/),
    ]);
    expect(problems(analyticsData(), "a".repeat(48))).toEqual([expect.stringMatching(/a cluster echo's instances are named "<echo>-<yyyymmdd>-<hhmm>-<n>", so its name may have at most 46/)]);
  });

  it("one source.from per kind of echo: each kind's values only, and the instance sources' keys never on a cluster", () => {
    for (const from of ["new-snapshot", "point-in-time"]) {
      const data = analyticsData();
      data.source.from = from;
      expect(problems(data)).toEqual(['source.from: must be one of "latest-snapshot", "clone"']);
    }
    const instance = developmentData();
    instance.source.from = "clone";
    expect(problems(instance, "development")).toEqual(['source.from: must be one of "latest-snapshot", "new-snapshot", "point-in-time"']);
    const copied = analyticsData();
    copied.source.copy = { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc" };
    copied.source.keep = 1;
    expect(problems(copied)).toEqual([
      "source.copy: unknown key (check the spelling; `rds-echo config <echo>` writes every key with comments)",
      "source.keep: unknown key (check the spelling; `rds-echo config <echo>` writes every key with comments)",
    ]);
  });

  it("refuses retire.keepFinalSnapshots on a cluster echo (its final snapshots are cluster snapshots, never pruned)", () => {
    const data = analyticsData();
    data.retire = { ...data.retire, keepFinalSnapshots: 2 };
    expect(problems(data)).toEqual([expect.stringMatching(/^retire.keepFinalSnapshots: is not supported for an Aurora cluster echo yet/)]);
  });
});
