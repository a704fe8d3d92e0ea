import { spawn } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYaml, writeExample } from "../helpers/definitions.js";
import { CLI, rdsEcho } from "../helpers/cli.js";

let dir: string;
const secret = { RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-kill-"));
  await mkdir(path.join(dir, "stacks"));
  await writeExample(dir, developmentYaml);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function world() {
  return JSON.parse(await readFile(path.join(dir, ".rds-echo/sandbox.json"), "utf8"));
}

/** How a lease holder's user is said (adapters/lease/holder.ts), when the uid has a name. */
function userPart(): string {
  try {
    return ` (user ${os.userInfo().username})`;
  } catch {
    return "";
  }
}

describe("a run killed in the middle of new (real processes, kill -9)", () => {
  it("overlapping cron runs wait; after the kill the next up resumes the same generation with one restore", async () => {
    // Slow simulated time: the 90-minute restore takes about 9 real seconds, long enough to interfere with it.
    const slow = spawn(process.execPath, [CLI, "up", "development", "--sandbox", "--yes", "--dir", dir], {
      env: { ...process.env, ...secret, RDS_ECHO_SANDBOX_SPEED: "600" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    slow.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Wait until RDS is restoring the instance.
    for (let i = 0; i < 100 && !/: creating \(/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/: creating \(/);
    const generation = /new (development-\d{8}-\d{4}) from/.exec(stderr)![1]!;

    // A second run while the first holds the sandbox's world (and so the stack): it stands aside, exit 0
    // (cron-friendly), names who holds it, touches nothing.
    const file = path.join(dir, ".rds-echo/sandbox.json");
    const before = await readFile(file, "utf8");
    const overlap = rdsEcho(["up", "development", "--sandbox", "--yes", "--retire", "--dir", dir], { env: { ...secret, RDS_ECHO_SANDBOX_SPEED: "max" } });
    expect(overlap.status, overlap.stderr).toBe(0);
    expect(overlap.stdout.trim()).toBe(`busy     -  another run is updating it: pid ${slow.pid} on ${os.hostname()}${userPart()}, which is changing the sandbox (.rds-echo/sandbox.json: one changing run at a time)`);
    expect(await readFile(file, "utf8")).toBe(before);

    slow.kill("SIGKILL");
    await new Promise((r) => slow.once("exit", r));
    const dead = await world();
    expect(dead.rds.instances[generation].status).toBe("creating");
    expect(dead.stacks[generation].pending).toHaveLength(1);

    const next = rdsEcho(["up", "development", "--sandbox", "--promote", "--yes", "--json", "--dir", dir], { env: { ...secret, RDS_ECHO_SANDBOX_SPEED: "max" } });
    expect(next.status, next.stderr).toBe(0);
    const steps = JSON.parse(next.stdout).steps.map((s: { step: string; generation: string }) => `${s.step} ${s.generation}`);
    expect(steps).toEqual([`resume ${generation}`, `modify ${generation}`, `reboot ${generation}`, `hooks ${generation}`, `promote ${generation}`]);
    const after = await world();
    expect(Object.keys(after.stacks)).toEqual([generation]);
    expect(Object.keys(after.rds.instances).sort()).toEqual([generation, "production-db"].sort());
    expect(after.stacks[generation].resources.map((r: { name: string }) => r.name)).toEqual(["aws", "db", "cname"]);
  });
});
