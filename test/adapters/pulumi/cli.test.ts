import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ensurePulumiCli, installRoot } from "../../../src/adapters/pulumi/cli.js";
import { CLI_NOT_FOUND } from "../../../src/adapters/pulumi/errors.js";
import { EnvironmentError } from "../../../src/errors.js";
import { installFakePulumi } from "./fake-pulumi.js";

describe("ensurePulumiCli", () => {
  let project: string;
  let emptyPath: string;

  beforeEach(() => {
    project = mkdtempSync(path.join(os.tmpdir(), "rds-echo-cli-"));
    // No `pulumi` on PATH, whatever this machine has.
    emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-empty-path-"));
    vi.stubEnv("PATH", emptyPath);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(project, { recursive: true, force: true });
    rmSync(emptyPath, { recursive: true, force: true });
  });

  it("without --install-pulumi, a missing CLI is an EnvironmentError that says how to get one", async () => {
    const failure = ensurePulumiCli({ install: false, root: project });
    await expect(failure).rejects.toBeInstanceOf(EnvironmentError);
    await expect(failure).rejects.toThrow(CLI_NOT_FOUND);
  });

  it("uses a CLI installed into the project by an earlier --install-pulumi, even when PATH has none", async () => {
    installFakePulumi(project);
    const cli = await ensurePulumiCli({ install: false, root: project });
    expect(cli.command).toBe(path.join(installRoot(project), "bin", "pulumi"));
    expect(cli.version?.toString()).toBe("3.200.0");
  });
});
