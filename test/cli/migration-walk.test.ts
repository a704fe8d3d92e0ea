/**
 * Issue 21, item 10: the README's migration walk on the sandbox, run as written (its `sh` block, each command through
 * the CLI as a subprocess) in a scratch copy of the repo's stacks/, after a quick-start run of the example echo (so the
 * world already has that echo's zone, db.example.com, as a newcomer's has).
 */
import { cpSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";
import { REPO_ROOT } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

/** The commands of the README's `sh` block that follows `marker`, one per `&&` or line, comments removed. */
function readmeCommands(marker: string): string[][] {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const after = readme.slice(readme.indexOf(marker));
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  if (readme.indexOf(marker) < 0 || block === undefined) throw new Error(`README.md: no sh block after "${marker}"`);
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean)
    .flatMap((line) => line.split("&&").map((c) => c.trim()))
    .map((command) => {
      const words = command.split(/\s+/);
      if (words[0] !== "npx" || words[1] !== "rds-echo") throw new Error(`README.md: "${command}" is not an rds-echo command`);
      return words.slice(2);
    });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-migration-walk-"));
  cpSync(path.join(REPO_ROOT, "stacks"), path.join(dir, "stacks"), { recursive: true });
  expect(rdsEcho(["up", "development", "--sandbox", "--promote", "--yes"], { env, cwd: dir }).status).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the README's migration walk on the sandbox (subprocess)", () => {
  it("runs as written: migrate, seed-legacy, adopt, then up promotes past the adopted generations", () => {
    const commands = readmeCommands("On the sandbox, with the sample properties the repo ships");
    expect(commands.map((c) => c.slice(0, 2).join(" "))).toEqual(["migrate stacks/examples/rdsecho.properties", "sandbox seed-legacy", "migrate --adopt", "up legacy"]);
    const outputs = commands.map((args) => {
      const r = rdsEcho(args, { env, cwd: dir });
      expect(r.status, `rds-echo ${args.join(" ")}\n${r.stdout}${r.stderr}`).toBe(0);
      return r.stdout;
    });
    // The migrated definition names the zone the original used (the CNAME's last two labels)...
    expect(readFileSync(path.join(dir, "stacks/legacy.yaml"), "utf8")).toMatch(/zoneName: example\.com/);
    // ...and the seeded record is there, so adopt takes both instances: the served one promoted, the other forgotten.
    expect(outputs[2]).toMatch(/legacy-\d{4}-\d{2}-\d{2}/);
    const status = JSON.parse(rdsEcho(["status", "legacy", "--sandbox", "--all", "--json"], { env, cwd: dir }).stdout) as { generations: { generation: string; stage: string }[]; servedBy?: string };
    const stages = status.generations.map((g) => g.stage);
    expect(stages.filter((s) => s === "promoted")).toHaveLength(1);
    expect(status.servedBy).toMatch(/^legacy-\d{8}-\d{4}$/); // the new generation rds-echo restored serves now
    expect(stages).toContain("forgotten");
    expect(status.generations.length).toBeGreaterThanOrEqual(3);
  });
});
