import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { rdsEcho } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-usage-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
  await writeFile(path.join(dir, "stacks/staging.yaml"), developmentYaml);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("what a person typed wrong is answered with what to type (subprocess, exit 2)", () => {
  it("says '(see rds-echo --help)' once", () => {
    const r = rdsEcho([]);
    expect(r.status).toBe(2);
    expect(r.stderr.match(/see rds-echo --help/g)).toHaveLength(1);
  });

  it("`up` without an echo names the echoes there are", () => {
    const r = rdsEcho(["up", "--sandbox", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("name an echo: development, staging");
    expect(r.stderr).not.toContain("Not enough non-option arguments");
  });

  it("an unknown flag gets a 'did you mean'", () => {
    const r = rdsEcho(["up", "development", "--promte", "--sandbox", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--promte: did you mean --promote?");
  });

  it("retire --force without --generation is refused, not silently ignored", () => {
    const r = rdsEcho(["retire", "development", "--force", "--sandbox", "--yes", "--dir", dir], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("retire --force needs --generation <name>");
  });

  it("--required above the number of approvers says so plainly", () => {
    const r = rdsEcho(["promote", "development", "--request", "--approver", "alice@example.com", "--required", "3", "--sandbox", "--yes", "--dir", dir], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("3 approvals required but only 1 approver named (alice@example.com)");
    expect(r.stderr).not.toContain("from 1 to 1");
  });

  it("the new guard tells a generation at stage new to be finished, not promoted", () => {
    // A generation left at stage `new`: declined after its restore... simplest, restored by `new` alone.
    expect(rdsEcho(["new", "development", "--sandbox", "--yes", "--dir", dir], { env }).status).toBe(0);
    const r = rdsEcho(["new", "development", "--sandbox", "--yes", "--dir", dir], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is still new \(not promoted\); finish it with `rds-echo up development --sandbox --dir \S+` \(it is not rebooted yet, so it cannot be promoted\)/);
  });

  it("--help names the environment variables and the exit codes", () => {
    const r = rdsEcho(["--help"]);
    expect(r.stdout).toContain("RDS_ECHO_SECRET_");
    expect(r.stdout).toContain("PULUMI_CONFIG_PASSPHRASE");
    expect(r.stdout).toMatch(/Exit codes:\n {2}0 {2}done/);
  });

  it("the README links the project's own design document, never a path outside the repository", async () => {
    const { readFile, stat } = await import("node:fs/promises");
    const { REPO_ROOT } = await import("../helpers/definitions.js");
    const readme = await readFile(path.join(REPO_ROOT, "README.md"), "utf8");
    expect(readme).not.toContain("../shared");
    expect(readme).toContain("(docs/design.md)");
    expect((await stat(path.join(REPO_ROOT, "docs/design.md"))).isFile()).toBe(true);
  });
});
