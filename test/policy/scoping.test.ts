/**
 * Issue 18, item 7: the policies cannot widen themselves. A driver (or the source role) that tags a resource
 * `echo:managed=<echo>` would pass every `aws:ResourceTag` condition afterwards, so tagging must be limited to what is
 * already the echo's or what it is creating, under the names rds-echo actually makes; and no pattern may match
 * another echo's names (`development-eu-…` for `development`) or a manual snapshot that merely contains `<echo>-`.
 */
import { describe, expect, it } from "vitest";
import type { PolicyStatement } from "../../src/approval/policy.js";
import { clusterDefinition } from "../helpers/clusters.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";
import { ACCOUNT, iamMatches, isAllowed, list, policyFile, rendered } from "./iam.js";

const rds = (type: string, name: string) => `arn:aws:rds:eu-west-1:${ACCOUNT}:${type}:${name}`;
const gen = "development-20261125-1230";
const other = "development-eu-20261125-1230";

/** Names rds-echo makes for the echo `development`: generations, cluster members, adopted, made and final snapshots. */
const OWN = {
  instances: [rds("db", gen), rds("db", "development-2026-11-25")],
  members: [rds("db", `${gen}-1`), rds("db", `${gen}-15`)],
  cluster: rds("cluster", gen),
  snapshots: [rds("snapshot", `${gen}-source`), rds("snapshot", `${gen}-copy`), rds("snapshot", `${gen}-final`)],
  clusterFinal: rds("cluster-snapshot", `${gen}-final`),
};
/** Another echo sharing the prefix, and manual resources whose names merely contain `development-`. */
const FOREIGN = [
  rds("db", other),
  rds("db", `${other}-1`),
  rds("db", "development-legacy"),
  rds("db", "development-eu-2026-11-25"),
  rds("cluster", other),
  rds("snapshot", `${other}-source`),
  rds("snapshot", `${other}-copy`),
  rds("snapshot", `${other}-final`),
  rds("snapshot", "manual-development-20261125-1230-final"),
  rds("snapshot", "development-before-upgrade"),
  rds("cluster-snapshot", `${other}-final`),
];
/** Actions that change, tag, share or delete something that exists. */
const CHANGES = [
  "rds:AddTagsToResource",
  "rds:RemoveTagsFromResource",
  "rds:ModifyDBInstance",
  "rds:RebootDBInstance",
  "rds:DeleteDBInstance",
  "rds:ModifyDBCluster",
  "rds:DeleteDBCluster",
  "rds:DeleteDBSnapshot",
  "rds:ModifyDBSnapshotAttribute",
];

const instanceEcho = () => {
  const data = developmentData();
  data.source = { instance: "production-db", from: "new-snapshot", copy: { kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/copy` } };
  data.retire = { finalSnapshotName: "{generation}-final", keepFinalSnapshots: 2 };
  return definitionFrom(data);
};
const clusterEcho = () => clusterDefinition(() => {}, "development");

describe("IAM wildcard semantics the patterns rely on", () => {
  it("`?` is exactly one character and `*` any run, so the generation pattern fits this echo's names only", () => {
    expect(iamMatches("development-????????-????", gen)).toBe(true);
    expect(iamMatches("development-????????-????", other)).toBe(false);
    expect(iamMatches("development-*", other)).toBe(true); // what the old `<echo>-*` patterns allowed
    expect(iamMatches("*development-*", "manual-development-x")).toBe(true);
    expect(iamMatches("a?c", "ac")).toBe(false);
  });
});

describe("the filled-in policies of the echo `development`", () => {
  const cases: [string, PolicyStatement[]][] = [
    ["driver (instance echo)", rendered("driver", instanceEcho())],
    ["driver (cluster echo)", rendered("driver", clusterEcho())],
    ["signer", rendered("signer", instanceEcho())],
  ];

  it.each(cases)("%s: no change is allowed on another echo's or a manual resource, whatever its tags", (_, statements) => {
    const tags: Record<string, string>[] = [{}, { "echo:managed": "development" }, { "echo:managed": "development-eu" }];
    for (const action of CHANGES) {
      for (const arn of FOREIGN) {
        for (const resourceTags of tags) {
          const request = { action, arn, resourceTags, requestTags: { "echo:managed": "development", "echo:approval:x": "y" } };
          expect(isAllowed(statements, request), `${action} ${arn} ${JSON.stringify(resourceTags)}`).toBe(false);
        }
      }
    }
  });

  it("driver: tags only what is already the echo's, or what it is creating as the echo's; never another echo's", () => {
    for (const statements of [rendered("driver", instanceEcho()), rendered("driver", clusterEcho())]) {
      const own = [...OWN.instances.slice(0, 1), ...OWN.members, OWN.cluster, ...OWN.snapshots, OWN.clusterFinal];
      for (const arn of own) {
        const tag = (requestTags: Record<string, string>, resourceTags?: Record<string, string>) =>
          isAllowed(statements, { action: "rds:AddTagsToResource", arn, requestTags, ...(resourceTags ? { resourceTags } : {}) });
        // A stage change on its own resource; the tags of a restore, a copy or a final snapshot being made.
        expect(tag({ "echo:stage": "modified" }, { "echo:managed": "development" }), arn).toBe(true);
        expect(tag({ "echo:managed": "development", "echo:generation": gen }), arn).toBe(true);
        // Taking over: an existing resource under its name that is not the echo's, with or without another echo's tag.
        expect(tag({ "echo:managed": "development" }, { "echo:managed": "development-eu" }), arn).toBe(false);
        expect(tag({ "echo:stage": "modified" }), arn).toBe(false);
        expect(tag({ "echo:stage": "modified" }, { "echo:managed": "development-eu" }), arn).toBe(false);
      }
    }
  });

  it("driver: adopts (tags) the original rds-echo's instances only when it tagged them for this echo", () => {
    const statements = rendered("driver", instanceEcho());
    const adopt = (resourceTags: Record<string, string>) =>
      isAllowed(statements, { action: "rds:AddTagsToResource", arn: OWN.instances[1]!, requestTags: { "echo:managed": "development" }, resourceTags });
    expect(adopt({ "rdsecho:development:managed": "true" })).toBe(true);
    expect(adopt({ "rdsecho:development-eu:managed": "true" })).toBe(false);
    expect(adopt({ team: "data" })).toBe(false);
  });

  it("driver: changes and deletes every name it makes, with the echo's tag only", () => {
    const instance = rendered("driver", instanceEcho());
    const cluster = rendered("driver", clusterEcho());
    const mine = { "echo:managed": "development" };
    const can = (statements: PolicyStatement[], action: string, arn: string, resourceTags: Record<string, string> = mine) => isAllowed(statements, { action, arn, resourceTags });
    for (const arn of OWN.instances) {
      for (const action of ["rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DeleteDBInstance", "rds:RemoveTagsFromResource"]) {
        expect(can(instance, action, arn), `${action} ${arn}`).toBe(true);
        expect(can(instance, action, arn, {}), `${action} ${arn} untagged`).toBe(false);
      }
    }
    for (const arn of OWN.members) for (const action of ["rds:ModifyDBInstance", "rds:DeleteDBInstance"]) expect(can(cluster, action, arn), `${action} ${arn}`).toBe(true);
    for (const arn of OWN.snapshots) expect(can(instance, "rds:DeleteDBSnapshot", arn), arn).toBe(true);
    expect(can(cluster, "rds:DeleteDBCluster", OWN.cluster)).toBe(true);
    // DeleteDBCluster also needs the final cluster snapshot's ARN (issue 18, item 8).
    expect(can(cluster, "rds:DeleteDBCluster", OWN.clusterFinal, {})).toBe(true);
  });
});

describe("the source account's role (policy/source-role-policy.json)", () => {
  const data = developmentData();
  data.source = { instance: "production-db", from: "new-snapshot", copy: { kmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/copy` }, assumeRole: { roleArn: "arn:aws:iam::210987654321:role/rds-echo-source" } };
  const statements = rendered("source", definitionFrom(data));
  const snapshot = (name: string) => `arn:aws:rds:eu-west-1:210987654321:snapshot:${name}`;

  it("shares and deletes only the snapshot it took for a generation, tagged for the echo", () => {
    const mine = { "echo:managed": "development" };
    for (const action of ["rds:ModifyDBSnapshotAttribute", "rds:DeleteDBSnapshot"]) {
      expect(isAllowed(statements, { action, arn: snapshot(`${gen}-source`), resourceTags: mine })).toBe(true);
      for (const name of [`${other}-source`, `${gen}-copy`, "development-nightly", "production-db-2026"]) {
        expect(isAllowed(statements, { action, arn: snapshot(name), resourceTags: mine }), `${action} ${name}`).toBe(false);
      }
      expect(isAllowed(statements, { action, arn: snapshot(`${gen}-source`), resourceTags: {} })).toBe(false);
    }
  });

  it("tags a snapshot only while making it for the echo (never one that exists and is not the echo's)", () => {
    const arn = snapshot(`${gen}-source`);
    expect(isAllowed(statements, { action: "rds:AddTagsToResource", arn, requestTags: { "echo:managed": "development" } })).toBe(true);
    expect(isAllowed(statements, { action: "rds:AddTagsToResource", arn, requestTags: { "echo:managed": "development" }, resourceTags: { "echo:managed": "other" } })).toBe(false);
    expect(isAllowed(statements, { action: "rds:AddTagsToResource", arn: snapshot("development-nightly"), requestTags: { "echo:managed": "development" } })).toBe(false);
  });
});

describe("every statement that allows AddTagsToResource carries a condition pinning the echo (all three files)", () => {
  it.each(["driver", "source", "signer"] as const)("%s", (role) => {
    for (const s of policyFile(role).Statement.filter((x) => list(x.Action).includes("rds:AddTagsToResource"))) {
      const eq = s.Condition?.["StringEquals"] ?? {};
      const own = eq["aws:ResourceTag/echo:managed"] === "${Echo}";
      const creating = eq["aws:RequestTag/echo:managed"] === "${Echo}" && (s.Condition?.["Null"]?.["aws:ResourceTag/echo:managed"] === "true" || eq["aws:ResourceTag/rdsecho:${Echo}:managed"] === "true");
      expect(own || creating, s.Sid).toBe(true);
      for (const r of list(s.Resource)) expect(r, s.Sid).not.toMatch(/:(db|cluster|snapshot|cluster-snapshot):[^:]*\*/);
    }
  });
});
