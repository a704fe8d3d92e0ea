import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/approval/policy.js";
import { placeholderValues, SIDS_DECIDED_BY_NAME, unusedStatements } from "../../src/iam/placeholders.js";
import { placeholdersOf, renderPolicy } from "../../src/iam/render.js";
import { POLICY_FILES, POLICY_ROLES } from "../../src/iam/roles.js";
import { clusterDefinition } from "../helpers/clusters.js";
import { REPO_ROOT, definitionFrom, developmentData, developmentDefinition } from "../helpers/definitions.js";

const file = (role: keyof typeof POLICY_FILES) => JSON.parse(readFileSync(path.join(REPO_ROOT, "policy", POLICY_FILES[role]), "utf8")) as PolicyDocument;
const example = (name: string) => definitionFrom(parse(readFileSync(path.join(REPO_ROOT, "stacks/examples", `${name}.yaml`), "utf8")), name);
const facts = { account: "123456789012", zoneId: "Z0123456789ABCDEFGHIJ", kmsKeys: ["arn:aws:kms:eu-west-1:123456789012:key/source-key"] };

describe("renderPolicy", () => {
  const doc: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "A", Effect: "Allow", Action: "x:Do", Resource: ["arn:${Region}:${Echo}", "arn:${Region}:${Optional}"], Condition: { StringEquals: { "k/${Echo}": "${Echo}" } } },
      { Sid: "B", Effect: "Allow", Action: "x:Do", Resource: "${Optional}" },
      { Sid: "C", Effect: "Allow", Action: "x:Do", Resource: "*", Condition: { StringEquals: { k: ["${Optional}"] } } },
      { Sid: "D", Effect: "Allow", Action: "x:Do", Resource: "arn:${Many}" },
    ],
  };
  const values = { Region: ["eu-west-1"], Echo: ["dev"], Optional: [], Many: ["a", "b"] };

  it("fills placeholders (keys too), leaves out entries of unused ones, and drops what would be left empty", () => {
    const { document, dropped } = renderPolicy(doc, values);
    expect(document.Statement).toEqual([
      { Sid: "A", Effect: "Allow", Action: "x:Do", Resource: ["arn:eu-west-1:dev"], Condition: { StringEquals: { "k/dev": "dev" } } },
      { Sid: "D", Effect: "Allow", Action: "x:Do", Resource: ["arn:a", "arn:b"] },
    ]);
    // A condition emptied by an unused placeholder drops its statement: dropping the condition alone would widen it.
    expect(dropped).toEqual([
      { sid: "B", reason: "no value for ${Optional}" },
      { sid: "C", reason: "no value for ${Optional} (condition StringEquals k)" },
    ]);
  });

  it("leaves out the statements it is told to, and refuses a placeholder it has no value source for", () => {
    expect(renderPolicy(doc, values, { A: "not used" }).dropped[0]).toEqual({ sid: "A", reason: "not used" });
    expect(() => renderPolicy(doc, { Region: ["r"] })).toThrow("no value source for placeholder(s) ${Echo}, ${Optional}, ${Many}");
  });
});

describe("the placeholders of policy/*.json, for one echo", () => {
  it("has a value source for every placeholder of every policy file, and every Sid it decides on by name exists", () => {
    const known = Object.keys(placeholderValues(developmentDefinition(), facts));
    for (const role of POLICY_ROLES) for (const name of placeholdersOf(file(role))) expect(known, `${role}: \${${name}}`).toContain(name);
    const sids = POLICY_ROLES.flatMap((role) => file(role).Statement.map((s) => s.Sid));
    for (const sid of SIDS_DECIDED_BY_NAME) expect(sids, sid).toContain(sid);
  });

  it("fills the driver's policy of the example echo from its definition: no placeholder left, the unused features left out", () => {
    const d = developmentDefinition();
    const { document, dropped } = renderPolicy(file("driver"), placeholderValues(d, facts), unusedStatements(d));
    const text = JSON.stringify(document);
    expect(text).not.toContain("${");
    expect(text).toContain("arn:aws:rds:eu-west-1:123456789012:db:development-????????-????");
    // The final snapshots: the definition's finalSnapshotName with {generation} as the generation pattern.
    expect(text).toContain("arn:aws:rds:eu-west-1:123456789012:snapshot:development-????????-????-final");
    expect(text).toContain('"route53:ChangeResourceRecordSetsNormalizedRecordNames":["development.db.example.com"]');
    expect(text).toContain("arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
    const left = Object.fromEntries(dropped.map((x) => [x.sid, x.reason]));
    // No notifications, no approval e-mail, no monitoring role, no source role in this definition; an instance echo.
    expect(left).toMatchObject({
      PublishNotificationsToTheConfiguredTopic: "no value for ${NotifyTopicArn}",
      MailApprovalLinksFromTheVerifiedIdentity: expect.stringContaining("${ApprovalFrom}"),
      PassOnlyTheMonitoringRoleToRds: "no value for ${MonitoringRoleArn}",
      ActInTheSourceAccountOnlyAsItsRole: "no value for ${SourceRoleArn}",
      ChangeOnlyThisEchosClusters: "an instance echo (no cluster:)",
    });
    expect(left).not.toHaveProperty("ChangeOnlyThisEchosInstances");
  });

  it("takes a custom final snapshot name, the reader CNAME and the cluster statements of a cluster echo", () => {
    const d = clusterDefinition((data) => {
      data["retire"] = { finalSnapshotName: "final-{echo}-{generation}" };
      data["promote"] = { cname: "w.db.example.com", readerCname: "r.db.example.com", zoneId: "Z1" };
    });
    const { document, dropped } = renderPolicy(file("driver"), placeholderValues(d, facts), unusedStatements(d));
    const text = JSON.stringify(document);
    expect(text).toContain(`cluster-snapshot:final-${d.echo}-${d.echo}-????????-????"`);
    expect(text).toContain('["w.db.example.com","r.db.example.com"]');
    expect(text).toContain(`cluster:${d.echo}-????????-????"`);
    expect(dropped.map((x) => x.sid)).toContain("RestoreOnlyAsThisEchosTaggedInstance");
    expect(dropped.map((x) => x.sid)).not.toContain("ChangeOnlyThisEchosClusters");
  });

  it("names the source account's role and account for the source role policy (cross-account example)", () => {
    const d = example("cross-account");
    const { document } = renderPolicy(file("source"), placeholderValues(d, facts));
    const text = JSON.stringify(document);
    expect(text).not.toContain("${");
    const account = (d as { source: { assumeRole: { roleArn: string } } }).source.assumeRole.roleArn.split(":")[4];
    expect(text).toContain(`:${account}:snapshot:cross-account-????????-????-source`);
    // The driver's copy of that source's snapshot: the --kms-key is the source's key, copy.kmsKeyId the copy's.
    const driver = JSON.stringify(renderPolicy(file("driver"), placeholderValues(d, facts), unusedStatements(d)).document);
    expect(driver).toContain(facts.kmsKeys[0]);
  });

  it("leaves the KMS statement out without a customer key, rather than allowing any key", () => {
    const data = developmentData();
    const { document, dropped } = renderPolicy(file("driver"), placeholderValues(definitionFrom(data), { ...facts, kmsKeys: [] }));
    expect(JSON.stringify(document)).not.toContain("kms:");
    expect(dropped.map((x) => x.sid)).toContain("UseTheCustomerKeyThroughRdsOnly");
  });
});
