/**
 * "Every call ends", through the CLI as a user runs it: the real adapters (a scripted pulumi answers the stack
 * listing; the call that fails is RDS's snapshot lookup, before any update), dummy credentials, and an RDS endpoint
 * on loopback that this test serves: a black hole (accepts, never answers), a closed port, a server that answers
 * what no AWS service would. Short timeouts come from the RDS_ECHO_AWS_* overrides; the default bound is held by the
 * unit test of call-settings.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakePulumi, setScript } from "../adapters/pulumi/fake-pulumi.js";
import { CLI } from "../helpers/cli.js";
import { writeExample } from "../helpers/definitions.js";

let dir: string;
let fake: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-calls-"));
  writeExample(dir);
  fake = installFakePulumi(dir);
  setScript(fake, { "stack ls": { stdout: "[]" } });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A TCP server that accepts every connection and never says a word; counts the connections (one per attempt). */
async function blackHole(): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  const port = await listen(server);
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${port}`, connections: () => connections };
}

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    }),
  );
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rds-echo <args>` with dummy credentials and no shared config, asynchronously (the test's servers must answer). */
function rdsEcho(args: readonly string[], env: Record<string, string | undefined>): Promise<Run> {
  const none = path.join(dir, "no-such-file");
  const child = spawn(process.execPath, [CLI, ...args, "--dir", dir], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: undefined,
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
      AWS_SECRET_ACCESS_KEY: "dummy-secret",
      AWS_REGION: "eu-west-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: none,
      AWS_SHARED_CREDENTIALS_FILE: none,
      FAKE_PULUMI_DIR: fake,
      PULUMI_CONFIG_PASSPHRASE: "passphrase",
      RDS_ECHO_SECRET_MASTER_PASSWORD: "Echo-Passw0rd-for-tests",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // A run that would not end is killed, and the test fails on its null exit code.
  const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const SHORT = { RDS_ECHO_AWS_CONNECT_TIMEOUT: "500ms", RDS_ECHO_AWS_REQUEST_TIMEOUT: "700ms", RDS_ECHO_AWS_MAX_ATTEMPTS: "2" };

describe("an AWS endpoint that never answers", () => {
  it("ends `up` with exit 1 naming the service, the operation, the endpoint and AWS_ENDPOINT_URL_RDS, after the allowed attempts", async () => {
    const hole = await blackHole();
    const r = await rdsEcho(["up", "development", "--yes"], { ...SHORT, AWS_ENDPOINT_URL_RDS: hole.url });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`RDS DescribeDBSnapshots at ${hole.url} (endpoint from AWS_ENDPOINT_URL_RDS): no answer within 700 ms after 2 attempts`);
    expect(r.stderr).toContain("RDS_ECHO_AWS_REQUEST_TIMEOUT");
    // One connection per attempt: the retries were bounded by RDS_ECHO_AWS_MAX_ATTEMPTS.
    expect(hole.connections()).toBe(2);
  }, 60_000);

  it("names AWS_ENDPOINT_URL when that is where the endpoint came from, and a profile's endpoint_url when it is", async () => {
    const hole = await blackHole();
    const generic = await rdsEcho(["up", "development", "--yes"], { ...SHORT, RDS_ECHO_AWS_MAX_ATTEMPTS: "1", AWS_ENDPOINT_URL: hole.url });
    expect(generic.code, generic.stderr).toBe(1);
    expect(generic.stderr).toContain(`at ${hole.url} (endpoint from AWS_ENDPOINT_URL): no answer within 700 ms after 1 attempt `);

    const config = path.join(dir, "aws-config");
    const credentials = path.join(dir, "aws-credentials");
    writeFileSync(config, `[profile echo]\nregion = eu-west-1\nendpoint_url = ${hole.url}\n`);
    writeFileSync(credentials, "[echo]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = dummy-secret\n");
    const profile = await rdsEcho(["up", "development", "--yes"], {
      ...SHORT,
      RDS_ECHO_AWS_MAX_ATTEMPTS: "1",
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_PROFILE: "echo",
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });
    expect(profile.code, profile.stderr).toBe(1);
    expect(profile.stderr).toContain(`at ${hole.url} (endpoint from endpoint_url of the profile "echo" in ${config})`);
  }, 60_000);
});

describe("AWS failures that carry no AWS answer get the same context", () => {
  it("a refused connection (ECONNREFUSED)", async () => {
    const server = createServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const url = `http://127.0.0.1:${port}`;
    const r = await rdsEcho(["up", "development", "--yes"], { ...SHORT, AWS_ENDPOINT_URL_RDS: url });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`RDS DescribeDBSnapshots at ${url} (endpoint from AWS_ENDPOINT_URL_RDS): the connection was refused (ECONNREFUSED) after 2 attempts`);
  }, 60_000);

  it("an answer no AWS service would send: an error reply without a code (Unknown), a body that is no AWS reply", async () => {
    let teapot = false;
    const server = createHttpServer((_req, res) => {
      res.writeHead(teapot ? 418 : 400, { "content-type": "text/plain" });
      res.end(teapot ? "I'm a teapot" : "");
    });
    const port = await listen(server);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${port}`;
    const unknown = await rdsEcho(["up", "development", "--yes"], { ...SHORT, AWS_ENDPOINT_URL_RDS: url });
    expect(unknown.code, unknown.stderr).toBe(1);
    expect(unknown.stderr).toContain(`RDS DescribeDBSnapshots at ${url} (endpoint from AWS_ENDPOINT_URL_RDS): it answered HTTP 400 with no error AWS would send (Unknown) after 1 attempt`);
    teapot = true;
    const unreadable = await rdsEcho(["up", "development", "--yes"], { ...SHORT, AWS_ENDPOINT_URL_RDS: url });
    expect(unreadable.code, unreadable.stderr).toBe(1);
    expect(unreadable.stderr).toContain(`RDS DescribeDBSnapshots at ${url} (endpoint from AWS_ENDPOINT_URL_RDS): it answered HTTP 418 with no error AWS would send (Error: @aws-sdk XML parse error`);
  }, 60_000);
});

describe("the overrides are checked at the edge", () => {
  it.each([
    ["RDS_ECHO_AWS_CONNECT_TIMEOUT", "fast", /RDS_ECHO_AWS_CONNECT_TIMEOUT must be a duration from 100ms to 10m.*got "fast"/],
    ["RDS_ECHO_AWS_REQUEST_TIMEOUT", "0", /RDS_ECHO_AWS_REQUEST_TIMEOUT must be a duration/],
    ["RDS_ECHO_AWS_MAX_ATTEMPTS", "0", /RDS_ECHO_AWS_MAX_ATTEMPTS must be a whole number of attempts from 1 \(no retry\) to 20; got "0"/],
  ])("%s=%s is exit 2 before any call", async (name, value, message) => {
    const hole = await blackHole();
    const r = await rdsEcho(["up", "development", "--yes"], { [name]: value, AWS_ENDPOINT_URL_RDS: hole.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hole.connections()).toBe(0);
  });
});
