/**
 * policy/parliament-allowlist.json stays true without parliament installed: each entry names a statement of its file
 * that allows its actions, and a RESOURCE_MISMATCH entry a statement that really lacks a required resource type of
 * one of them. An entry whose statement was fixed, renamed or removed fails here, in `npm test`; parliament.sh (in
 * .ci/run) also fails on an entry that explains no finding parliament reports.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/definitions.js";
import { list, policyFile } from "./iam.js";
import { REQUIRED, resourceType } from "./required.js";
import { POLICY_FILES, type PolicyRole } from "../../src/iam/roles.js";

interface Entry {
  issue: string;
  file: string;
  sid?: string;
  actions: string[];
  why: string;
}
const { findings } = JSON.parse(readFileSync(path.join(REPO_ROOT, "policy/parliament-allowlist.json"), "utf8")) as { findings: Entry[] };
const roleOf = (file: string) => (Object.entries(POLICY_FILES).find(([, f]) => f === file)?.[0] ?? "") as PolicyRole;

describe("policy/parliament-allowlist.json", () => {
  it.each(findings.map((e) => [`${e.issue} ${e.file} ${e.sid ?? "(policy)"}`, e] as const))("%s is explained and still true", (_, entry) => {
    expect(Object.values(POLICY_FILES)).toContain(entry.file);
    expect(entry.why.length, "say why it is acceptable").toBeGreaterThan(60);
    const statements = policyFile(roleOf(entry.file)).Statement.filter((s) => entry.sid === undefined || s.Sid === entry.sid);
    expect(statements.length, `${entry.sid} is a statement of ${entry.file}`).toBeGreaterThan(0);
    const allowed = new Set(statements.flatMap((s) => list(s.Action).map((a) => a.toLowerCase())));
    for (const action of entry.actions) expect([...allowed], action).toContain(action);
    if (entry.issue === "RESOURCE_MISMATCH") {
      const types = new Set(list(statements[0]!.Resource).map(resourceType));
      for (const action of entry.actions) {
        const name = list(statements[0]!.Action).find((a) => a.toLowerCase() === action)!;
        expect(REQUIRED[name]!.some((t) => !types.has(t)), `${entry.sid} lacks a required resource type of ${name}`).toBe(true);
      }
    }
  });

  it("lists each finding once", () => {
    const keys = findings.map((e) => `${e.issue} ${e.file} ${e.sid ?? ""} ${e.actions.join(",")}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
