import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, tagsOf } from "./harness/aws.js";
import { makeProject, seedAccount, type Project } from "./harness/project.js";
import { EngineEnv, suite } from "./harness/suite.js";

describe("smoke: one generation through the real CLI", () => {
  let project: Project;
  let env: EngineEnv;
  let zoneId: string;
  beforeAll(async () => {
    await resetMoto();
    ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
    project = makeProject();
    env = new EngineEnv(project);
  });
  afterAll(() => {
    env?.dispose();
    project?.remove();
  });

  it("up --promote restores, modifies, reboots and points the CNAME at the new instance", async () => {
    const run = await env.run(["up", "development", "--promote", "--yes"]);
    expect(run.stderr + run.stdout).toContain("promote");
    expect(run.code, run.stderr).toBe(0);
    const [db] = (await instances()).filter((i) => i.DBInstanceIdentifier?.startsWith("development-"));
    expect(tagsOf(db!)).toMatchObject({ "echo:managed": "development", "echo:stage": "promoted" });
    expect(await cnameTarget(zoneId, "development.db.example.com")).toBe(db!.Endpoint?.Address);
  });
});
