/**
 * Issue 21, item 5: a command suggested by a run carries the flags that decide where it acts. Pasted from a
 * `--sandbox` run without `--sandbox`, a hint would act on real AWS with whatever credentials the shell has.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hintRewriter, withRunFlags } from "../../src/cli/hints.js";
import { CLI, rdsEcho } from "../helpers/cli.js";
import { writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
/** The commands that take --sandbox (src/cli/commands/*: the ones with engine options, plus `approval`). */
const SANDBOX_VERBS = /^rds-echo (up|new|modify|reboot|promote|retire|rollback|preview|status|history|approvals|approval|hooks|migrate)\b/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-hints-"));
  writeExample(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every backquoted `rds-echo …` command in a text. */
function suggested(text: string): string[] {
  return [...text.matchAll(/`(rds-echo [^`]*)`/g)].map((m) => m[1]!);
}

describe("hints of a --sandbox --dir run (subprocess)", () => {
  it("every suggested command that takes --sandbox carries it and --dir, in text and in --json", () => {
    const outputs: string[] = [];
    for (const args of [
      ["up", "development"],
      ["up", "development"],
      ["promote", "development", "--request"],
      ["status"],
      ["rollback", "development"],
      ["retire", "development"],
    ]) {
      const text = rdsEcho([...args, "--sandbox", "--yes", "--dir", dir], { env });
      const json = rdsEcho([...args, "--sandbox", "--yes", "--dir", dir, "--json"], { env });
      outputs.push(text.stdout + text.stderr, json.stdout);
    }
    const hints = outputs.flatMap(suggested);
    // The walk suggests promote (waiting), up (after a refusal) and more: enough to prove the rule, not one case.
    expect(hints.filter((h) => SANDBOX_VERBS.test(h)).length).toBeGreaterThan(3);
    expect(hints.some((h) => h.startsWith("rds-echo promote development"))).toBe(true);
    for (const hint of hints.filter((h) => SANDBOX_VERBS.test(h))) {
      expect(hint, hint).toMatch(/ --sandbox\b/);
      expect(hint, hint).toContain(`--dir ${dir}`);
    }
  });

  it("from inside the project (no --dir), hints still carry --sandbox, and no --dir", () => {
    const r = rdsEcho(["up", "development", "--sandbox", "--yes"], { env, cwd: dir });
    expect(r.stdout).toContain("`rds-echo promote development --sandbox`");
  });

  it("without --sandbox no hint gets it (a real run's hints act on AWS, as they should)", () => {
    const r = rdsEcho(["plan", "nosuch", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(suggested(r.stderr).length).toBeGreaterThan(0);
    for (const hint of suggested(r.stderr)) expect(hint).not.toContain("--sandbox");
  });
});

describe("signals (subprocess)", () => {
  it("the SIGTERM hint of a sandbox run names the echo with --sandbox and --dir", async () => {
    // A world of its own: the restore must still be ahead, so that the signal comes during its wait.
    const fresh = await mkdtemp(path.join(os.tmpdir(), "rds-echo-hints-signal-"));
    writeExample(fresh);
    const child = spawn(process.execPath, [CLI, "up", "development", "--sandbox", "--yes", "--dir", fresh], {
      env: { ...process.env, ...env, RDS_ECHO_SANDBOX_SPEED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (/elapsed/.test(stderr)) child.kill("SIGTERM");
    });
    const code = await new Promise((resolve) => child.once("close", resolve));
    await rm(fresh, { recursive: true, force: true });
    expect(code).toBe(143);
    expect(stderr).toContain(`rerun \`rds-echo up development --sandbox --dir ${fresh}\` to resume`);
    expect(stderr).not.toContain("<echo>");
  });

  it("SIGTERM of `sandbox serve` stops the server, says so, exits 0, and suggests no rerun of up", async () => {
    const child = spawn(process.execPath, [CLI, "sandbox", "serve", "--port", "0", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (c: string) => {
        stdout += c;
        if (/listening on/.test(stdout)) resolve();
      });
      child.once("exit", () => reject(new Error(`serve exited early: ${stdout}${stderr}`)));
    });
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.once("close", resolve));
    expect(stderr).toContain("sandbox RDS endpoint stopped");
    expect(stderr).not.toMatch(/rerun|rds-echo up/);
    expect(code).toBe(0);
  });
});

describe("hintRewriter", () => {
  const cwd = "/somewhere";
  it("adds --sandbox only to commands that take it, --dir to every one, neither twice", () => {
    const rewrite = hintRewriter({ dir: "/p", sandbox: true }, cwd);
    expect(withRunFlags("run `rds-echo promote dev` or `rds-echo sandbox advance 1d`", rewrite)).toBe("run `rds-echo promote dev --sandbox --dir /p` or `rds-echo sandbox advance 1d --dir /p`");
    expect(withRunFlags("`rds-echo up dev --sandbox --dir /q`", rewrite)).toBe("`rds-echo up dev --sandbox --dir /q`");
    expect(withRunFlags("`rds-echo config dev`", rewrite)).toBe("`rds-echo config dev --dir /p`");
  });
  it("leaves hints alone when the run has neither flag, and quotes a --dir with spaces", () => {
    expect(hintRewriter({ dir: cwd, sandbox: false }, cwd)).toBeUndefined();
    expect(withRunFlags("`rds-echo up dev`", hintRewriter({ dir: "/my project" }, cwd))).toBe('`rds-echo up dev --dir "/my project"`');
  });
});
