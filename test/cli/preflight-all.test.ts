/**
 * Issue 21, item 8: on the real path everything missing is said in one run, one item each (text and --json).
 * Subprocesses with no Pulumi CLI on PATH and no AWS credentials anywhere the SDK looks (as real-adapters.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noAwsCredentials, rdsEcho } from "../helpers/cli.js";

const emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-preflight-all-"));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));
const env = {
  PATH: emptyPath,
  PULUMI_CONFIG_PASSPHRASE: undefined,
  RDS_ECHO_SECRET_MASTER_PASSWORD: undefined,
  RDS_ECHO_SIGNER_ACCESS_KEY_ID: undefined,
  RDS_ECHO_SIGNER_SECRET_ACCESS_KEY: undefined,
  RDS_ECHO_SIGNER_DECISION_KEY: undefined,
  ...noAwsCredentials(emptyPath),
};

describe("everything missing at once (subprocess, real path)", () => {
  it("a master password RDS would refuse is on the list with the rest, never quoted", () => {
    const r = rdsEcho(["up", "development", "--yes"], { env: { ...env, RDS_ECHO_SECRET_MASTER_PASSWORD: "short" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("4 things missing before rds-echo can talk to AWS and Pulumi");
    expect(r.stderr).toContain("- the master password: RDS would refuse the value of RDS_ECHO_SECRET_MASTER_PASSWORD: it must have at least 8 characters (it has 5)");
    expect(r.stderr).toContain("the Pulumi CLI was not found");
    expect(r.stderr).toContain("export PULUMI_CONFIG_PASSPHRASE");
    expect(r.stderr).toMatch(/AWS credentials: none found/);
    expect(r.stderr).not.toContain("short");
  });

  it("promote --request lists the signer's keys and the decision key with what the engine needs, in one run", () => {
    const r = rdsEcho(["promote", "development", "--request", "--approver", "alice@example.com", "--yes"], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("5 things missing");
    expect(r.stderr).toContain("set RDS_ECHO_SIGNER_ACCESS_KEY_ID and RDS_ECHO_SIGNER_SECRET_ACCESS_KEY");
    expect(r.stderr).toContain("set RDS_ECHO_SIGNER_DECISION_KEY");
    expect(r.stderr).toContain("the Pulumi CLI was not found");
    expect(r.stderr).toContain("export PULUMI_CONFIG_PASSPHRASE");
    expect(r.stderr).toMatch(/AWS credentials: none found/);
  });

  it("--json lists each missing thing as a problem of its own, none with a newline", () => {
    const r = rdsEcho(["up", "development", "--yes", "--json"], { env });
    expect(r.status).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: string; exitCode: number; problems: { message: string }[] };
    expect(doc.exitCode).toBe(2);
    expect(doc.problems).toHaveLength(4);
    for (const p of doc.problems) expect(p.message).not.toContain("\n");
    expect(doc.problems.map((p) => p.message).join("\n")).toMatch(/RDS_ECHO_SECRET_MASTER_PASSWORD[\s\S]*Pulumi CLI[\s\S]*PULUMI_CONFIG_PASSPHRASE[\s\S]*AWS credentials/);
  });
});
