import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { CLI, rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
let server: ChildProcess | undefined;
const env = { RDS_ECHO_SANDBOX_SPEED: "max" };

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-approval-"));
  await mkdir(path.join(dir, "stacks"));
  const definition = developmentYaml.replace("promote:\n", "promote:\n  approval:\n    approvers: [alice@example.com]\n    email: { from: rds-echo@example.com }\n");
  await writeExample(dir, definition);
});

afterAll(async () => {
  server?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
});

/** Starts `rds-echo sandbox serve` on a free loopback port and resolves with its URL. */
function serve(): Promise<string> {
  server = spawn(process.execPath, [CLI, "sandbox", "serve", "--port", "0", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    server!.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    server!.once("exit", (code) => reject(new Error(`sandbox serve exited ${code}`)));
  });
}

describe("approval through the CLI on the sandbox (subprocesses)", () => {
  it("promote waits, --request prints links, a click on the sandbox endpoint lets promote proceed", async () => {
    expect(cli("up", "development", "--sandbox", "--yes").status).toBe(0);
    const waiting = cli("promote", "development", "--sandbox", "--yes");
    expect(waiting.status).toBe(0);
    expect(waiting.stdout).toMatch(/^wait {5}development-\d{8}-\d{4} {2}waits for approval: no approval request is open/);

    const url = await serve();
    // E-mailed links are the approvers' own: the requester's output says who was sent what, and holds no link.
    const quiet = cli("promote", "development", "--sandbox", "--request", "--yes");
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/e-mailed alice@example\.com: approve and cancel links/);
    expect(quiet.stdout + quiet.stderr).not.toContain("X-Amz-Signature");
    const quietJson = cli("promote", "development", "--sandbox", "--request", "--yes", "--json");
    // Opened in the same (simulated) second as the one before: refused, a request must be newer than the one it supersedes.
    expect(quietJson.status).toBe(2);
    expect(quietJson.stdout + quietJson.stderr).toContain("not before now");
    expect(cli("sandbox", "advance", "1m").status).toBe(0);
    const quietAgain = cli("promote", "development", "--sandbox", "--request", "--yes", "--json");
    expect(quietAgain.status, quietAgain.stderr).toBe(0);
    expect(quietAgain.stdout).not.toContain("X-Amz-Signature");
    expect(JSON.parse(quietAgain.stdout)).toMatchObject({ emailed: ["alice@example.com"], sent: [{ approver: "alice@example.com" }] });
    expect(JSON.parse(quietAgain.stdout).links).toBeUndefined();

    expect(cli("sandbox", "advance", "1m").status).toBe(0);
    const opened = cli("promote", "development", "--sandbox", "--request", "--show-links", "--yes", "--json");
    expect(opened.status, opened.stderr).toBe(0);
    const { links, emailed, request } = JSON.parse(opened.stdout);
    expect(emailed).toEqual(["alice@example.com"]);
    // No confirmation page configured: today's direct links are e-mailed, with a warning saying what that risks.
    expect(opened.stderr).toContain("promote.approval.pageUrl is not set: the e-mails carry the signed links themselves");
    expect(links[0].approve.startsWith(`${url}/?`)).toBe(true);
    expect(links[0].approve).toContain("Action=AddTagsToResource");
    expect(links[0].approve).toContain("X-Amz-Signature=");

    const approvals = JSON.parse(cli("approvals", "development", "--sandbox", "--json").stdout);
    expect(approvals).toMatchObject([{ request: { id: request.id }, approvedBy: [], granted: false }]);

    const click = await fetch(links[0].approve);
    expect(click.status).toBe(200);
    expect(await click.text()).toContain("<AddTagsToResourceResponse");

    const text = cli("approvals", "development", "--sandbox");
    expect(text.stdout).toMatch(/approved {2}alice@example\.com {2}\(seen \d{4}-/);
    expect(text.stdout).toContain("GRANTED");
    const promoted = JSON.parse(cli("promote", "development", "--sandbox", "--yes", "--json").stdout);
    expect(promoted.steps[0]).toMatchObject({ step: "promote" });
    const outbox = JSON.parse(cli("sandbox", "show", "--json").stdout).outbox;
    // One e-mail per request opened (three above); the sandbox's outbox, unlike the requester's output, holds the links.
    expect(outbox).toHaveLength(3);
    expect(outbox.at(-1)).toMatchObject({ to: "alice@example.com", from: "rds-echo@example.com" });
    expect(outbox.at(-1).text).toContain(links[0].approve);
  });

  it("refuses a bad request before any cloud call (exit 2)", () => {
    expect(cli("promote", "development", "--sandbox", "--request", "--approver", "not-an-email", "--yes").status).toBe(2);
    expect(cli("promote", "development", "--sandbox", "--request", "--expires", "8d", "--yes").stderr).toMatch(/7 days|604800/);
    // Without --sandbox the signer's long-term keys are required, and checked first.
    const real = rdsEcho(["promote", "development", "--request", "--yes", "--dir", dir], { env: { RDS_ECHO_SIGNER_ACCESS_KEY_ID: "ASIATEMPORARY", RDS_ECHO_SIGNER_SECRET_ACCESS_KEY: "x" } });
    expect(real.status).toBe(2);
    expect(real.stderr).toContain("temporary credentials (ASIA…) would expire the links early");
    // Decisions are proven with the decision key: without it, asking for (or waiting on) approval stops before any call.
    const signer = { RDS_ECHO_SIGNER_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00", RDS_ECHO_SIGNER_SECRET_ACCESS_KEY: "x", RDS_ECHO_SIGNER_DECISION_KEY: "" };
    for (const args of [["promote", "development", "--request", "--yes"], ["promote", "development", "--yes"], ["approvals", "development"]]) {
      const noKey = rdsEcho([...args, "--dir", dir], { env: signer });
      expect(noKey.status, args.join(" ")).toBe(2);
      expect(noKey.stderr, args.join(" ")).toContain("set RDS_ECHO_SIGNER_DECISION_KEY");
    }
    const short = rdsEcho(["promote", "development", "--request", "--yes", "--dir", dir], { env: { ...signer, RDS_ECHO_SIGNER_DECISION_KEY: "short" } });
    expect(short.status).toBe(2);
    expect(short.stderr).toContain("use at least 32 random ones");
    // The key is never echoed.
    expect(short.stderr).not.toContain("short");
  });
});
