import { afterAll, beforeAll, it } from "vitest";
import { resetMoto } from "../harness/aws.js";
import { makeProject, seedAccount, type Project } from "../harness/project.js";
import { EngineEnv, suite } from "../harness/suite.js";

let project: Project;
let env: EngineEnv;
beforeAll(async () => {
  await resetMoto();
  await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! });
  project = makeProject();
  env = new EngineEnv(project);
});
afterAll(() => { env?.dispose(); project?.remove(); });

it("counts", async () => {
  const show = (label: string, r: Awaited<ReturnType<EngineEnv["run"]>>) =>
    console.log(`${label}: code ${r.code}, ${r.pulumiCalls.length} calls\n  ` + r.pulumiCalls.map((c) => c.argv.filter((a) => !a.startsWith("--non-inter")).slice(0, 4).join(" ")).join("\n  ") + (r.code ? r.stderr : ""));
  show("status (empty)", await env.run(["status"]));
  show("new", await env.run(["new", "development", "--yes"]));
  show("status", await env.run(["status"]));
  show("modify", await env.run(["modify", "development", "--yes"]));
  show("reboot", await env.run(["reboot", "development", "--yes"]));
  show("up nothing", await env.run(["up", "development", "--yes"]));
  show("status", await env.run(["status"]));
});
