/** `up --all` and `preview --all` through the CLI on the sandbox (subprocess): many echoes in one process. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI, rdsEcho, type CliResult } from "../helpers/cli.js";
import { developmentYamlWithoutHooks, writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:db-refresh";
let dir: string;

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

/** The example as echo `name` (its own CNAME), with `extra` appended. */
async function echo(name: string, extra = ""): Promise<void> {
  await writeFile(path.join(dir, "stacks", `${name}.yaml`), developmentYamlWithoutHooks.replace(/development\.db\.example\.com/g, `${name}.db.example.com`) + extra);
}

interface Summary {
  command: string;
  parallel: number;
  exitCode: number;
  echoes: { echo: string; steps: string[]; result: string; exitCode: number; startedMs?: number; durationMs: number; error?: string; detail?: any }[];
}

function world(): { stacks: { name: string }[]; outbox: { subject: string; text: string }[] } {
  const r = cli("sandbox", "show", "--json");
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Every line is one echo's whole line, `<name padded> | …`, or belongs to the summary after the blank line. */
function assertPrefixed(text: string, names: readonly string[]): void {
  const width = Math.max(...names.map((n) => n.length));
  const prefixes = names.map((n) => `${n.padEnd(width)} | `);
  const before = text.split("\n\n")[0]!;
  for (const line of before.split("\n").filter((l) => l !== "")) expect(prefixes.some((p) => line.startsWith(p)), line).toBe(true);
}

/** The summary table's rows (echo, steps, result), after its header line. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split("\n");
  const header = lines.findIndex((l) => /^echo +steps +result +time$/.test(l));
  expect(header, stdout).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(header + 1)) {
    if (/^\d+ echoes?: /.test(line)) break;
    rows.push(line.split(/\s{2,}/).slice(0, 3));
  }
  return rows;
}

/** Most echoes running at one moment, from the summary's start times and durations. */
function mostAtOnce(s: Summary): number {
  const spans = s.echoes.filter((e) => e.startedMs !== undefined).map((e) => [e.startedMs!, e.startedMs! + e.durationMs] as const);
  return Math.max(...spans.map(([start]) => spans.filter(([s2, e2]) => s2 <= start && start < e2).length));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-fleet-"));
  writeExample(dir, developmentYamlWithoutHooks);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("up --all on the sandbox", () => {
  it("advances every echo; a failing one and a broken one do not stop the others; summary, --json, worst exit code", async () => {
    await echo("alpha");
    await echo("beta");
    // No such snapshot: fails at its first cloud lookup (exit 1), and notifies its failure.
    await echo("missing", `notify:\n  on: [failure]\n  sns: ${TOPIC}\n`);
    await writeFile(path.join(dir, "stacks", "missing.yaml"), (await readFile(path.join(dir, "stacks", "missing.yaml"), "utf8")).replace("instance: production-db", "instance: production-db\n  snapshot: rds:no-such-snapshot"));
    // Does not validate: refused before any echo's first cloud call (exit 2), never started.
    await writeFile(path.join(dir, "stacks", "broken.yaml"), developmentYamlWithoutHooks.replace("class: db.t3.medium", "class: 42"));

    const run = cli("up", "--all", "--sandbox", "--promote", "--yes", "--parallel", "2");
    expect(run.status, run.stderr).toBe(2);
    const names = ["alpha", "beta", "broken", "development", "missing"];
    assertPrefixed(run.stdout, names);
    assertPrefixed(run.stderr, names);
    expect(run.stderr).toMatch(/^broken {6}\| rds-echo: \S*stacks\/broken\.yaml: 1 problem\nbroken {6}\|   instance\.class \(line 10\): expected string/m);
    expect(run.stderr).toMatch(/^missing {5}\| rds-echo: .*no-such-snapshot/m);
    expect(run.stdout).toMatch(/^alpha {7}\| promote  alpha-\d{8}-\d{4}  alpha\.db\.example\.com -> /m);
    // The table: one row per echo, in name order, then the reasons.
    expect(tableRows(run.stdout)).toEqual([
      ["alpha", "new modify reboot promote", "done, waiting"],
      ["beta", "new modify reboot promote", "done, waiting"],
      ["broken", "-", "refused (exit 2)"],
      ["development", "new modify reboot promote", "done, waiting"],
      ["missing", "-", "failed (exit 1)"],
    ]);
    expect(run.stdout).toMatch(/^5 echoes: 3 done, waiting, 1 refused, 1 failed; exit 2$/m);
    expect(run.stdout).toMatch(/^broken: refused: \S*stacks\/broken\.yaml: 1 problem$/m);

    const w = world();
    expect(w.stacks.map((s) => s.name.replace(/-\d{8}-\d{4}$/, "")).sort()).toEqual(["alpha", "beta", "development"]);
    // Notifications stay per echo: the failure is said for the echo that failed, and only for it.
    expect(w.outbox).toHaveLength(1);
    expect(w.outbox[0]!.subject).toMatch(/missing/);
    expect(w.outbox[0]!.subject).not.toMatch(/alpha|beta|development/);

    // Again, as JSON: settled echoes have nothing to do; the same rows, and each echo's own document.
    const again = cli("up", "--all", "--sandbox", "--promote", "--yes", "--json");
    expect(again.status).toBe(2);
    const s = JSON.parse(again.stdout) as Summary;
    expect(s).toMatchObject({ command: "up --all --promote", exitCode: 2 });
    expect(s.echoes.map((e) => [e.echo, e.result, e.exitCode])).toEqual([
      ["alpha", "waiting", 0],
      ["beta", "waiting", 0],
      ["broken", "refused", 2],
      ["development", "waiting", 0],
      ["missing", "failed", 1],
    ]);
    expect(s.echoes[0]!.detail).toMatchObject({ echo: "alpha", steps: [], waiting: [{ reason: expect.stringContaining("next generation is due") }] });
    expect(s.echoes[2]!.error).toContain("stacks/broken.yaml");
    // Only the echoes' lines on stderr; stdout is the one document.
    assertPrefixed(again.stderr, names);
  });

  it("a guard that refuses one echo at run time (exit 2) does not stop the others' promotion", async () => {
    await echo("alpha");
    const first = cli("up", "--all", "--sandbox", "--yes", "--json");
    expect(first.status, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as Summary).echoes.map((e) => e.steps.at(-1))).toEqual(["reboot", "reboot"]);
    // A restore-time setting changed under alpha's generation: its promotion would replace the database.
    const file = path.join(dir, "stacks", "alpha.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("availabilityZone: eu-west-1a", "availabilityZone: eu-west-1b"));
    const run = cli("up", "--all", "--sandbox", "--promote", "--yes", "--json");
    expect(run.status).toBe(2);
    const s = JSON.parse(run.stdout) as Summary;
    expect(s.echoes.map((e) => [e.echo, e.result, e.exitCode])).toEqual([
      ["alpha", "refused", 2],
      ["development", "done, waiting", 0],
    ]);
    expect(s.echoes[0]!.error).toMatch(/refusing: .* would replace the database/);
    expect(s.echoes[1]!.steps).toEqual(["promote"]);
    assertPrefixed(run.stderr, ["alpha", "development"]);
  });

  it("keeps to --parallel: 1 runs one echo at a time, 2 at most two", async () => {
    for (const name of ["alpha", "beta", "gamma"]) await echo(name);
    const one = cli("up", "--all", "--sandbox", "--yes", "--parallel", "1", "--json");
    const serial = JSON.parse(one.stdout) as Summary;
    expect(one.status, one.stderr).toBe(0);
    expect(serial.parallel).toBe(1);
    expect(mostAtOnce(serial)).toBe(1);
    await rm(path.join(dir, ".rds-echo"), { recursive: true, force: true });
    const two = JSON.parse(cli("up", "--all", "--sandbox", "--yes", "--parallel", "2", "--json").stdout) as Summary;
    expect(two.echoes.every((e) => e.result === "done, waiting")).toBe(true);
    expect(mostAtOnce(two)).toBe(2);
  });

  it("refuses bad flags before anything (exit 2): neither or both of <echo> and --all, --all without --yes, a bad --parallel", () => {
    const cases: [string[], RegExp][] = [
      [["up", "--sandbox", "--yes"], /up: name an echo: development \(from \S+\/stacks\), or give --all for every one of them/],
      [["up", "development", "--all", "--sandbox", "--yes"], /name an echo or give --all, not both/],
      [["up", "--all", "--sandbox"], /up --all needs --yes: echoes run side by side and cannot each ask/],
      [["up", "--all", "--sandbox", "--yes", "--parallel", "0"], /--parallel must be a whole number from 1 to 64 \(got 0\)/],
      [["up", "--all", "--sandbox", "--yes", "--parallel", "two"], /--parallel must be a whole number/],
      [["up", "development", "--sandbox", "--yes", "--parallel", "2"], /--parallel goes with --all/],
      [["preview", "--sandbox"], /preview: name an echo/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(path.join(dir, ".rds-echo"))).toBe(false);
  });
});

describe("preview --all on the sandbox", () => {
  it("shows each echo's next step, prefixed, changing nothing", async () => {
    await echo("alpha");
    const r = cli("preview", "--all", "--sandbox", "--promote");
    expect(r.status, r.stderr).toBe(0);
    assertPrefixed(r.stdout, ["alpha", "development"]);
    expect(r.stdout).toMatch(/^alpha {7}\| new alpha-\d{8}-\d{4}: restore the latest snapshot of production-db:\nalpha {7}\|   \+ pulumi:providers:aws  aws\nalpha {7}\|   \+ aws:rds\/instance:Instance  db$/m);
    expect(r.stdout).toMatch(/^alpha +new +would new +\d+\.\d s$/m);
    expect(r.stdout).toMatch(/^development +new +would new +\d+\.\d s$/m);
    // Nothing changed, not even the sandbox's file.
    expect(existsSync(path.join(dir, ".rds-echo", "sandbox.json"))).toBe(false);
  });
});

describe("a signal during up --all", () => {
  it("SIGTERM while echoes wait for RDS: nothing new starts, the summary says interrupted, exit 143", async () => {
    for (const name of ["alpha", "beta", "gamma"]) await echo(name);
    // At the real pace of a restore, so the echoes are in their waits when the signal comes.
    const child = spawn(process.execPath, [CLI, "up", "--all", "--sandbox", "--yes", "--parallel", "2", "--dir", dir], {
      env: { ...process.env, ...env, RDS_ECHO_SANDBOX_SPEED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (!sent && /elapsed/.test(stderr)) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopped; no Pulumi operation was in flight, so nothing is half done; rerun `rds-echo up --all/);
    // Two were in their waits; the third (and the example) never started.
    expect(tableRows(stdout).map((r) => r[2])).toEqual(["interrupted (exit 143)", "interrupted (exit 143)", "not started (exit 143)", "not started (exit 143)"]);
    expect(stdout).toMatch(/^alpha: interrupted: stopped by SIGTERM with no Pulumi operation of its own in flight/m);
  });
});
