/**
 * Hostile or mistaken input through the real CLI, in a subprocess with a bounded time: YAML alias bombs and undefined
 * aliases, an oversized definition, hook files that are devices, FIFOs or huge, durations no timer can hold. Each is
 * exit 2 naming the file (and the key path), before any cloud call, quickly, and `plan` refuses what `up` would.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { rdsEcho } from "../helpers/cli.js";
import { developmentYaml, writeExample } from "../helpers/definitions.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project whose stacks/development.yaml is `text` (the example's scrub files beside it). */
function project(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-bad-input-"));
  dirs.push(dir);
  writeExample(dir, text);
  return dir;
}

function withData(change: (d: Record<string, any>) => void): string {
  const data = parse(developmentYaml) as Record<string, any>;
  change(data);
  return stringify(data);
}

/** `plan` and `up` (on the sandbox: no cloud) both refuse with exit 2, fast, naming what to fix. */
function refused(dir: string, ...expected: RegExp[]): void {
  for (const args of [["plan", "development", "--dir", dir], ["up", "development", "--sandbox", "--yes", "--dir", dir]]) {
    const started = Date.now();
    const r = rdsEcho(args, { env: { RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word", RDS_ECHO_SANDBOX_SPEED: "max" }, timeoutMs: 20_000 });
    expect(r.status, `${args[0]}: ${r.stderr}`).toBe(2);
    expect(Date.now() - started).toBeLessThan(15_000);
    for (const e of expected) expect(r.stderr).toMatch(e);
    // Nothing ran: no sandbox world was written.
    expect(r.stdout).not.toMatch(/restore|new +development-/);
  }
}

describe("bad definitions through the CLI", () => {
  it("an alias bomb and an undefined alias are exit 2 naming the file, not a crash", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]", "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]"];
    refused(project(`${developmentYaml}\nx-bomb:\n${bomb.map((l) => `  ${l}`).join("\n")}\n`), /stacks\/development\.yaml/, /Excessive alias count/);
    refused(project(developmentYaml.replace(/^region: .*$/m, "region: *nowhere")), /stacks\/development\.yaml/, /Unresolved alias/);
  });

  it("a definition over 1 MiB is refused before it is parsed", () => {
    // 200,000 keys: the parser alone took over 10 s on this.
    const keys = Array.from({ length: 200_000 }, (_, i) => `  k${i}: v`).join("\n");
    refused(project(`${developmentYaml}\nx-big:\n${keys}\n`), /stacks\/development\.yaml/, /bytes; at most 1048576/);
  });

  it("a hook file that is a device, a FIFO or too large is refused, read at most once and never to the end", () => {
    const sql = (file: string) => withData((d) => (d.hooks.afterRestore = [{ sql: file }]));
    const zero = project(sql("scrub/zero.sql"));
    execFileSync("ln", ["-s", "/dev/zero", path.join(zero, "stacks/scrub/zero.sql")]);
    refused(zero, /hooks\.afterRestore\[0\]\.sql/, /stacks\/scrub\/zero\.sql is not a regular file \(a character device\)/);
    for (const device of ["/dev/zero", "/dev/urandom"]) {
      const dir = project(withData((d) => (d.hooks.afterRestore = [{ run: "./dev.sh" }])));
      rmSync(path.join(dir, "stacks/dev.sh"), { force: true });
      execFileSync("ln", ["-s", device, path.join(dir, "stacks/dev.sh")]);
      refused(dir, /hooks\.afterRestore\[0\]\.run/, /stacks\/dev\.sh is not a regular file \(a character device\)/);
    }
    const fifo = project(sql("scrub/fifo.sql"));
    execFileSync("mkfifo", [path.join(fifo, "stacks/scrub/fifo.sql")]);
    refused(fifo, /hooks\.afterRestore\[0\]\.sql/, /is not a regular file \(a FIFO\)/);
    const big = project(sql("scrub/big.sql"));
    writeFileSync(path.join(big, "stacks/scrub/big.sql"), Buffer.alloc(17 * 1024 * 1024, 0x20));
    refused(big, /hooks\.afterRestore\[0\]\.sql/, /is 17825792 bytes; at most 16777216/);
    const ca = project(withData((d) => (d.hooks.ca = "ca.pem")));
    execFileSync("mkfifo", [path.join(ca, "stacks/ca.pem")]);
    refused(ca, /hooks\.ca/, /is not a regular file \(a FIFO\)/);
  });

  it("plan refuses a missing hook file as up does (it used to exit 0)", () => {
    refused(project(withData((d) => (d.hooks.afterRestore = [{ sql: "scrub/missing.sql" }]))), /hooks\.afterRestore\[0\]\.sql/, /no such file stacks\/scrub\/missing\.sql/);
    refused(project(withData((d) => (d.hooks.beforePromote = [{ run: "./scrub/missing.sh --check" }]))), /hooks\.beforePromote\[0\]\.run/, /no such file stacks\/scrub\/missing\.sh/);
  });

  it("durations no timer can hold are refused with the allowed range, naming file and key path", () => {
    refused(project(withData((d) => (d.hooks.afterRestore[0].timeout = "25d"))), /stacks\/development\.yaml/, /hooks\.afterRestore\[0\]\.timeout.*from 1s to 24d/);
    refused(project(withData((d) => (d.hooks.afterRestore[0].timeout = "9999999999999999999999s"))), /hooks\.afterRestore\[0\]\.timeout/);
    refused(project(withData((d) => (d.timeouts = { create: `${"9".repeat(30)}d` }))), /timeouts\.create.*must be a duration/);
    refused(project(withData((d) => (d.timeouts = { create: "31d" }))), /timeouts\.create.*from 1m to 30d/);
  });
});
