/** Issue 21, item 4: `--quiet` is quiet, so cron mails only news. Through the CLI as a subprocess. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";
import { developmentYamlWithoutHooks, writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-quiet-"));
  writeExample(dir, developmentYamlWithoutHooks);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const up = (...more: string[]) => rdsEcho(["up", "development", "--sandbox", "--yes", "--quiet", "--dir", dir, ...more], { env });

describe("--quiet (subprocess)", () => {
  it("a run that does something prints its steps; the next, with nothing to do, prints nothing at all, exit 0", () => {
    const first = up();
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^new\s+development-/m);
    // Nothing to do but wait for --promote: no news.
    const again = up();
    expect(again.status).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe("");
    // Without --quiet the same run says what waits (the quiet one only leaves it out).
    const loud = rdsEcho(["up", "development", "--sandbox", "--yes", "--dir", dir], { env });
    expect(loud.stdout).toMatch(/nothing to do[\s\S]*waiting/);
  });

  it("up --all --quiet with nothing to do anywhere prints nothing; --json still prints its document", () => {
    const all = rdsEcho(["up", "--all", "--sandbox", "--yes", "--quiet", "--dir", dir], { env });
    expect(all.status).toBe(0);
    expect(all.stdout).toBe("");
    const json = rdsEcho(["up", "development", "--sandbox", "--yes", "--quiet", "--json", "--dir", dir], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ echo: "development", steps: [] });
  });

  it("warnings and errors still print", async () => {
    const missing = rdsEcho(["up", "nosuch", "--sandbox", "--yes", "--quiet", "--dir", dir], { env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("rds-echo:");
    // A bad definition among several is said, and the run fails, even with --quiet.
    await writeFile(path.join(dir, "stacks/broken.yaml"), "echo: [\n");
    const all = rdsEcho(["up", "--all", "--sandbox", "--yes", "--quiet", "--dir", dir], { env });
    expect(all.status).toBe(2);
    expect(all.stdout + all.stderr).toContain("broken");
    await rm(path.join(dir, "stacks/broken.yaml"));
  });
});
