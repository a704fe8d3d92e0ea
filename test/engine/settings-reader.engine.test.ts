/**
 * The in-process settings reader (src/adapters/pulumi/latest-config.ts) on history entries the real CLI writes, on
 * each backend of the suite (file://, and S3 in moto): it reads what `config refresh --force` puts in the stack file,
 * follows the backend when another checkout moves the generation (never the stale local file), and leaves compressed
 * entries to the CLI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { backendAccess } from "../../src/adapters/pulumi/backend-access.js";
import { configFromStackFile } from "../../src/adapters/pulumi/config.js";
import { latestConfig } from "../../src/adapters/pulumi/latest-config.js";
import { BACKENDS, backendFor } from "./harness/backends.js";
import { pulumi } from "./harness/cli.js";
import { makeProject, type Project } from "./harness/project.js";
import { EngineEnv } from "./harness/suite.js";

const STACK = "development-20261126-1230";
let project: Project | undefined;
let env: EngineEnv | undefined;

afterEach(() => {
  env?.dispose();
  project?.remove();
  project = undefined;
  env = undefined;
});

function ok(args: readonly string[], extra?: Record<string, string>): string {
  const on = env!;
  // The plain CLI reads only the checkout and the environment of the EngineEnv it is given.
  const run = pulumi(extra === undefined ? on : ({ project: on.project, env: () => on.env(extra) } as unknown as EngineEnv), args);
  expect(run.code, `pulumi ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

describe.each(BACKENDS)("the settings reader on %s", (kind) => {
  it("reads the CLI's newest entry as `config refresh` does, and leaves a compressed one to the CLI", async () => {
    project = makeProject(await backendFor(kind));
    env = new EngineEnv(project);
    const file = path.join(project.root, `Pulumi.${STACK}.yaml`);
    ok(["stack", "init", STACK]);
    for (const [key, value] of [["echo", "development"], ["stage", "rebooted"], ["snapshot", "rds:production-2026-11-25-03-10"], ["restoreTime", "2026-11-25T03:00:00Z"], ["sourceInstance", "production-db"]]) {
      ok(["config", "set", "-s", STACK, `rds-echo:${key}`, value!]);
    }
    ok(["config", "set", "--secret", "-s", STACK, "rds-echo:masterPassword", "s3cret"]);
    const { objects } = await backendAccess(project.backendUrl, env.env());
    const read = () => latestConfig(objects!, "rds-echo", STACK);
    expect(await read()).toEqual({ kind: "never-deployed" });

    ok(["refresh", "--yes", "--skip-preview", "-s", STACK, "-m", "settings pinned"]);
    // What `config refresh --force` writes from the same entry, read as the engine reads a stack file.
    ok(["config", "refresh", "--force", "-s", STACK]);
    const synced = configFromStackFile(readFileSync(file, "utf8"));
    const first = await read();
    expect(first?.kind === "recorded" && first.config).toEqual(synced);
    expect(synced).toMatchObject({ "rds-echo:stage": { value: "rebooted" }, "rds-echo:restoreTime": { value: "2026-11-25T03:00:00Z" }, "rds-echo:masterPassword": { secret: true } });

    // Another checkout moves the generation; this one's file still says `rebooted`: the backend wins.
    const stale = readFileSync(file, "utf8");
    ok(["config", "set", "-s", STACK, "rds-echo:stage", "promoted"]);
    ok(["refresh", "--yes", "--skip-preview", "-s", STACK, "-m", "promoted elsewhere"]);
    writeFileSync(file, stale);
    const moved = await read();
    expect(moved?.kind === "recorded" && moved.config["rds-echo:stage"]).toEqual({ value: "promoted" });

    // A backend that compresses writes `.history.json.gz`: not read here, so the engine asks the CLI.
    ok(["refresh", "--yes", "--skip-preview", "-s", STACK, "-m", "compressed"], { PULUMI_DIY_BACKEND_GZIP: "true" });
    expect(await read()).toBeUndefined();
  });
});
