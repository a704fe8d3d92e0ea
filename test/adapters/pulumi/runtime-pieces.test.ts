/** The small real-path pieces of the Pulumi adapter: paged history, file-backend locks, the CLI process runner. */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { assertMinimumVersion } from "../../../src/adapters/pulumi/cli.js";
import { pagedHistory } from "../../../src/adapters/pulumi/history.js";
import { FileLockStore, fileBackendDir, heldLocks, isStale, releaseStaleLocks } from "../../../src/adapters/pulumi/locks.js";
import { runCli } from "../../../src/adapters/pulumi/process.js";
import { assertBackendExists } from "../../../src/adapters/pulumi/workspace.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-pieces-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("pagedHistory", () => {
  const entries = Array.from({ length: 250 }, (_, i) => i);
  const reader = (asked: Array<[number, number]>) => async (size: number, page: number) => {
    asked.push([size, page]);
    return entries.slice((page - 1) * size, page * size);
  };

  it("reads every page until a short one, so nothing past the CLI's default 10 is dropped", async () => {
    const asked: Array<[number, number]> = [];
    expect(await pagedHistory(reader(asked))).toEqual(entries);
    expect(asked).toEqual([[100, 1], [100, 2], [100, 3]]);
  });

  it("asks for exactly one entry when only the newest is wanted", async () => {
    const asked: Array<[number, number]> = [];
    expect(await pagedHistory(reader(asked), 1)).toEqual([0]);
    expect(asked).toEqual([[1, 1]]);
  });
});

describe("file backend locks", () => {
  it("finds the lock files the DIY backend writes, with who holds them", async () => {
    const state = tempDir();
    const lockDir = path.join(state, ".pulumi/locks/organization/rds-echo/development-20261125-1230");
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(path.join(lockDir, "0b5f.json"), JSON.stringify({ pid: 4242, username: "ci", hostname: "runner-3", timestamp: "2026-11-25T12:30:00Z" }));
    mkdirSync(path.join(state, ".pulumi/locks/organization/billing/other"), { recursive: true });
    writeFileSync(path.join(state, ".pulumi/locks/organization/billing/other/1.json"), "{}");
    const locks = await heldLocks(state, "rds-echo");
    expect(locks).toEqual([
      { stack: "development-20261125-1230", file: path.join(lockDir, "0b5f.json"), pid: 4242, username: "ci", hostname: "runner-3", timestamp: "2026-11-25T12:30:00Z" },
    ]);
    expect(await heldLocks(tempDir(), "rds-echo")).toEqual([]);
  });

  it.runIf(process.platform === "linux")("a zombie holds no lock: killed, never reaped, it will release nothing", async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 3`, which never waits for it: a zombie for 3 s.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 3"], { stdio: ["ignore", "pipe", "ignore"] });
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()))));
    try {
      let state = "";
      for (let i = 0; i < 50 && !state.startsWith("Z"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const stat = readFileSync(`/proc/${zombie}/stat`, "utf8");
        state = stat.slice(stat.lastIndexOf(")") + 2);
      }
      expect(state.startsWith("Z"), "the child became a zombie").toBe(true);
      expect(isStale({ stack: "s", file: "f", pid: zombie, hostname: "host-a" }, "host-a")).toBe(true);
      expect(isStale({ stack: "s", file: "f", pid: parent.pid!, hostname: "host-a" }, "host-a")).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  it("a lock is stale only when its holder ran on this host and runs no more; only those files are released", async () => {
    const state = tempDir();
    const stack = "development-20261125-1230";
    const lockDir = path.join(state, ".pulumi/locks/organization/rds-echo", stack);
    mkdirSync(lockDir, { recursive: true });
    // A pid that is certainly gone: a child that has exited and been reaped.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const write = (name: string, pid: number, hostname: string) => writeFileSync(path.join(lockDir, name), JSON.stringify({ pid, hostname, username: "ci" }));
    write("dead-here.json", gone, "host-a");
    write("alive-here.json", process.pid, "host-a");
    write("dead-elsewhere.json", gone, "host-b");
    const byFile = async () => Object.fromEntries((await heldLocks(state, "rds-echo")).map((l) => [path.basename(l.file), isStale(l, "host-a")]));
    expect(await byFile()).toEqual({ "dead-here.json": true, "alive-here.json": false, "dead-elsewhere.json": false });
    const store = new FileLockStore(state);
    const released = await releaseStaleLocks(store, "rds-echo", (s) => s === stack, undefined, "host-a");
    expect(released.map((l) => `${path.basename(l.file)} ${l.reason}`)).toEqual(["dead-here.json dead-pid"]);
    expect(readdirSync(lockDir).sort()).toEqual(["alive-here.json", "dead-elsewhere.json"]);
    expect(await releaseStaleLocks(store, "rds-echo", (s) => s === "other-stack", undefined, "host-a")).toEqual([]);
  });

  it("knows a file backend's directory from its URL, and nothing of other backends", () => {
    expect(fileBackendDir("file:///var/lib/echo")).toBe("/var/lib/echo");
    expect(fileBackendDir("file://~/state")).toBe(path.join(os.homedir(), "state"));
    expect(fileBackendDir("s3://bucket/prefix")).toBeUndefined();
  });

  it("refuses a chosen file backend that does not exist rather than starting an empty one", async () => {
    await expect(assertBackendExists({ url: "file:///nowhere/at/all" })).rejects.toThrow(/does not exist: create \/nowhere\/at\/all/);
    await expect(assertBackendExists({ url: `file://${tempDir()}` })).resolves.toBeUndefined();
  });
});

describe("runCli", () => {
  const script = (body: string) => {
    const file = path.join(tempDir(), "cli.sh");
    writeFileSync(file, `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
    return file;
  };

  it("feeds input on stdin (never in argv) and gives /dev/null otherwise", async () => {
    const cli = script('echo "args=$*"; echo "stdin=$(cat)"');
    expect((await runCli(cli, ["config", "set"], { cwd: os.tmpdir(), env: {}, input: "s3cret" })).stdout).toBe("args=config set\nstdin=s3cret\n");
    expect((await runCli(cli, [], { cwd: os.tmpdir(), env: {} })).stdout).toBe("args=\nstdin=\n");
  });

  it("runs the CLI in a process group of its own, and an abort sends it exactly one SIGINT", async () => {
    const cli = script('trap \'echo "SIGINT $((++n))"\' INT; echo "group $(ps -o pgid= $$ | tr -d " ") self $$"; for i in $(seq 40); do sleep 0.05; done');
    const abort = new AbortController();
    const pending = runCli(cli, [], { cwd: os.tmpdir(), env: {}, signal: abort.signal, onStdout: () => abort.abort() });
    const result = await pending;
    const [, group, , self] = result.stdout.split("\n")[0]!.split(" ");
    expect(group).toBe(self);
    expect(Number(group)).not.toBe(process.pid);
    expect(result.stdout.match(/SIGINT/g)).toEqual(["SIGINT"]);
  });

  it("reports a binary that cannot be started as a spawn error, not a throw", async () => {
    const result = await runCli(path.join(tempDir(), "missing"), [], { cwd: os.tmpdir(), env: {} });
    expect(result.err).toMatchObject({ code: "ENOENT" });
  });
});

describe("assertMinimumVersion", () => {
  const cli = (version: string | null) =>
    ({ command: "/opt/pulumi/bin/pulumi", version: version === null ? null : { version, compare: (other: string) => compareVersions(version, other) } }) as unknown as PulumiCommand;
  const compareVersions = (a: string, b: string) => {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! < y![i]! ? -1 : 1;
    return 0;
  };

  it("refuses a CLI older than 3.181 (inline refresh and destroy), naming both versions; lets newer ones and dev builds through", () => {
    expect(() => assertMinimumVersion(cli("3.180.0"))).toThrow(/\/opt\/pulumi\/bin\/pulumi is v3\.180\.0; rds-echo needs v3\.181\.0 or newer/);
    expect(assertMinimumVersion(cli("3.248.0")).command).toBe("/opt/pulumi/bin/pulumi");
    expect(assertMinimumVersion(cli(null)).version).toBeNull();
  });
});
