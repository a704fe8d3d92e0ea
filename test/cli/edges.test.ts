import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, developmentYaml, writeExample } from "../helpers/definitions.js";
import { CLI, rdsEcho } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-edges-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
  expect(rdsEcho(["up", "development", "--sandbox", "--promote", "--yes", "--dir", dir], { env }).status).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the CLI with a reader that closes its end of the pipe at once, as `| head -1` does once it has its line. */
function closedPipe(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, stderr })));
}

describe("pipes", () => {
  it.each([
    [["plan", "development"]],
    [["status", "--sandbox", "--dir", "DIR"]],
    [["history", "development", "--sandbox", "--dir", "DIR"]],
    [["sandbox", "show", "--dir", "DIR"]],
  ])("%j | head -1 ends quietly with code 0", async (args) => {
    const r = await closedPipe(args.map((a) => (a === "DIR" ? dir : a)));
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(r.status).toBe(0);
  });
});

describe("the wrong directory", () => {
  it("names the absolute stacks/ path under --dir it looked in, for one echo and for all", async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), "rds-echo-nostacks-"));
    try {
      for (const args of [["plan", "development"], ["status", "--sandbox"], ["up", "development", "--sandbox"]]) {
        const r = rdsEcho([...args, "--dir", empty]);
        expect(r.status, args.join(" ")).toBe(2);
        expect(r.stderr).toContain(`no stacks/ directory under ${empty} (the project root, --dir)`);
        expect(r.stderr).not.toContain("rds-echo config");
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it("config --dir /nowhere refuses instead of creating the tree; printed next commands carry --dir", async () => {
    const nowhere = path.join(dir, "no", "such", "project");
    const r = rdsEcho(["config", "staging", "--dir", nowhere]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--dir ${nowhere}: no such directory`);
    expect(existsSync(path.join(dir, "no"))).toBe(false);

    const written = rdsEcho(["config", "staging", "--dir", dir]);
    expect(written.status).toBe(0);
    expect(written.stdout).toContain(`\`rds-echo plan staging --dir ${dir}\``);
    const missing = rdsEcho(["plan", "nosuch", "--dir", dir]);
    expect(missing.stderr).toContain(`\`rds-echo config nosuch --dir ${dir}\``);
    await rm(path.join(dir, "stacks/staging.yaml"));
  });
});

describe("status of every echo with one bad definition", () => {
  it("shows the others, names the bad one's problem, exits 2", async () => {
    await writeFile(path.join(dir, "stacks/broken.yaml"), developmentYaml.replace("class: db.t3.medium", "klass: db.t3.medium"));
    try {
      const text = rdsEcho(["status", "--sandbox", "--dir", dir], { env });
      expect(text.status).toBe(2);
      expect(text.stdout).toMatch(/^development: development\.db\.example\.com -> /);
      expect(text.stderr).toMatch(/broken\.yaml: 2 problems/);
      const json = rdsEcho(["status", "--sandbox", "--json", "--dir", dir], { env });
      expect(json.status).toBe(2);
      const doc = JSON.parse(json.stdout);
      expect(doc.echoes.map((e: { echo: string }) => e.echo)).toEqual(["development"]);
      expect(doc.problems).toContainEqual({ file: expect.stringMatching(/broken\.yaml$/), path: "instance.klass", line: expect.any(Number), message: expect.stringContaining("unknown key") });
    } finally {
      await rm(path.join(dir, "stacks/broken.yaml"));
    }
  });
});

describe("sandbox serve", () => {
  it("a port in use is a clear message and exit 2, suggesting --port", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = rdsEcho(["sandbox", "serve", "--port", String(port), "--dir", dir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(r.stderr).toContain("--port <n>");
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it("stops when its npm wrapper is killed, as `npx rds-echo sandbox serve & ... kill $!` does", async () => {
    const wrapper = spawn("npx", ["--no-install", "rds-echo", "sandbox", "serve", "--port", "0", "--dir", dir], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      wrapper.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (found) resolve(found);
      });
      wrapper.once("exit", () => reject(new Error(`npx exited before serving: ${out}`)));
    });
    try {
      expect((await fetch(url)).status).toBe(403); // it answers: an unsigned request is refused
    } finally {
      wrapper.kill("SIGTERM");
    }
    // The server notices its parent is gone within a second or so and stops listening.
    let stopped = false;
    for (let i = 0; i < 50 && !stopped; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stopped = await fetch(url).then(
        () => false,
        () => true,
      );
    }
    expect(stopped).toBe(true);
  });
});
