import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadDefinition, parseDefinition } from "../../src/definition/load.js";
import { DefinitionError, UsageError } from "../../src/errors.js";
import { REPO_ROOT, definitionFrom, developmentData, instanceEcho } from "../helpers/definitions.js";

/** The DefinitionError thrown for some definition data. */
function problems(data: unknown, echo = "development"): DefinitionError {
  try {
    definitionFrom(data, echo);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return error as DefinitionError;
  }
  throw new Error("expected the definition to be rejected");
}

describe("echo definitions", () => {
  it("loads the shipped example with defaults applied", async () => {
    const d = instanceEcho(await loadDefinition(REPO_ROOT, "development"));
    expect(d.echo).toBe("development");
    expect(d.region).toBe("eu-west-1");
    expect(d.source).toEqual({ instance: "production-db", snapshotTypes: ["automated", "manual"] });
    expect(d.instance.class).toBe("db.t3.medium");
    expect(d.modify.masterPassword).toEqual({ secret: "masterPassword" });
    expect(d.promote).toMatchObject({ cname: "development.db.example.com", zoneName: "db.example.com", ttl: 60 });
    expect(d.retire).toEqual({ skipFinalSnapshot: false, finalSnapshotName: "{generation}-final", keep: 1, archiveAfter: "3d" });
    expect(d.guard.minAgeHours).toBe(20);
    expect(d.timeouts).toEqual({ create: "48h", update: "8h", delete: "4h" });
  });

  it("applies the documented defaults to a minimal definition", () => {
    const d = instanceEcho(definitionFrom({ region: "us-east-1", source: { instance: "prod" }, instance: { class: "db.t3.micro" } }));
    expect(d.source.snapshotTypes).toEqual(["automated", "manual"]);
    expect(d.instance).toMatchObject({ multiAz: false, publiclyAccessible: false, copyTagsToSnapshot: true, tags: {} });
    expect(d.modify).toEqual({});
    expect(d.promote).toBeUndefined();
    expect(d.guard.minAgeHours).toBe(20);
    expect(d.timeouts.create).toBe("48h");
  });

  it("rejects an unknown key, naming file, key path and line", () => {
    const data = developmentData();
    data.modify.parameterGrup = "typo";
    const error = problems(data);
    expect(error.file).toBe("stacks/development.yaml");
    expect(error.issues).toEqual([{ path: expect.stringMatching(/^modify\.parameterGrup \(line \d+\)$/), key: "modify.parameterGrup", line: expect.any(Number), message: expect.stringContaining("unknown key") }]);
    expect(error.message).toContain("stacks/development.yaml");
    expect(error.message).toContain("modify.parameterGrup");
  });

  it("rejects an unknown top-level key", () => {
    const error = problems({ ...developmentData(), retention: 3 });
    expect(error.issues.map((i) => i.path)).toEqual([expect.stringMatching(/^retention/)]);
  });

  it("rejects a wrong type with the expected type", () => {
    const data = developmentData();
    data.instance.port = "5432";
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^instance\.port/);
    expect(issue?.message).toBe("expected number, received string");
  });

  it("says a required key is missing", () => {
    const data = developmentData();
    delete data.source.instance;
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^source\.instance/);
    expect(issue?.message).toMatch(/^is required/);
  });

  it.each([
    ["Production", "must start with a lower-case letter"],
    ["1prod", "must start with a lower-case letter"],
    ["prod--db", "two consecutive hyphens"],
    ["prod-", "must not end with a hyphen"],
    ["prod_db", "only lower-case letters, digits and hyphens"],
  ])("rejects the source identifier %s", (instance, expected) => {
    const data = developmentData();
    data.source.instance = instance;
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^source\.instance/);
    expect(issue?.message).toContain(expected);
  });

  it("rejects an echo name whose generations would not fit in 63 characters", () => {
    const echo = "e".repeat(50);
    expect(() => definitionFrom(developmentData(), echo)).toThrow(UsageError);
    expect(() => definitionFrom(developmentData(), echo)).toThrow(/at most 49/);
    expect(() => definitionFrom(developmentData(), "e".repeat(49))).not.toThrow();
  });

  it("rejects a literal master password and says how to reference a secret", () => {
    const data = developmentData();
    data.modify.masterPassword = "hunter2";
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^modify\.masterPassword/);
    expect(issue?.message).toContain("never a literal password");
    expect(issue?.message).toContain("{ secret: masterPassword }");
    expect(JSON.stringify(problems(data))).not.toContain("hunter2");
    expect(problems(data).message).not.toContain("hunter2");
  });

  it("refuses a secret named like one of rds-echo's own stack settings", () => {
    const data = developmentData();
    data.modify.masterPassword = { secret: "stage" };
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^modify\.masterPassword\.secret/);
    expect(issue?.message).toContain("must not be one of rds-echo's own stack settings");
  });

  it("checks the approval settings: tag-safe approvers, required within their number, links of at most 7 days", () => {
    const data = developmentData();
    data.promote.approval = { approvers: ["Alice@Example.com"], required: 2, expires: "8d" };
    const issues = problems(data).issues.map((i) => `${i.path.replace(/ \(line \d+\)$/, "")}: ${i.message}`);
    // In file order (approvers, required, expires), as a person reads and fixes them.
    expect(issues).toEqual([
      expect.stringMatching(/^promote\.approval\.approvers\[0\]: must be a lower-case e-mail address/),
      "promote.approval.required: is 2, more than the 1 approver(s) listed",
      expect.stringMatching(/^promote\.approval\.expires: must be at most 7d/),
    ]);
    data.promote.approval = { approvers: ["alice@example.com"], email: { from: "rds-echo@example.com" } };
    expect(definitionFrom(data).promote?.approval).toEqual({ approvers: ["alice@example.com"], required: 1, expires: "3d", email: { from: "rds-echo@example.com" } });
  });

  it("requires a CNAME when promote is configured", () => {
    const data = developmentData();
    delete data.promote.cname;
    const [issue] = problems(data).issues;
    expect(issue?.path).toMatch(/^promote\.cname/);
    expect(issue?.message).toContain("is required when promote is configured");
  });

  it("rejects a CNAME outside its zone, and both zoneId and zoneName", () => {
    const data = developmentData();
    data.promote.cname = "db.other.org";
    data.promote.zoneId = "Z0123456789ABCDEFGHIJ";
    const messages = problems(data).issues.map((i) => i.message);
    expect(messages).toContain("give zoneId or zoneName, not both");
    expect(messages).toContain('the cname "db.other.org" is not inside the zone "db.example.com"');
  });

  it("rejects a final snapshot name pattern that expands to a bad identifier, and one combined with skipFinalSnapshot", () => {
    const data = developmentData();
    data.retire.finalSnapshotName = "{generation}_final";
    expect(problems(data).issues[0]?.message).toContain("expands to an invalid snapshot identifier");
    data.retire = { finalSnapshotName: "{echo}-final" };
    expect(problems(data).issues[0]?.message).toContain("must contain {generation}");
    data.retire = { skipFinalSnapshot: true, finalSnapshotName: "{generation}-final" };
    expect(problems(data).issues[0]?.path).toMatch(/^retire\.finalSnapshotName/);
  });

  it("accepts retire.keepFinalSnapshots, and refuses it where rds-echo could not recognise or would not make final snapshots", () => {
    const data = developmentData();
    data.retire.keepFinalSnapshots = 3;
    expect(definitionFrom(data).retire.keepFinalSnapshots).toBe(3);
    data.retire.keepFinalSnapshots = 0;
    expect(problems(data).issues[0]).toMatchObject({ path: expect.stringMatching(/^retire\.keepFinalSnapshots/), message: expect.stringContaining("skipFinalSnapshot: true") });
    data.retire = { skipFinalSnapshot: true, keepFinalSnapshots: 2 };
    expect(problems(data).issues[0]).toMatchObject({ path: expect.stringMatching(/^retire\.keepFinalSnapshots/), message: expect.stringContaining("makes no sense with skipFinalSnapshot") });
    data.retire = { keepFinalSnapshots: 2 };
    data.instance.copyTagsToSnapshot = false;
    expect(problems(data).issues[0]).toMatchObject({ path: expect.stringMatching(/^retire\.keepFinalSnapshots/), message: expect.stringContaining("needs instance.copyTagsToSnapshot: true") });
  });

  it("accepts retire.archiveAfter as a duration of at least an hour, or never, and refuses anything else at its path", () => {
    const data = developmentData();
    for (const ok of ["36h", "7d", "1h", "never"]) {
      data.retire.archiveAfter = ok;
      expect(definitionFrom(data).retire.archiveAfter).toBe(ok);
    }
    for (const [bad, message] of [["30m", "at least 1h"], ["soon", "a duration such as"], ["0d", "a duration such as"]] as const) {
      data.retire.archiveAfter = bad;
      expect(problems(data).issues[0]).toMatchObject({ path: expect.stringMatching(/^retire\.archiveAfter/), message: expect.stringContaining(message) });
    }
  });

  it("rejects reserved tag prefixes, bad durations and monitoring without a role", () => {
    const data = developmentData();
    data.instance.tags["echo:stage"] = "x";
    data.timeouts.create = "two days";
    data.modify.monitoring = { interval: 60 };
    const issues = problems(data).issues;
    expect(issues.map((i) => i.path.replace(/ \(line \d+\)$/, ""))).toEqual(
      expect.arrayContaining(["instance.tags.echo:stage", "timeouts.create", "modify.monitoring.roleArn"]),
    );
  });

  it("refuses what RDS or Route 53 would refuse: multiAz with an AZ, a CNAME at the zone apex, bad tags, too many tags", () => {
    const multiAz = developmentData();
    multiAz.instance.multiAz = true;
    expect(problems(multiAz).issues.map((i) => [i.path.replace(/ \(line \d+\)$/, ""), i.message])).toEqual([
      ["instance.availabilityZone", expect.stringContaining("cannot be set with multiAz: true")],
    ]);
    const data = developmentData();
    data.promote.cname = "db.example.com";
    data.instance.tags = { "aws:owner": "x", "rds:x": "y", team: "rds:platform", "bad#key": "v", note: "a%b" };
    const issues = problems(data).issues;
    const at = (path: string) => issues.filter((i) => i.path.replace(/ \(line \d+\)$/, "") === path).map((i) => i.message);
    expect(at("promote.cname")).toEqual([expect.stringContaining("apex of the zone")]);
    expect(at("instance.tags.aws:owner")[0]).toContain('starts with "aws:"');
    expect(at("instance.tags.rds:x")[0]).toContain('starts with "rds:"');
    expect(at("instance.tags.team")[0]).toContain('tag value "rds:platform" starts with "rds:"');
    expect(at("instance.tags.bad#key")[0]).toContain("character RDS refuses");
    expect(at("instance.tags.note")[0]).toContain("character RDS refuses");

    const crowded = developmentData();
    // 35 + promote.tags' 1 + rds-echo's 5 + the scrub mark + seen (the request is in the stack) + 4 approvers' approve and cancel keys.
    crowded.instance.tags = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`t${i}`, "x"]));
    crowded.promote.approval = { approvers: ["a@example.com", "b@example.com", "c@example.com", "d@example.com"] };
    expect(problems(crowded).issues.map((i) => i.message).join("\n")).toMatch(/carry 51 tags, more than RDS's 50 per resource: 36 of yours .* 9 for an approval request by 4 approver\(s\) \(each may approve and cancel\)/);
    crowded.promote.approval.approvers.pop();
    expect(() => definitionFrom(crowded)).not.toThrow();
  });

  it("accepts AWS's default parameter and option groups", () => {
    const data = developmentData();
    data.modify.parameterGroup = "default.postgres16";
    data.instance.optionGroup = "default:mysql-8-0";
    expect(definitionFrom(data)).toMatchObject({ modify: { parameterGroup: "default.postgres16" }, instance: { optionGroup: "default:mysql-8-0" } });
    data.modify.parameterGroup = "default.Bad_Name";
    expect(problems(data).issues[0]?.path).toMatch(/^modify\.parameterGroup/);
  });

  it("accepts awsbackup snapshots as a source type, and an explicit awsbackup: id", () => {
    const data = developmentData();
    data.source.snapshotTypes = ["automated", "awsbackup"];
    data.source.snapshot = "awsbackup:job-0123abcd-4567";
    expect(definitionFrom(data).source).toMatchObject({ snapshotTypes: ["automated", "awsbackup"], snapshot: "awsbackup:job-0123abcd-4567" });
  });

  it("reports every problem at once", () => {
    const data = developmentData();
    data.region = "Europe";
    data.instance.class = "t3.medium";
    data.modify.vpcSecurityGroupIds = ["default"];
    expect(problems(data).issues.map((i) => i.path.replace(/ \(line \d+\)$/, ""))).toEqual([
      "region",
      "instance.class",
      "modify.vpcSecurityGroupIds[0]",
    ]);
  });

  it("reports YAML syntax errors and empty files with the file name", () => {
    expect(() => parseDefinition("region: [eu-west-1\n", "stacks/x.yaml", "x")).toThrow(/stacks\/x\.yaml: .*line \d+: Flow sequence/s);
    expect(() => parseDefinition("", "stacks/x.yaml", "x")).toThrow(/the file is empty/);
    expect(() => parseDefinition("region: a\nregion: b\n", "stacks/x.yaml", "x")).toThrow(DefinitionError);
  });

  it("says how to create a missing definition", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "rds-echo-"));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    // No stacks/ at all: the wrong directory, said as such (with the absolute path), not "create a definition".
    await expect(loadDefinition(root, "staging")).rejects.toThrow(`no stacks/ directory under ${root}`);
    await mkdir(path.join(root, "stacks"));
    await expect(loadDefinition(root, "staging")).rejects.toThrow(/rds-echo config staging/);
    await writeFile(path.join(root, "stacks/staging.yaml"), "region: eu-west-1\n");
    await expect(loadDefinition(root, "staging")).rejects.toBeInstanceOf(DefinitionError);
  });
});
