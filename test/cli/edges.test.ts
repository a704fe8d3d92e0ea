import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

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

  // `kill $!` after `npx rds-echo sandbox serve &` ends npm, which does not pass the signal on: the CLI is re-parented.
  // The wrapper here is a shell that runs the CLI as its child, as npm does, without npx's own machinery: npx first
  // installs the project into ~/.npm/_npx (running its build) and under load that alone outlasted the test (it
  // failed there and passed alone); a killed install also leaves a broken cache entry behind for every later run.
  // The README's npx quick start has its own test (approval-page.test.ts). Timed by events, with a deadline only.
  it("stops when its wrapper is killed, as `npx rds-echo sandbox serve & ... kill $!` does", async () => {
    const command = [process.execPath, CLI, "sandbox", "serve", "--port", "0", "--dir", dir].map((a) => `'${a}'`).join(" ");
    // `; exit` keeps the shell as the parent (a last command alone would be exec'd in its place).
    const wrapper = spawn("sh", ["-c", `${command}; exit $?`], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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
      // The server is the wrapper's child, not the wrapper itself: killing the wrapper leaves it running, orphaned.
      expect(childrenOf(wrapper.pid!).length).toBe(1);
    } finally {
      wrapper.kill("SIGTERM");
    }
    // The server notices its parent is gone (every 500 ms) and stops listening; a loaded machine may take seconds.
    let stopped = false;
    const deadline = Date.now() + 60_000;
    while (!stopped && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      // Stopped means refused: a server that is merely slow to answer is still serving.
      stopped = await fetch(url).then(
        () => false,
        (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED",
      );
    }
    expect(stopped).toBe(true);
  }, 180_000);

});
