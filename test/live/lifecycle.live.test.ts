/**
 * The full lifecycle against a real AWS account through a real Pulumi CLI: opt-in, because it restores real
 * databases (hours, and money). Run it where a Pulumi CLI and AWS credentials exist:
 *
 *   RDS_ECHO_LIVE=1 RDS_ECHO_LIVE_DIR=/path/to/definitions RDS_ECHO_LIVE_ECHO=<echo> \
 *   PULUMI_CONFIG_PASSPHRASE=… RDS_ECHO_SECRET_MASTER_PASSWORD=… npm run test:live
 *
 * RDS_ECHO_LIVE_DIR holds `stacks/<echo>.yaml` (a definition with a promote section and retire.keep: 0, pointing at a
 * source instance and a hosted zone you own); the state goes to its .rds-echo/state unless PULUMI_BACKEND_URL is set.
 */
import { describe, expect, it } from "vitest";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

const live = process.env["RDS_ECHO_LIVE"] === "1";
const dir = process.env["RDS_ECHO_LIVE_DIR"] ?? "";
const echo = process.env["RDS_ECHO_LIVE_ECHO"] ?? "development";

if (!live) {
  // Said once, so a skipped run explains itself.
  console.info("live suite skipped: set RDS_ECHO_LIVE=1 (with a Pulumi CLI, AWS credentials, RDS_ECHO_LIVE_DIR and RDS_ECHO_LIVE_ECHO) to run it");
}

function cli(...args: string[]): CliResult {
  // A real restore takes hours.
  return rdsEcho([...args, "--dir", dir], { env: {}, timeoutMs: 72 * 3_600_000 });
}

function ok<T = any>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

// Skipped unless RDS_ECHO_LIVE=1: it needs a real account, a real Pulumi CLI and hours of real restores.
describe.skipIf(!live)("live lifecycle (real AWS, real Pulumi CLI)", () => {
  it("has what it needs", () => {
    expect(dir, "RDS_ECHO_LIVE_DIR").not.toBe("");
    expect(process.env["PULUMI_CONFIG_PASSPHRASE"] ?? process.env["PULUMI_CONFIG_PASSPHRASE_FILE"], "PULUMI_CONFIG_PASSPHRASE").toBeTruthy();
  });

  it("restores, modifies, reboots and promotes a generation; the CNAME serves it", () => {
    const up = ok<{ steps: { step: string; generation: string }[] }>(cli("up", echo, "--promote", "--yes", "--json"));
    const generation = up.steps.at(-1)?.generation;
    const status = ok<{ servedBy?: string; generations: { generation: string; stage: string }[] }>(cli("status", echo, "--json"));
    expect(status.servedBy).toBe(generation);
    expect(status.generations.find((g) => g.generation === generation)?.stage).toBe("promoted");
  });

  it("a second up does nothing", () => {
    expect(ok<{ steps: unknown[] }>(cli("up", echo, "--promote", "--yes", "--json")).steps).toEqual([]);
  });

  it("a forced second generation takes over, and the first is retired once the TTL has passed", async () => {
    const before = ok<{ servedBy?: string }>(cli("status", echo, "--json")).servedBy;
    ok(cli("new", echo, "--force", "--yes", "--json"));
    ok(cli("up", echo, "--promote", "--yes", "--json"));
    const after = ok<{ servedBy?: string; generations: { generation: string; stage: string }[] }>(cli("status", echo, "--json"));
    expect(after.servedBy).not.toBe(before);
    expect(after.generations.find((g) => g.generation === before)?.stage).toBe("forgotten");
    await new Promise((resolve) => setTimeout(resolve, 5 * 60_000));
    const retired = ok<{ steps: { step: string; generation: string }[] }>(cli("retire", echo, "--yes", "--json"));
    expect(retired.steps.map((s) => s.generation)).toContain(before);
    const history = ok<{ generation: string; message: string }[]>(cli("history", echo, "--json"));
    expect(history[0]).toMatchObject({ generation: before, message: `retire ${before}` });
  });
});
