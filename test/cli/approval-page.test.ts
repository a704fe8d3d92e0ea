import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { CLI, rdsEcho, type CliResult } from "../helpers/cli.js";
import { runPage } from "../helpers/page.js";

const PAGE_URL = "https://approvals.example.com/rds-echo/approve.html";
let dir: string;
let server: ChildProcess | undefined;
const env = { RDS_ECHO_SANDBOX_SPEED: "max" };
const definition = (pageUrl: string) =>
  developmentYaml.replace("promote:\n", `promote:\n  approval:\n    approvers: [alice@example.com]\n    email: { from: rds-echo@example.com }\n    pageUrl: "${pageUrl}"\n`);

function cli(...args: string[]): CliResult {
  return rdsEcho([...args, "--dir", dir], { env });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-approval-page-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, definition(PAGE_URL));
});

afterAll(async () => {
  server?.kill("SIGTERM");
  await rm(dir, { recursive: true, force: true });
});

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

describe("approval e-mails through the confirmation page (subprocesses on the sandbox)", () => {
  it("e-mails page links; the page sends the signed URL only when the button is pressed, and that approves", async () => {
    const written = cli("approval", "page", "--sandbox", "--out", path.join(dir, "approve.html"));
    expect(written.status, written.stderr).toBe(0);
    const html = await readFile(path.join(dir, "approve.html"), "utf8");
    expect(html).toContain('http-equiv="Content-Security-Policy"');

    expect(cli("up", "development", "--sandbox", "--yes").status).toBe(0);
    await serve();
    const opened = cli("promote", "development", "--sandbox", "--request", "--yes", "--json");
    expect(opened.status, opened.stderr).toBe(0);
    expect(opened.stderr).not.toContain("pageUrl is not set");
    // The e-mailed links are the approver's: the requester's output says who was sent what, without them.
    const { links, sent } = JSON.parse(opened.stdout);
    expect(links).toBeUndefined();
    expect(sent).toEqual([{ approver: "alice@example.com", sent: `approve and cancel links through the confirmation page ${PAGE_URL}` }]);
    expect(opened.stdout).not.toContain("X-Amz-Signature");

    const [mail] = JSON.parse(cli("sandbox", "show", "--json").stdout).outbox as { text: string }[];
    expect(mail!.text).not.toContain("X-Amz-Signature");
    const approveLink = /Approve: (\S+)/.exec(mail!.text)![1]!;
    expect(approveLink.startsWith(`${PAGE_URL}#approve=`)).toBe(true);
    const signed = Buffer.from(approveLink.slice(`${PAGE_URL}#approve=`.length), "base64url").toString("utf8");
    expect(signed).toContain("X-Amz-Signature=");

    // A scanner's GET of the link (the page URL; the fragment is never sent) decides nothing; loading the page neither.
    const page = runPage(html, approveLink.slice(approveLink.indexOf("#")));
    expect(page.navigations).toEqual([]);
    expect(JSON.parse(cli("approvals", "development", "--sandbox", "--json").stdout)).toMatchObject([{ approvedBy: [], granted: false }]);

    page.press();
    expect(page.navigations).toEqual([signed]);
    const click = await fetch(page.navigations[0]!);
    expect(await click.text()).toContain("<AddTagsToResourceResponse");
    expect(JSON.parse(cli("approvals", "development", "--sandbox", "--json").stdout)).toMatchObject([{ approvedBy: ["alice@example.com"], granted: true }]);
  });

  it("refuses a page URL that is not https, or that has a fragment of its own (exit 2)", async () => {
    for (const bad of ["http://approvals.example.com/approve.html", `${PAGE_URL}#x`]) {
      await writeExample(dir, definition(bad));
      const result = cli("promote", "development", "--sandbox", "--request", "--yes");
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toContain("promote.approval.pageUrl");
    }
    await writeExample(dir, definition(PAGE_URL));
  });
});
