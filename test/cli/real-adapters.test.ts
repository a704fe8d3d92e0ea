import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";

// A PATH with no pulumi on it (the CLI is started by absolute path, so node itself is not needed on PATH).
const emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-no-pulumi-"));
const env = { PATH: emptyPath, PULUMI_CONFIG_PASSPHRASE: "x", RDS_ECHO_SECRET_MASTER_PASSWORD: undefined };

describe("without --sandbox the real adapters are used, and what they need is checked first (exit 2)", () => {
  it("says how to get the Pulumi CLI when there is none", () => {
    const r = rdsEcho(["status", "development"], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("the Pulumi CLI was not found");
    expect(r.stderr).toContain("--install-pulumi");
  });

  it("asks for the referenced secret before anything else when a generation may be created", () => {
    const r = rdsEcho(["up", "development", "--yes"], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("set RDS_ECHO_SECRET_MASTER_PASSWORD");
  });

  it("never falls back to the sandbox", () => {
    const r = rdsEcho(["history", "development", "--json"], { env });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: expect.stringContaining("Pulumi CLI"), exitCode: 2 });
  });
});
