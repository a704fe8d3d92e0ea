/**
 * The engine's settings read from the backend's newest history entry in process (run-stacks.ts, latest-config.ts),
 * against a scripted `pulumi` (fake-pulumi.ts) on the embedded file backend: no CLI process for reading settings, the
 * local file re-synced (`config refresh`) only when an operation needs it, and the CLI asked as before for anything
 * the reader cannot vouch for. The history entry is the real CLI's (test/fixtures/pulumi-history).
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ensurePulumiCli } from "../../../src/adapters/pulumi/cli.js";
import { AutomationEngine } from "../../../src/adapters/pulumi/engine.js";
import { calls, installFakePulumi, setScript } from "./fake-pulumi.js";
import { GENERATION, promoteEvents, STACK_FILE } from "./fixtures.js";

const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "pulumi-history");
const FIXTURE_STACK = "development-20261126-1230";
const FIXTURE_ENTRY = `${FIXTURE_STACK}-1796425676841189539.history.json`;

let project: string;
let emptyPath: string;
let fake: string;
let cli: PulumiCommand;

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

const commands = () => calls(fake).map((c) => c.command);
const state = () => path.join(project, ".rds-echo", "state", ".pulumi");

/** GENERATION in the backend as the CLI leaves it: its checkpoint and the fixture's newest entry (`rebooted`). */
function recordedInBackend(suffix = ".history.json"): void {
  const history = path.join(state(), "history", "rds-echo", GENERATION);
  mkdirSync(history, { recursive: true });
  mkdirSync(path.join(state(), "stacks", "rds-echo"), { recursive: true });
  const swap = (text: string) => text.split(FIXTURE_STACK).join(GENERATION);
  writeFileSync(path.join(state(), "stacks", "rds-echo", `${GENERATION}.json`), swap(readFileSync(path.join(FIXTURES, "checkpoint.json"), "utf8")));
  writeFileSync(path.join(history, `${GENERATION}-1796425676841189539${suffix}`), swap(readFileSync(path.join(FIXTURES, FIXTURE_ENTRY), "utf8")));
}

/** A local file another machine has since moved on from: it says `promoted`, the backend `rebooted`. */
function staleLocalFile(): string {
  const text = STACK_FILE.replace("rds-echo:stage: rebooted", "rds-echo:stage: promoted");
  writeFileSync(path.join(project, `Pulumi.${GENERATION}.yaml`), text);
  return text;
}

beforeEach(async () => {
  project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-settings-")));
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

describe("AutomationEngine settings on a file backend", () => {
  it("reads the backend's newest recorded settings with no CLI process, never the stale local file", async () => {
    recordedInBackend();
    const local = staleLocalFile();
    setScript(fake, {});
    const one = engine();
    expect(await one.settings(GENERATION)).toMatchObject({ echo: "development", stage: "rebooted", snapshot: "rds:prod-2026-11-25" });
    expect(commands()).toEqual([]);
    // Reading wrote nothing: the local file is re-synced only for an operation that needs it.
    expect(readFileSync(path.join(project, `Pulumi.${GENERATION}.yaml`), "utf8")).toBe(local);
  });

  it("re-syncs the local file (`config refresh`) before an operation that runs the program, once", async () => {
    recordedInBackend();
    staleLocalFile();
    setScript(fake, { "config refresh": {}, preview: { events: promoteEvents() } });
    const one = engine();
    await one.settings(GENERATION);
    await one.preview(GENERATION, { echo: "development", stage: "promoted", snapshot: "rds:prod-2026-11-25" }, { message: "promote" });
    await one.settings(GENERATION);
    expect(commands()).toEqual(["config refresh", "preview"]);
  });

  it("asks the CLI as before for what it cannot read: a compressed entry, a stack it finds no checkpoint of", async () => {
    recordedInBackend(".history.json.gz");
    writeFileSync(path.join(project, `Pulumi.${GENERATION}.yaml`), STACK_FILE);
    setScript(fake, { "config refresh": {} });
    expect(await engine().settings(GENERATION)).toMatchObject({ stage: "rebooted" });
    expect(commands()).toEqual(["config refresh"]);

    setScript(fake, { "config refresh": { stderr: "error: no stack named 'development-20261126-1230' found\n", code: 255 } });
    expect(await engine().settings("development-20261126-1230")).toBeUndefined();
    expect(commands()).toEqual(["config refresh"]);
  });

  it("reads a stack with a checkpoint and no history (never deployed) from its local file, the only copy", async () => {
    recordedInBackend();
    rmSync(path.join(state(), "history"), { recursive: true });
    writeFileSync(path.join(project, `Pulumi.${GENERATION}.yaml`), STACK_FILE);
    setScript(fake, {});
    expect(await engine().settings(GENERATION)).toMatchObject({ stage: "rebooted", snapshot: "rds:production-2026-11-25-03-10" });
    expect(commands()).toEqual([]);
  });
});
