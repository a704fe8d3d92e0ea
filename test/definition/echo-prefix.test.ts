import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { echoPrefixConflict } from "../../src/definition/identifiers.js";
import { loadDefinition } from "../../src/definition/load.js";
import { UsageError } from "../../src/errors.js";
import { rdsEcho } from "../helpers/cli.js";
import { developmentYaml, writeExample } from "../helpers/definitions.js";

describe("an echo whose name plus '-' starts another echo's name (issue 18, item 7)", () => {
  it("is found in either direction, and only at a '-' boundary", () => {
    expect(echoPrefixConflict("development", ["analytics", "development", "development-eu"])).toBe("development-eu");
    expect(echoPrefixConflict("development-eu", ["development", "development-eu"])).toBe("development");
    // Sharing letters is not sharing a name prefix: `dev-*` never matches `development-…`.
    expect(echoPrefixConflict("dev", ["development", "devx", "dev"])).toBeUndefined();
    expect(echoPrefixConflict("development", ["development"])).toBeUndefined();
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-prefix-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeExample(dir);
  writeFileSync(path.join(dir, "stacks/development-eu.yaml"), developmentYaml.replace(/development\.db\.example\.com/g, "development-eu.db.example.com"));
  writeFileSync(path.join(dir, "stacks/dev.yaml"), developmentYaml.replace(/development\.db\.example\.com/g, "dev.db.example.com"));

  it("is refused at load, naming both files, for both echoes of the pair", async () => {
    for (const echo of ["development", "development-eu"]) {
      const error = await loadDefinition(dir, echo).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, echo).toBeInstanceOf(UsageError);
      const message = (error as Error).message;
      expect(message).toContain(path.join(dir, "stacks/development.yaml"));
      expect(message).toContain(path.join(dir, "stacks/development-eu.yaml"));
      expect(message).toContain('the echo name "development" followed by "-" starts the echo name "development-eu"');
    }
    // An echo outside the pair still loads.
    await expect(loadDefinition(dir, "dev")).resolves.toMatchObject({ echo: "dev" });
  });

  it("exits 2 from the CLI before any cloud call (plan is offline; status would need AWS)", () => {
    const plan = rdsEcho(["plan", "development", "--dir", dir]);
    expect(plan.status).toBe(2);
    expect(plan.stderr).toMatch(/stacks\/development\.yaml and .*stacks\/development-eu\.yaml/);
    // Without credentials or a Pulumi CLI, a real-adapter command would say so; the name check comes first.
    const status = rdsEcho(["status", "development-eu", "--dir", dir], { env: { PATH: "/nonexistent", AWS_ACCESS_KEY_ID: undefined, AWS_PROFILE: undefined } });
    expect(status.status).toBe(2);
    expect(status.stderr).toContain('the echo name "development" followed by "-" starts the echo name "development-eu"');
    expect(status.stderr).not.toMatch(/Pulumi CLI|credentials/);
  });
});
