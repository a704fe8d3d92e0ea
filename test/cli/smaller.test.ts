/** Issue 21, item 10: the smaller things a newcomer met, each through the CLI as a subprocess. */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";
import { REPO_ROOT, developmentYaml, writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-smaller-"));
  writeExample(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A refusal of bad input: exit 2, a message, no stack trace, and not yargs' help. */
function refused(args: string[], says: string | RegExp): void {
  const r = rdsEcho(args, { env, timeoutMs: 20_000 });
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(typeof says === "string" ? new RegExp(says.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : says);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+|Options:/);
}

describe("bad values are refused at the edge, exit 2 (subprocess)", () => {
  it("sandbox serve --port 99999", () => refused(["sandbox", "serve", "--port", "99999", "--dir", dir], "--port 99999: a TCP port is a whole number from 0 to 65535"));
  it("approval page --out into a missing folder", () => refused(["approval", "page", "--out", path.join(dir, "nope", "page.html")], `the folder ${path.join(dir, "nope")} does not exist`));
  it("sandbox advance -5h (no help, no exit 0)", () => refused(["sandbox", "advance", "-5h", "--dir", dir], "-5h: no value of rds-echo is negative"));
  it("promote --request --expires -1d", () => refused(["promote", "development", "--request", "--expires", "-1d", "--sandbox", "--dir", dir], "--expires -1d: no value of rds-echo is negative"));
  it("sandbox advance 99999999d, at once instead of running out of memory", () => refused(["sandbox", "advance", "99999999d", "--dir", dir], "at most 366d at once"));
  it("sandbox show --dir /nonexistent", () => refused(["sandbox", "show", "--dir", path.join(dir, "nonexistent")], "no such directory"));
  it("a flag of other commands is said to be none of this one's, not 'did you mean' itself", () => refused(["sandbox", "show", "--sandbox", "--dir", dir], "--sandbox is not an option of this command"));
});

describe("definition problems (subprocess)", () => {
  it("one YAML typo gives one error: the first", () => {
    writeFileSync(path.join(dir, "stacks/typo.yaml"), developmentYaml.replace("\nsource:\n", "\nsource: [\n"));
    const r = rdsEcho(["plan", "typo", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/typo\.yaml: 1 problem\n {2}\(document\): line \d+: .*the first YAML error/);
  });

  it("problems come in file order, and an unknown key gets a did-you-mean", () => {
    writeFileSync(path.join(dir, "stacks/keys.yaml"), developmentYaml.replace("class: db.t3.medium", "klass: db.t3.medium").replace(/^region:/m, "regoin:"));
    const r = rdsEcho(["plan", "keys", "--dir", dir, "--json"]);
    expect(r.status).toBe(2);
    const problems = (JSON.parse(r.stdout) as { problems: { line?: number; message: string; path: string }[] }).problems;
    const lines = problems.flatMap((p) => (p.line === undefined ? [] : [p.line]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(problems.findIndex((p) => p.line === undefined)).toBeGreaterThanOrEqual(lines.length); // no-line problems last
    expect(problems).toContainEqual(expect.objectContaining({ path: "regoin", message: "unknown key (did you mean region?)" }));
    expect(problems).toContainEqual(expect.objectContaining({ path: "instance.klass", message: "unknown key (did you mean instance.class?)" }));
  });

  it("a mistyped echo name gets a did-you-mean", () => {
    const r = rdsEcho(["plan", "developmnt", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("no such echo definition; did you mean development?");
  });

  it("the template names every snapshot type, awsbackup included", () => {
    const r = rdsEcho(["config", "newone", "--dir", dir]);
    expect(r.status).toBe(0);
    const made = rdsEcho(["plan", "newone", "--dir", dir]);
    expect(made.status).toBe(2); // the template's required values are empty until filled
    expect(readFileSync(path.join(dir, "stacks/newone.yaml"), "utf8")).toMatch(/snapshotTypes: .*automated, manual, shared, awsbackup/);
  });
});

describe("a snapshot one echo made is never another echo's latest (subprocess)", () => {
  it("after `up fresh` (from: new-snapshot), development restores production's own snapshot, not fresh's", async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), "rds-echo-smaller-made-"));
    try {
      writeExample(own);
      copyFileSync(path.join(REPO_ROOT, "stacks/examples/fresh.yaml"), path.join(own, "stacks/fresh.yaml"));
      const fresh = rdsEcho(["up", "fresh", "--sandbox", "--yes", "--dir", own], { env });
      expect(fresh.status, fresh.stderr).toBe(0);
      expect(fresh.stdout).toMatch(/^new\s+fresh-\d{8}-\d{4}\s+restored from fresh-\d{8}-\d{4}-source/m);
      const dev = rdsEcho(["up", "development", "--sandbox", "--yes", "--dir", own], { env });
      expect(dev.status, dev.stderr).toBe(0);
      expect(dev.stdout).toMatch(/^new\s+development-\d{8}-\d{4}\s+restored from rds:production-db-/m);
      expect(dev.stdout).not.toContain("fresh-");
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});
