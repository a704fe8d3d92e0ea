/**
 * Adoption through the Automation API (`migrate --adopt`): what `importGeneration` hands the Pulumi CLI, against the
 * scripted stand-in CLI (fake-pulumi.ts). It proves the calls and their arguments, not what a real CLI does with
 * them: no real Pulumi CLI has run this path (the engine suite could add the case).
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Deployment, PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ensurePulumiCli } from "../../../src/adapters/pulumi/cli.js";
import { settingsFromConfig, settingsToConfig, stackFileWithSettings } from "../../../src/adapters/pulumi/config.js";
import { AutomationEngine } from "../../../src/adapters/pulumi/engine.js";
import { importPlan } from "../../../src/adapters/pulumi/import.js";
import type { GenerationSettings, ImportedResource } from "../../../src/ports.js";
import { calls, installFakePulumi, setScript } from "./fake-pulumi.js";
import { GENERATION, HISTORY_JSON, INSTANCE_URN, interruptedDeployment, PROVIDER_URN, STACK_URN } from "./fixtures.js";

const ZONE = "Z0123456789ABCDEFGHIJ";
const adopted: GenerationSettings = { echo: "development", stage: "promoted", snapshot: "legacy:development-2026-11-24", zoneId: ZONE, adopted: "development-2026-11-24" };
const RESOURCES: ImportedResource[] = [
  { type: "aws:rds/instance:Instance", name: "db", id: "db-ABCDEFGHIJKLMNOPQRSTUVWXY0" },
  { type: "aws:route53/record:Record", name: "cname", id: `${ZONE}_dev.example.com_CNAME` },
];

/** A deployment holding the stack resource and, as asked, the program's provider and the instance. */
function deployment(withProvider: boolean, withInstance: boolean): Deployment {
  const base = interruptedDeployment();
  const resources = (base.deployment.resources as { urn: string }[]).filter((r) => r.urn === STACK_URN || (withProvider && r.urn === PROVIDER_URN));
  if (withInstance) resources.push({ urn: INSTANCE_URN, type: "aws:rds/instance:Instance" } as { urn: string });
  return { version: 3, deployment: { ...base.deployment, resources, pending_operations: [] } };
}

let project: string;
let emptyPath: string;
let fake: string;
let cli: PulumiCommand;

beforeEach(async () => {
  project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rds-echo-import-")));
  fake = installFakePulumi(project);
  emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-empty-path-"));
  vi.stubEnv("PATH", emptyPath);
  cli = await ensurePulumiCli({ install: false, root: project });
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(project, { recursive: true, force: true });
  rmSync(emptyPath, { recursive: true, force: true });
});

function engine(): AutomationEngine {
  return new AutomationEngine({
    root: project,
    env: { PULUMI_CONFIG_PASSPHRASE: "test passphrase", FAKE_PULUMI_DIR: fake },
    pulumiCommand: cli,
    definitionFor: async () => {
      throw new Error("the fake CLI never runs the program");
    },
  });
}

describe("importPlan (pure)", () => {
  it("names the program's provider through the name table and leaves out what the state holds", () => {
    const fresh = importPlan(GENERATION, deployment(false, false), RESOURCES);
    expect(fresh).toEqual({
      providerUrn: PROVIDER_URN,
      providerInState: false,
      nameTable: { aws: PROVIDER_URN },
      resources: RESOURCES.map((r) => ({ ...r, provider: "aws" })),
    });
    const half = importPlan(GENERATION, deployment(true, true), RESOURCES);
    expect(half.providerInState).toBe(true);
    expect(half.resources.map((r) => r.name)).toEqual(["cname"]);
  });
});

describe("AutomationEngine.importGeneration with a scripted CLI", () => {
  it("creates the stack, puts the provider in the state by a targeted up, then imports unprotected, without code", async () => {
    setScript(fake, {
      "config refresh": { stderr: `error: no stack named '${GENERATION}' found\n`, code: 255 },
      "stack init": {},
      refresh: {},
      "stack export": { stdout: JSON.stringify(deployment(false, false)) },
      up: { stdout: "Updating\n" },
      import: { stdout: "Importing\n" },
    });
    await engine().importGeneration(GENERATION, adopted, RESOURCES, { message: "adopt development-2026-11-24 as " + GENERATION });
    const commands = calls(fake).map((c) => c.command);
    // No `stack output` or `stack history` after the up and the import: the SDK's summary reads are left out.
    expect(commands.filter((c) => c !== "config refresh")).toEqual(["stack init", "refresh", "stack export", "up", "import"]);
    const up = calls(fake).find((c) => c.command === "up")!;
    // The settings were in the stack's file when the CLI ran.
    expect(up.stackFile).toMatch(/rds-echo:adopted: development-2026-11-24/);
    expect(up.stackFile).toMatch(/rds-echo:stage: promoted/);
    expect(up.stackFile).toContain(`rds-echo:zoneId: ${ZONE}`);
    expect(up.args[up.args.indexOf("--target") + 1]).toBe(PROVIDER_URN);
    const imported = calls(fake).find((c) => c.command === "import")!;
    expect(imported.args).toEqual(expect.arrayContaining(["--yes", "--skip-preview", "--protect=false", "--generate-code=false", "--message", `adopt development-2026-11-24 as ${GENERATION}`]));
    expect(JSON.parse(imported.file ?? "{}")).toEqual({ nameTable: { aws: PROVIDER_URN }, resources: RESOURCES.map((r) => ({ ...r, provider: "aws" })) });
    for (const call of [up, imported]) expect(call.args).not.toContain("--show-secrets");
  });

  it("on a rerun imports only what is missing, and runs no up when the provider is there", async () => {
    writeFileSync(path.join(project, `Pulumi.${GENERATION}.yaml`), stackFileWithSettings("encryptionsalt: v1:abc\n", adopted));
    setScript(fake, {
      "config refresh": {},
      "stack export": { stdout: JSON.stringify(deployment(true, true)) },
      import: {},
    });
    await engine().importGeneration(GENERATION, adopted, RESOURCES, { message: "adopt" });
    const commands = calls(fake).map((c) => c.command);
    expect(commands).not.toContain("stack init");
    expect(commands).not.toContain("up");
    expect(JSON.parse(calls(fake).find((c) => c.command === "import")?.file ?? "{}").resources.map((r: { name: string }) => r.name)).toEqual(["cname"]);
  });

  it("carries the adopted instance's identifier in the stack config, both ways", () => {
    const config = settingsToConfig(adopted);
    expect(config["rds-echo:adopted"]).toEqual({ value: "development-2026-11-24" });
    expect(settingsFromConfig(GENERATION, config)).toEqual(adopted);
  });
});
