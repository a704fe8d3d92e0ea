import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noAwsCredentials, rdsEcho } from "../helpers/cli.js";
import { writeExample } from "../helpers/definitions.js";

// A PATH with no pulumi on it (the CLI is started by absolute path, so node itself is not needed on PATH), and no AWS
// credentials anywhere the SDK looks (no instance metadata either: this is not an EC2 instance).
const emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-no-pulumi-"));
afterAll(() => rmSync(emptyPath, { recursive: true, force: true }));
const noAws = noAwsCredentials(emptyPath);
const env = { PATH: emptyPath, PULUMI_CONFIG_PASSPHRASE: "x", RDS_ECHO_SECRET_MASTER_PASSWORD: undefined, ...noAws };

describe("without --sandbox the real adapters are used, and what they need is checked first (exit 2)", () => {
  it("lists everything missing at once, each with its fix, and points at --sandbox", () => {
    const r = rdsEcho(["up", "development", "--yes"], { env: { ...env, PULUMI_CONFIG_PASSPHRASE: undefined } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("4 things missing before rds-echo can talk to AWS and Pulumi");
    expect(r.stderr).toContain("set RDS_ECHO_SECRET_MASTER_PASSWORD");
    expect(r.stderr).toContain("the Pulumi CLI was not found");
    expect(r.stderr).toContain("--install-pulumi");
    expect(r.stderr).toContain("export PULUMI_CONFIG_PASSPHRASE");
    expect(r.stderr).toMatch(/AWS credentials: none found .*AWS_PROFILE.*`profile:`/);
    expect(r.stderr).toContain("add --sandbox");
    // Neither the SDK's Node-version warning nor a raw CLI dump.
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|code: -2|stdout:/);
  });

  it("names the definition's profile when it has one", async () => {
    const { mkdir } = await import("node:fs/promises");
    const { developmentYaml } = await import("../helpers/definitions.js");
    const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-profile-"));
    try {
      await mkdir(path.join(dir, "stacks"));
      await writeExample(dir, developmentYaml.replace("region: eu-west-1", "region: eu-west-1\nprofile: team-dev"));
      const r = rdsEcho(["status", "development", "--dir", dir], { env });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('the profile "team-dev"');
      expect(r.stderr).not.toContain("RDS_ECHO_SECRET_MASTER_PASSWORD"); // status creates no generation
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start a restore with an environment session that expires before timeouts.create; a command that restores nothing does not care", () => {
    const session = { ...env, AWS_ACCESS_KEY_ID: "ASIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY: "x".repeat(40), AWS_SESSION_TOKEN: "token" };
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const r = rdsEcho(["new", "development", "--yes"], { env: { ...session, AWS_CREDENTIAL_EXPIRATION: inAnHour } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/AWS credentials: the session from environment variables \(AWS_SESSION_TOKEN\) expires in (59 min|1 h) .*timeouts\.create is 48 h: a restore still running then fails/);
    expect(r.stderr).toContain("a profile whose role is assumed as needed");
    // Without an expiry, a 48-hour timeout is longer than any session lasts (36 h at most).
    const unknown = rdsEcho(["up", "development", "--yes"], { env: session });
    expect(unknown.stderr).toContain("of unknown expiry lasts at most 36 h, and timeouts.create is 48 h");
    const status = rdsEcho(["status", "development"], { env: { ...session, AWS_CREDENTIAL_EXPIRATION: inAnHour } });
    expect(status.stderr).not.toContain("AWS credentials");
  });

  it("never falls back to the sandbox", () => {
    const r = rdsEcho(["history", "development", "--json"], { env });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: expect.stringContaining("Pulumi CLI"), exitCode: 2 });
  });
});
