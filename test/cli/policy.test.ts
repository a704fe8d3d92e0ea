import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, rdsEcho } from "../helpers/cli.js";
import { REPO_ROOT, writeExample } from "../helpers/definitions.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeExample(dir);
cpSync(path.join(REPO_ROOT, "stacks/examples/cross-account.yaml"), path.join(dir, "stacks/cross-account.yaml"));
// No AWS credentials anywhere the SDK looks: a command that called AWS here would fail on credentials, not on input.
const noAws = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: undefined, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"), AWS_CONFIG_FILE: path.join(dir, "none"), AWS_EC2_METADATA_DISABLED: "true" };
const policy = (args: string[], env: NodeJS.ProcessEnv = noAws) => rdsEcho(["policy", ...args, "--dir", dir], { env });

describe("rds-echo policy <echo> [--role driver|source|signer]", () => {
  it("prints the driver's policy filled in from the definition, and says where the account came from", () => {
    const r = policy(["development", "--account", "123456789012", "--zone-id", "Z0123456789ABCDEFGHIJ"]);
    expect(r.status, r.stderr).toBe(0);
    const document = JSON.parse(r.stdout) as { Statement: { Sid: string; Resource: string | string[] }[] };
    expect(r.stdout).not.toContain("${");
    expect(r.stdout).toContain("arn:aws:rds:eu-west-1:123456789012:db:development-????????-????");
    expect(r.stdout).toContain("arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
    expect(document.Statement.map((s) => s.Sid)).not.toContain("ChangeOnlyThisEchosClusters");
    expect(r.stderr).toContain("account 123456789012 from --account");
    expect(r.stderr).toContain("hosted zone Z0123456789ABCDEFGHIJ from --zone-id");
    expect(r.stderr).toContain("left out PublishNotificationsToTheConfiguredTopic: no value for ${NotifyTopicArn}");
  });

  it("prints the source account's role and the link signer's policies; --json gives the document with its origins", () => {
    const source = policy(["cross-account", "--role", "source", "--json"]);
    expect(source.status, source.stderr).toBe(0);
    const out = JSON.parse(source.stdout) as { role: string; origins: string[]; document: unknown };
    expect(out.role).toBe("source");
    // The source role's policy needs no account of the echo's (its own account is the role's): no STS call was made.
    expect(out.origins).toEqual([]);
    expect(JSON.stringify(out.document)).toContain("arn:aws:rds:eu-central-1:210987654321:snapshot:cross-account-????????-????-source");
    const signer = policy(["development", "--role", "signer", "--account", "123456789012"]);
    expect(signer.status, signer.stderr).toBe(0);
    expect(JSON.parse(signer.stdout).Statement[0].Resource).toEqual(["arn:aws:rds:eu-west-1:123456789012:db:development-????????-????", "arn:aws:rds:eu-west-1:123456789012:cluster:development-????????-????"]);
  });

  it("refuses bad input with exit 2 before any cloud call: unknown echo, bad role, bad account, a role the echo has none of", () => {
    const cases: [string[], RegExp][] = [
      [["staging"], /no such echo definition/],
      [["development", "--role", "admin"], /Invalid values:[\s\S]*role/],
      [["development", "--account", "12345"], /--account "12345" must be a 12-digit AWS account id/],
      [["development", "--kms-key", "alias/x"], /--kms-key "alias\/x" must be a KMS key ARN/],
      [["development", "--role", "source"], /development assumes no role in a source account \(source\.assumeRole\)/],
    ];
    for (const [args, message] of cases) {
      const r = policy(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr, args.join(" ")).not.toMatch(/credentials/i);
    }
  });

  it("asks STS GetCallerIdentity for the account when no --account is given, and says so", async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls++;
      req.resume();
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::555566667777:user/x</Arn>` +
          `<UserId>AIDA</UserId><Account>555566667777</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const env = { ...process.env, ...noAws, AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` };
      const child = spawn(process.execPath, [CLI, "policy", "development", "--role", "signer", "--dir", dir], { env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(status, stderr).toBe(0);
      expect(calls).toBe(1);
      expect(stdout).toContain("arn:aws:rds:eu-west-1:555566667777:db:development-????????-????");
      expect(stderr).toContain("account 555566667777 from STS GetCallerIdentity");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("keeps --help cheap: the command module loads neither the AWS SDK, Pulumi nor the definition schema (zod)", () => {
    // A module hook that reports every import of those packages; the same hook sees zod once the command runs.
    const hook = `export async function resolve(s, c, n) { if (/^(@aws-sdk|zod|@pulumi)/.test(s)) process.stderr.write("LOADED " + s + " "); return n(s, c); }`;
    const register = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const nodeArgs = ["--import", `data:text/javascript,${encodeURIComponent(register)}`];
    const help = rdsEcho(["policy", "--help"], { nodeArgs });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--role");
    expect(help.stderr).not.toContain("LOADED");
    const run = rdsEcho(["policy", "development", "--account", "123456789012", "--zone-id", "Z1", "--dir", dir], { nodeArgs, env: noAws });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("LOADED zod");
  });
});
