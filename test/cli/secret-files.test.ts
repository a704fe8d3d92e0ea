/** Secrets mounted as files, through the CLI: the file's value is the one used, and a bad file is exit 2 at once. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";
import { writeExample } from "../helpers/definitions.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-secret-files-cli-"));
  writeExample(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = { RDS_ECHO_SECRET_MASTER_PASSWORD: undefined, RDS_ECHO_SANDBOX_SPEED: "max" };

describe("RDS_ECHO_SECRET_<KEY>_FILE", () => {
  it("is the secret's value: a password RDS would refuse, read from the file, is refused by name", () => {
    const file = path.join(dir, "password");
    writeFileSync(file, "short\n");
    const r = rdsEcho(["new", "development", "--yes", "--sandbox", "--dir", dir], { env: { ...base, RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: file } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("RDS_ECHO_SECRET_MASTER_PASSWORD: RDS would refuse this master password");
    expect(r.stderr).not.toContain("short");
  });

  it("a good one is used as given (no random sandbox password)", () => {
    const file = path.join(dir, "password");
    writeFileSync(file, "Echo-Passw0rd-from-a-file\n");
    const r = rdsEcho(["new", "development", "--yes", "--sandbox", "--dir", dir], { env: { ...base, RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: file } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("using a random value");
  });

  it("both the variable and its file set, or a file that cannot be read: exit 2 naming the variable and the path", () => {
    const file = path.join(dir, "password");
    writeFileSync(file, "Echo-Passw0rd-from-a-file\n");
    const both = rdsEcho(["status", "development", "--sandbox", "--dir", dir], { env: { ...base, RDS_ECHO_SECRET_MASTER_PASSWORD: "x", RDS_ECHO_SECRET_MASTER_PASSWORD_FILE: file } });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("RDS_ECHO_SECRET_MASTER_PASSWORD and RDS_ECHO_SECRET_MASTER_PASSWORD_FILE are both set");
    const missing = path.join(dir, "not-mounted");
    const r = rdsEcho(["status", "development", "--sandbox", "--dir", dir], { env: { ...base, RDS_ECHO_SIGNER_DECISION_KEY_FILE: missing } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`RDS_ECHO_SIGNER_DECISION_KEY_FILE: the file ${missing} does not exist`);
  });
});
