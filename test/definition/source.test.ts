import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/errors.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555";
const ROLE = "arn:aws:iam::222222222222:role/rds-echo-source";

/** The messages by key path for a source section (in the shipped example otherwise). */
function problems(source: Record<string, unknown>, region = "eu-west-1"): Record<string, string> {
  try {
    definitionFrom({ ...developmentData(), region, source: { instance: "production-db", ...source } });
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return Object.fromEntries((error as DefinitionError).issues.map((i) => [i.key ?? i.path, i.message]));
  }
  return {};
}

describe("source kinds in the definition", () => {
  it("accepts each kind, and leaves today's behaviour (latest-snapshot) as the default", () => {
    expect(definitionFrom({ ...developmentData(), source: { instance: "production-db" } }).source).toEqual({ instance: "production-db", snapshotTypes: ["automated", "manual"] });
    for (const source of [
      { from: "latest-snapshot" },
      { from: "new-snapshot", keep: 2 },
      { from: "point-in-time" },
      { from: "point-in-time", pointInTime: "latest" },
      { from: "point-in-time", pointInTime: "2026-11-25T03:00:00Z" },
      { from: "point-in-time", pointInTime: "2026-11-25T03:00:00.5Z" },
      { snapshot: "arn:aws:rds:eu-west-1:210987654321:snapshot:nightly", copy: { kmsKeyId: KEY } },
      { snapshotTypes: ["shared"], copy: { kmsKeyId: KEY }, keep: 1 },
      { copy: { kmsKeyId: KEY, region: "eu-central-1" } },
      { from: "new-snapshot", copy: { kmsKeyId: KEY }, assumeRole: { roleArn: ROLE, externalId: "rds-echo" } },
    ]) {
      expect(problems(source), JSON.stringify(source)).toEqual({});
    }
  });

  it("refuses what makes no sense, each at its key, with what to do", () => {
    expect(problems({ from: "fresh" })).toEqual({ "source.from": `must be one of "latest-snapshot", "new-snapshot", "point-in-time"` });
    expect(problems({ pointInTime: "latest" })).toEqual({ "source.pointInTime": "is only used with from: point-in-time" });
    expect(problems({ from: "point-in-time", pointInTime: "yesterday" })["source.pointInTime"]).toMatch(/"latest" or a UTC time/);
    expect(problems({ from: "point-in-time", pointInTime: "2026-11-25T03:00:00+01:00" })["source.pointInTime"]).toMatch(/UTC time/);
    expect(problems({ from: "point-in-time", snapshot: "before-upgrade", copy: { kmsKeyId: KEY } })).toEqual({
      "source.snapshot": expect.stringContaining("no snapshot is restored"),
      "source.copy": expect.stringContaining("only from an instance of this account and region"),
    });
    expect(problems({ from: "new-snapshot", snapshot: "before-upgrade" })["source.snapshot"]).toMatch(/takes its own snapshot/);
    expect(problems({ keep: 1 })["source.keep"]).toMatch(/this source makes none/);
    expect(problems({ copy: { kmsKeyId: KEY }, assumeRole: { roleArn: ROLE } })["source.assumeRole"]).toMatch(/needs from: new-snapshot and copy/);
    expect(problems({ from: "new-snapshot", assumeRole: { roleArn: ROLE } })["source.assumeRole"]).toMatch(/needs from: new-snapshot and copy/);
    expect(problems({ copy: { kmsKeyId: "alias/rds-echo" } })["source.copy.kmsKeyId"]).toMatch(/KMS key ARN/);
    expect(problems({ copy: { kmsKeyId: KEY, regio: "x" } })["source.copy.regio"]).toMatch(/unknown key/);
  });

  it("checks regions before any cloud call: the snapshot's, the key's", () => {
    const other = "arn:aws:rds:us-east-1:210987654321:snapshot:nightly";
    expect(problems({ snapshot: other })["source.snapshot"]).toMatch(/is in us-east-1, but RDS restores only a snapshot of the echo's region \(eu-west-1\); add copy/);
    expect(problems({ snapshot: other, copy: { kmsKeyId: KEY } })["source.snapshot"]).toMatch(/set copy.region: us-east-1/);
    expect(problems({ snapshot: other, copy: { kmsKeyId: KEY, region: "us-east-1" } })).toEqual({});
    expect(problems({ copy: { kmsKeyId: KEY } }, "eu-central-1")["source.copy.kmsKeyId"]).toMatch(/a key in eu-west-1; the copy is made in the echo's region \(eu-central-1\)/);
  });
});
