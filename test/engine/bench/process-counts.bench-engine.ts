/**
 * How many Pulumi CLI processes each command starts, counted by the shim: `status` over 3 echoes x 5 generations,
 * `up` with nothing to do (a settled echo; and one waiting for --promote), one stage move, and `up --all` (4 echoes
 * from nothing to promoted, 4 at once, with the peak memory of the whole process tree; then 50 settled echoes, 46 of
 * them copies of a real one, see fleet.ts). Writes the figures
 * to $RDS_ECHO_BENCH_OUT for bench/run.mjs to print. Four of each echo's five generations are copies of its real
 * one (state imported under another generation's name, an instance restored in moto with the same tags): the
 * commands measured read them exactly as they read real ones.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RDSClient, RestoreDBInstanceFromDBSnapshotCommand } from "@aws-sdk/client-rds";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instances, resetMoto, tagsOf } from "../harness/aws.js";
import { pulumi } from "../harness/cli.js";
import { makeProject, seedAccount, SOURCE_SNAPSHOT, type Project } from "../harness/project.js";
import { EngineEnv, suite, type Run } from "../harness/suite.js";
import { runMeasured, settledCopy, writeEcho } from "./fleet.js";

const ECHOES = ["alpha", "beta", "gamma"] as const;
let project: Project;
let env: EngineEnv;
let zoneId: string;
let fixture: string;
const figures: Record<string, { processes: number; commands: string[]; peakRssMb?: number; peakProcesses?: number; seconds?: number }> = {};

beforeAll(async () => {
  await resetMoto();
  ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
  project = makeProject();
  env = new EngineEnv(project);
  fixture = readFileSync(path.join(project.root, "stacks", "development.yaml"), "utf8");
  for (const echo of ECHOES) {
    writeFileSync(path.join(project.root, "stacks", `${echo}.yaml`), fixture.replace(/development\.db\.example\.com/g, `${echo}.db.example.com`));
  }
});
afterAll(() => {
  env?.dispose();
  project?.remove();
  const out = process.env["RDS_ECHO_BENCH_OUT"];
  if (out) writeFileSync(out, JSON.stringify(figures, null, 2));
});

function record(label: string, run: Run, extra: { peakRssMb?: number; peakProcesses?: number; seconds?: number } = {}): void {
  expect(run.code, `${label}: ${run.stdout}\n${run.stderr}`).toBe(0);
  figures[label] = { processes: run.pulumiCalls.length, commands: run.pulumiCalls.map((c) => c.argv.filter((a) => a !== "--non-interactive").slice(0, 2).join(" ")), ...extra };
}

/** Four more generations of an echo, copied from its real one, at earlier minutes. */
async function copies(echo: string, real: string): Promise<void> {
  const exported = pulumi(env, ["stack", "export", "-s", real]);
  expect(exported.code, exported.stderr).toBe(0);
  const instance = (await instances()).find((i) => i.DBInstanceIdentifier === real)!;
  const config = { region: suite().motoEnv["AWS_REGION"], endpoint: suite().motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  const rds = new RDSClient(config);
  try {
    for (let minute = 1; minute <= 4; minute++) {
      const name = `${echo}-20261101-000${minute}`;
      const dir = path.join(project.root, ".rds-echo");
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, exported.stdout.split(real).join(name));
      writeFileSync(path.join(project.root, `Pulumi.${name}.yaml`), readFileSync(path.join(project.root, `Pulumi.${real}.yaml`), "utf8").split(real).join(name));
      for (const args of [["stack", "init", name], ["stack", "import", "-s", name, "--file", file]]) {
        const done = pulumi(env, args);
        expect(done.code, done.stderr).toBe(0);
      }
      const tags = { ...tagsOf(instance), "echo:generation": name, "echo:stage": "forgotten" };
      await rds.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: name,
          DBSnapshotIdentifier: SOURCE_SNAPSHOT,
          DBInstanceClass: "db.t3.medium",
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
  } finally {
    rds.destroy();
  }
}

it("counts the Pulumi processes of status, up with nothing to do, and one stage move", async () => {
  for (const echo of ECHOES) {
    await env.run(["new", echo, "--yes"]).then((run) => expect(run.code, run.stderr).toBe(0));
    const real = (await instances()).find((i) => i.DBInstanceIdentifier?.startsWith(`${echo}-`))!.DBInstanceIdentifier!;
    if (echo === "alpha") {
      record("one stage move (modify)", await env.run(["modify", echo, "--yes"]));
      await env.run(["reboot", echo, "--yes"]).then((run) => expect(run.code, run.stderr).toBe(0));
      record("up, nothing to do (waiting for --promote)", await env.run(["up", echo, "--yes"]));
      await env.run(["up", echo, "--promote", "--yes"]).then((run) => expect(run.code, run.stderr).toBe(0));
      // Before the copies: a copy of a promoted generation says "promoted" in its stack too, and two promoted
      // generations are an unfinished promotion, not a settled echo.
      record("up --promote, nothing to do (settled)", await env.run(["up", echo, "--promote", "--yes"]));
    }
    await copies(echo, real);
  }
  record("status, 3 echoes x 5 generations", await env.run(["status"]));
  const listed = await env.run(["status", "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout.match(/"(alpha|beta|gamma)-\d{8}-\d{4}"/g)?.length ?? 0).toBeGreaterThanOrEqual(15);
});

const fleetEcho = (i: number) => `fleet${String(i).padStart(2, "0")}`;

it("counts the Pulumi processes and the peak memory of up --all", async () => {
  // A checkout of its own, with only the fleet's echoes in stacks/, on the same moto account (one hosted zone).
  const fleetProject = makeProject();
  const fleetEnv = new EngineEnv(fleetProject);
  try {
    rmSync(path.join(fleetProject.root, "stacks", "development.yaml"));
    for (let i = 1; i <= 4; i++) writeEcho(fleetProject, fixture, fleetEcho(i));
    const started = Date.now();
    const moving = await runMeasured(fleetEnv, ["up", "--all", "--promote", "--yes", "--parallel", "4", "--json"]);
    record("up --all --parallel 4: 4 echoes, nothing to promoted", moving.run, { peakRssMb: moving.peakRssMb, peakProcesses: moving.peakProcesses, seconds: Math.round((Date.now() - started) / 1000) });
    const moved = JSON.parse(moving.run.stdout) as { echoes: { echo: string; steps: string[] }[] };
    expect(moved.echoes.map((e) => [e.echo, e.steps.at(-1)])).toEqual([1, 2, 3, 4].map((i) => [fleetEcho(i), "promote"]));

    // 46 more, settled as fleet01 is: copies of its promoted generation.
    const real = (await instances()).find((i) => i.DBInstanceIdentifier?.startsWith(`${fleetEcho(1)}-`))!.DBInstanceIdentifier!;
    const exported = pulumi(fleetEnv, ["stack", "export", "-s", real]);
    expect(exported.code, exported.stderr).toBe(0);
    for (let i = 5; i <= 50; i++) {
      writeEcho(fleetProject, fixture, fleetEcho(i));
      await settledCopy(fleetEnv, zoneId, fleetEcho(1), real, exported.stdout, fleetEcho(i));
    }
    const settled = await runMeasured(fleetEnv, ["up", "--all", "--promote", "--yes", "--json"]);
    record("up --all --promote: 50 settled echoes", settled.run, { peakRssMb: settled.peakRssMb, peakProcesses: settled.peakProcesses });
    const summary = JSON.parse(settled.run.stdout) as { echoes: { echo: string; steps: string[]; result: string }[] };
    expect(summary.echoes).toHaveLength(50);
    // Settled: no step taken by any echo (each waits for its next generation's due time).
    expect(summary.echoes.filter((e) => e.steps.length > 0 || !["waiting", "nothing to do"].includes(e.result))).toEqual([]);
    const four = await runMeasured(fleetEnv, ["up", "--all", "--promote", "--yes", "--parallel", "4"]);
    record("up --all --promote --parallel 4: 50 settled", four.run, { peakRssMb: four.peakRssMb, peakProcesses: four.peakProcesses });
  } finally {
    fleetEnv.dispose();
    fleetProject.remove();
  }
});
