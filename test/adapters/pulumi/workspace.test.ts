import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AutomationEngine } from "../../../src/adapters/pulumi/engine.js";
import { LineSplitter } from "../../../src/adapters/pulumi/lines.js";
import { assertPassphrase, chooseBackend, workspaceEnv } from "../../../src/adapters/pulumi/workspace.js";
import { EnvironmentError } from "../../../src/errors.js";

const root = "/srv/echoes";

describe("chooseBackend", () => {
  it("prefers the explicit URL, then PULUMI_BACKEND_URL", () => {
    const env = { PULUMI_BACKEND_URL: "s3://team-state" };
    expect(chooseBackend(root, "https://api.pulumi.com", env)).toEqual({ url: "https://api.pulumi.com" });
    expect(chooseBackend(root, undefined, env)).toEqual({ url: "s3://team-state" });
  });

  it("falls back to the embedded file backend under the project, which it must create", () => {
    expect(chooseBackend(root, undefined, {})).toEqual({ url: "file:///srv/echoes/.rds-echo/state", stateDir: "/srv/echoes/.rds-echo/state" });
    expect(chooseBackend(root, "", { PULUMI_BACKEND_URL: " " }).url).toBe("file:///srv/echoes/.rds-echo/state");
  });
});

describe("assertPassphrase", () => {
  it("refuses the passphrase provider without a passphrase, saying what to export", () => {
    expect(() => assertPassphrase("passphrase", {})).toThrow(EnvironmentError);
    expect(() => assertPassphrase("passphrase", {})).toThrow(/export PULUMI_CONFIG_PASSPHRASE .*same one every time/);
  });

  it("accepts a passphrase (even an empty one, as Pulumi does) or a passphrase file", () => {
    expect(() => assertPassphrase("passphrase", { PULUMI_CONFIG_PASSPHRASE: "" })).not.toThrow();
    expect(() => assertPassphrase("passphrase", { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/pulumi" })).not.toThrow();
  });

  it("does not ask for a passphrase when another secrets provider is used", () => {
    expect(() => assertPassphrase("awskms://alias/rds-echo?region=eu-west-1", {})).not.toThrow();
  });
});

describe("workspaceEnv", () => {
  it("passes the environment through, pins the chosen backend and skips the update check", () => {
    const env = workspaceEnv({ PULUMI_BACKEND_URL: "s3://stale", PULUMI_CONFIG_PASSPHRASE: "p", AWS_PROFILE: "dev", UNSET: undefined }, "file:///x");
    expect(env).toEqual({ PULUMI_BACKEND_URL: "file:///x", PULUMI_CONFIG_PASSPHRASE: "p", AWS_PROFILE: "dev", PULUMI_SKIP_UPDATE_CHECK: "true" });
    // rds-echo's own secrets are not the CLI's (nor its plugins'): they reach a stack on stdin, or never.
    const secret = workspaceEnv({ RDS_ECHO_SECRET_MASTER_PASSWORD: "pw", RDS_ECHO_SIGNER_ACCESS_KEY_ID: "AKIA", RDS_ECHO_SANDBOX_POSTGRES: "postgres://u:p@h/d", AWS_SESSION_TOKEN: "t" }, "file:///x");
    expect(Object.keys(secret).sort()).toEqual(["AWS_SESSION_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_SKIP_UPDATE_CHECK"]);
  });
});

describe("AutomationEngine without a passphrase", () => {
  it("fails every call with an EnvironmentError before touching the disk or spawning Pulumi", async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-"));
    const engine = new AutomationEngine({
      root: project,
      env: {},
      definitionFor: async () => {
        throw new Error("the program must not run");
      },
    });
    await expect(engine.list()).rejects.toThrow(/PULUMI_CONFIG_PASSPHRASE/);
    await expect(engine.settings("development-20261125-1230")).rejects.toBeInstanceOf(EnvironmentError);
    await expect(engine.history("development-20261125-1230")).rejects.toBeInstanceOf(EnvironmentError);
    // Neither the workspace nor the file backend was created: nothing ran past the check.
    expect(existsSync(path.join(project, ".rds-echo"))).toBe(false);
    rmSync(project, { recursive: true, force: true });
  });
});

describe("LineSplitter", () => {
  it("turns output chunks into whole lines, the last one on flush", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    for (const chunk of ["Updating (development-2026", "1125-1230)\n\n ~  aws:rds:Instance db updating\r\n", "Resources:\n    ~ 1 updated"]) {
      splitter.write(chunk);
    }
    expect(lines).toEqual(["Updating (development-20261125-1230)", "", " ~  aws:rds:Instance db updating", "Resources:"]);
    splitter.flush();
    splitter.flush();
    expect(lines.at(-1)).toBe("    ~ 1 updated");
    expect(lines).toHaveLength(5);
  });
});
