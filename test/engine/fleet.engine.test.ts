/**
 * `up --all` through the real CLI: two echoes restoring side by side when Ctrl-C comes. The first SIGINT cancels both
 * Pulumi operations and waits for them (each restore already under way finishes first), prints the summary and exits
 * 130, leaving no CLI and no lock; the next `up --all` carries both generations on, restoring nothing twice.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { instances, resetMoto, tagsOf } from "./harness/aws.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { alive, EngineEnv, lockFiles, ok, suite, waitFor } from "./harness/suite.js";

/** The stand-in provider waits this long before its first poll: the window the signal strikes in. */
const SLOW_PROVIDER = { RDS_ECHO_STANDIN_FIRST_POLL_MS: "15000" };
const ECHOES = ["sigone", "sigtwo"] as const;

let project: Project;
let env: EngineEnv;

beforeEach(async () => {
  await resetMoto();
  await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! });
  project = makeProject();
  env = new EngineEnv(project);
  const fixture = readFileSync(path.join(project.root, "stacks", "development.yaml"), "utf8");
  rmSync(path.join(project.root, "stacks", "development.yaml"));
  for (const echo of ECHOES) writeFileSync(path.join(project.root, "stacks", `${echo}.yaml`), fixture.replace(/development\.db\.example\.com/g, `${echo}.db.example.com`));
});
afterEach(() => {
  env?.dispose();
  project?.remove();
});

const fleetInstances = async () => (await instances()).filter((i) => /^sig(one|two)-/.test(i.DBInstanceIdentifier ?? ""));

it("SIGINT with two echoes' restores in flight: both cancelled cleanly, the summary, exit 130; the next up --all goes on", async () => {
  const run = env.start(["up", "--all", "--yes", "--parallel", "2"], SLOW_PROVIDER);
  await waitFor("both restores", async () => (await fleetInstances()).length === 2);
  process.kill(-run.child.pid!, "SIGINT");
  const stopped = await run.done;
  expect(stopped.code, stopped.stdout + stopped.stderr).toBe(130);
  expect(stopped.stderr).toContain("cancelling the Pulumi operation in flight");
  expect(stopped.stderr).toContain("rds-echo up --all");
  // Both echoes are in the table as interrupted; every line before it is one echo's.
  expect(stopped.stdout).toMatch(/^sigone +- +interrupted \(exit 130\)/m);
  expect(stopped.stdout).toMatch(/^sigtwo +- +interrupted \(exit 130\)/m);
  expect(stopped.stdout).toMatch(/^sigone: interrupted: interrupted by SIGINT: the Pulumi operation was cancelled and its lock released/m);
  // Every other line of stderr is one echo's whole line (the CLI's output included), never two mixed.
  for (const line of stopped.stderr.split("\n").filter((l) => /\S/.test(l) && !l.startsWith("SIGINT: cancelling"))) expect(line).toMatch(/^sig(one|two) \| /);
  for (const call of stopped.pulumiCalls) expect(alive(call.pid), `pulumi ${call.argv.join(" ")} still runs`).toBe(false);
  expect(lockFiles(project.backendUrl)).toEqual([]);
  const restored = (await fleetInstances()).map((i) => [i.DBInstanceIdentifier, i.InstanceCreateTime?.toISOString()]);

  const next = ok(await env.run(["up", "--all", "--yes", "--json"]));
  const summary = JSON.parse(next.stdout) as { exitCode: number; echoes: { echo: string; steps: string[] }[] };
  expect(summary.exitCode).toBe(0);
  expect(summary.echoes.map((e) => [e.echo, e.steps.at(-1)])).toEqual(ECHOES.map((echo) => [echo, "reboot"]));
  // The same two instances, never restored again, each carried on to rebooted.
  const live = await fleetInstances();
  expect(live.map((i) => [i.DBInstanceIdentifier, i.InstanceCreateTime?.toISOString()])).toEqual(restored);
  expect(live.map((i) => tagsOf(i)["echo:stage"])).toEqual(["rebooted", "rebooted"]);
});
