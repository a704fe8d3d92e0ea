/**
 * The engine driven through the real Automation SDK against a scripted `pulumi` (see fake-pulumi.ts): proves the
 * wiring (workspace, backend, passphrase, the commands each port call issues, what they are handed) and that the
 * SDK's results and failures come out as the port's types. What the real CLI does with them is the live suite's job.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ensurePulumiCli } from "../../../src/adapters/pulumi/cli.js";
import { AutomationEngine } from "../../../src/adapters/pulumi/engine.js";
import { PendingOperationsError, StackExistsError, StackLockedError } from "../../../src/errors.js";
import { calls, installFakePulumi, setScript, type FakeScript } from "./fake-pulumi.js";
import {
  GENERATION,
  HISTORY_JSON,
  INSTANCE_URN,
  interruptedDeployment,
  preEvent,
  promoteEvents,
  PROVIDER_URN,
  rootOutputsEvent,
  STACK_FILE,
  STACK_LS_JSON,
} from "./fixtures.js";

const rebooted = { echo: "development", stage: "rebooted", snapshot: "rds:production-2026-11-25-03-10" } as const;
const promoted = { ...rebooted, stage: "promoted", zoneId: "Z0123456789ABCDEFGHIJ" } as const;
const PASSWORD = "correct horse battery staple";
const LOCK_ERROR =
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n";

let project: string;
let emptyPath: string;
let fake: string;
let cli: PulumiCommand;
let output: string[];

function engine(): AutomationEngine {
  return new AutomationEngine({
    root: project,
    env: { PULUMI_CONFIG_PASSPHRASE: "test passphrase", FAKE_PULUMI_DIR: fake },
    pulumiCommand: cli,
    onOutput: (line) => output.push(line),
    definitionFor: async () => {
      throw new Error("the fake CLI never runs the program");
    },
  });
}

function workspace(): string {
  return project;
}

/** The generation's config file, as `pulumi stack init` + `config set` on this machine left it. */
function existingStack(): void {
  mkdirSync(workspace(), { recursive: true });
  writeFileSync(path.join(workspace(), `Pulumi.${GENERATION}.yaml`), STACK_FILE);
}

function script(replies: FakeScript): void {
  setScript(fake, replies);
}

const commands = () => calls(fake).map((c) => c.command);

beforeEach(async () => {
  project = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-")));
  fake = installFakePulumi(project);
  emptyPath = mkdtempSync(path.join(os.tmpdir(), "rds-echo-empty-path-"));
  vi.stubEnv("PATH", emptyPath);
  cli = await ensurePulumiCli({ install: false, root: project });
  output = [];
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(project, { recursive: true, force: true });
  rmSync(emptyPath, { recursive: true, force: true });
});

describe("AutomationEngine with a scripted CLI", () => {
  it("lists stacks from the project's workspace on the embedded file backend, with the passphrase passed on", async () => {
    script({ "stack ls": { stdout: STACK_LS_JSON } });
    const stacks = await engine().list();
    expect(stacks.map((s) => s.name)).toEqual([GENERATION, "development-20261126-1230"]);
    const [call] = calls(fake);
    expect(call).toMatchObject({
      command: "stack ls",
      cwd: workspace(),
      env: { PULUMI_BACKEND_URL: `file://${project}/.rds-echo/state`, PULUMI_CONFIG_PASSPHRASE: "test passphrase" },
    });
    // A root without Pulumi.yaml gets a minimal one; the backend is never written into it.
    const projectFile = readFileSync(path.join(workspace(), "Pulumi.yaml"), "utf8");
    expect(projectFile).toMatch(/name: rds-echo/);
    expect(projectFile).not.toMatch(/backend|url:/);
  });

  it("gives the CLI (and so its plugins) the AWS credentials and the backend, never rds-echo's secrets or the signer's keys", async () => {
    script({ "stack init": {}, "config set": {}, refresh: {}, "stack history": { stdout: HISTORY_JSON }, "stack ls": { stdout: STACK_LS_JSON } });
    // In this process's environment (the SDK's runner adds it) and in the engine's own.
    const secrets = { RDS_ECHO_SECRET_MASTER_PASSWORD: PASSWORD, RDS_ECHO_SIGNER_SECRET_ACCESS_KEY: "signer-secret", RDS_ECHO_SANDBOX_POSTGRES: "postgres://u:pw@127.0.0.1/p" };
    for (const [k, v] of Object.entries(secrets)) vi.stubEnv(k, v);
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    const withSecrets = new AutomationEngine({
      root: project,
      env: { PULUMI_CONFIG_PASSPHRASE: "test passphrase", FAKE_PULUMI_DIR: fake, PULUMI_ACCESS_TOKEN: "pul-token", ...secrets },
      pulumiCommand: cli,
      definitionFor: async () => {
        throw new Error("the fake CLI never runs the program");
      },
    });
    await withSecrets.list();
    await withSecrets.create(GENERATION, { ...rebooted, stage: "new" }, { masterPassword: PASSWORD });
    const seen = calls(fake);
    expect(seen.map((c) => c.command)).toEqual(expect.arrayContaining(["stack ls", "stack init", "config set"]));
    for (const call of seen) {
      expect(call.envNames).toEqual(expect.arrayContaining(["AWS_ACCESS_KEY_ID", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_BACKEND_URL"]));
      expect(call.envNames.filter((n) => /^RDS_ECHO_(SECRET_|SIGNER_|SANDBOX_POSTGRES$)/.test(n))).toEqual([]);
    }
  });

  it("uses the project's own Pulumi.yaml as it is, never overwriting it", async () => {
    const own = "name: rds-echo\nruntime:\n  name: nodejs\nmain: dist/program/entry.js\n";
    writeFileSync(path.join(project, "Pulumi.yaml"), own);
    mkdirSync(path.join(project, "dist/program"), { recursive: true });
    writeFileSync(path.join(project, "dist/program/entry.js"), "");
    script({ "stack ls": { stdout: STACK_LS_JSON } });
    await engine().list();
    expect(readFileSync(path.join(project, "Pulumi.yaml"), "utf8")).toBe(own);
    expect(calls(fake)[0]?.cwd).toBe(project);
  });

  it("refuses an unbuilt checkout and another project's Pulumi.yaml before running the CLI", async () => {
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: rds-echo\nruntime: nodejs\nmain: dist/program/entry.js\n");
    await expect(engine().list()).rejects.toThrow(/dist\/program\/entry\.js, which does not exist: build rds-echo first/);
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: billing\nruntime: nodejs\n");
    await expect(engine().list()).rejects.toThrow(/Pulumi project "billing", not "rds-echo"/);
    expect(commands()).toEqual([]);
  });

  it("creates a stack with a passphrase secrets provider, its settings in plaintext and its secrets on stdin, never in argv", async () => {
    script({ "stack init": {}, "config set": {}, refresh: {} });
    await engine().create(GENERATION, { ...rebooted, stage: "new" }, { masterPassword: PASSWORD });
    const [init, setSecret, refresh] = calls(fake);
    expect(init?.args.slice(0, 5)).toEqual(["stack", "init", GENERATION, "--secrets-provider", "passphrase"]);
    // The settings are written into the file `stack init` made, in process, keeping its encryption salt.
    const file = readFileSync(path.join(workspace(), `Pulumi.${GENERATION}.yaml`), "utf8");
    expect(file).toMatch(/encryptionsalt: v1:/);
    expect(file).toMatch(/rds-echo:stage: new/);
    expect(setSecret?.args).toEqual(expect.arrayContaining(["config", "set", "--secret", "--raw", "rds-echo:masterPassword"]));
    expect(setSecret?.stdin).toBe(PASSWORD);
    for (const call of calls(fake)) expect(call.args.join(" ")).not.toContain(PASSWORD);
    // The settings reach the backend's history at once, so another machine can rebuild this stack's config.
    expect(refresh?.command).toBe("refresh");
    expect(commands()).toEqual(["stack init", "config set", "refresh"]);
  });

  it("keeps a secret out of any error it reports", async () => {
    script({ "stack init": {}, "config set": { stderr: `error: could not encrypt ${PASSWORD}\n`, code: 1 }, "stack rm": {} });
    const failure = await engine().create(GENERATION, { ...rebooted, stage: "new" }, { masterPassword: PASSWORD }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toContain("[secret]");
    expect(JSON.stringify(failure) + String((failure as Error).stack) + String((failure as Error).message)).not.toContain(PASSWORD);
    expect((failure as Error).cause).toBeUndefined();
  });

  it("reports an existing stack as StackExistsError", async () => {
    script({ "stack init": { stderr: `error: stack '${GENERATION}' already exists\n`, code: 255 } });
    await expect(engine().create(GENERATION, rebooted, {})).rejects.toBeInstanceOf(StackExistsError);
    expect(commands()).toEqual(["stack init"]);
  });

  it("reads settings back, and says undefined for a stack that does not exist", async () => {
    existingStack();
    script({ "config refresh": {} });
    expect(await engine().settings(GENERATION)).toEqual(rebooted);

    script({ "config refresh": { stderr: "error: no stack named 'development-20261126-1230' found\n", code: 255 } });
    expect(await engine().settings("development-20261126-1230")).toBeUndefined();
  });

  it("previews with a copy of the config carrying the new settings, leaving the stack's own config untouched", async () => {
    existingStack();
    script({ "config refresh": {}, preview: { events: promoteEvents() } });
    const result = await engine().preview(GENERATION, promoted, { message: `promote ${GENERATION}` });
    expect(result.changes.filter((c) => c.op !== "same")).toEqual([
      { op: "update", type: "aws:rds/instance:Instance", name: "db", keys: ["tags", "tagsAll"] },
      { op: "create", type: "aws:route53/record:Record", name: "cname" },
    ]);
    const preview = calls(fake).find((c) => c.command === "preview");
    expect(preview?.configFile).toMatch(/rds-echo:stage: promoted/);
    expect(preview?.configFile).toMatch(/rds-echo:zoneId: Z0123456789ABCDEFGHIJ/);
    expect(preview?.args).toEqual(expect.arrayContaining(["--message", `promote ${GENERATION}`]));
    // Nothing wrote the stack's config: only the re-sync from the backend ran, and the file is as it was.
    expect(commands()).toEqual(["config refresh", "preview"]);
    expect(readFileSync(path.join(workspace(), `Pulumi.${GENERATION}.yaml`), "utf8")).toBe(STACK_FILE);
  });

  it("updates: writes the settings into the stack file before up, returns changes and outputs without secrets", async () => {
    existingStack();
    const settled = { ...interruptedDeployment() };
    delete settled.deployment.pending_operations;
    const outputs = { instanceId: GENERATION, port: 5432, stage: "promoted", cname: "db.dev.example.com" };
    script({
      "config refresh": {},
      "stack export": { stdout: JSON.stringify(settled) },
      up: {
        events: [...promoteEvents(), rootOutputsEvent({ ...outputs, masterPassword: "[secret]" })],
        stdout: `Updating (${GENERATION})\n\n ~ aws:rds:Instance db updating\nResources:\n    ~ 1 updated`,
      },
    });
    const result = await engine().update(GENERATION, promoted, { message: `promote ${GENERATION}` });
    expect(result.outputs).toEqual(outputs);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect(result.changes.map((c) => `${c.op} ${c.name}`)).toEqual(["same aws", "update db", "create cname"]);
    // No config process: the file the CLI read already held the new settings, and the rest of it is unchanged. No
    // process after `up` either: the outputs come from its events, and its summary (`stack history`) is never read.
    expect(commands()).toEqual(["config refresh", "stack export", "up"]);
    const seen = calls(fake).find((c) => c.command === "up")?.stackFile ?? "";
    expect(seen).toMatch(/rds-echo:stage: promoted/);
    expect(seen).toMatch(/rds-echo:zoneId: Z0123456789ABCDEFGHIJ/);
    expect(seen.replace(/rds-echo:stage: promoted/, "rds-echo:stage: rebooted").replace(/\n\s*rds-echo:zoneId: Z0123456789ABCDEFGHIJ/, "")).toBe(STACK_FILE);
    expect(output).toEqual([`Updating (${GENERATION})`, "", " ~ aws:rds:Instance db updating", "Resources:", "    ~ 1 updated"]);
  });

  it("updates with a CLI whose events carry no outputs: reads them with one masked `stack output`", async () => {
    existingStack();
    const settled = { ...interruptedDeployment() };
    delete settled.deployment.pending_operations;
    script({
      "config refresh": {},
      "stack export": { stdout: JSON.stringify(settled) },
      up: { events: promoteEvents() },
      "stack output": { stdout: JSON.stringify({ instanceId: GENERATION, port: 5432, masterPassword: "[secret]" }) },
    });
    const result = await engine().update(GENERATION, promoted, { message: `promote ${GENERATION}` });
    expect(result.outputs).toEqual({ instanceId: GENERATION, port: 5432 });
    expect(commands()).toEqual(["config refresh", "stack export", "up", "stack output"]);
    expect(calls(fake).at(-1)?.args).not.toContain("--show-secrets");
  });

  it("destroys with one process: the SDK's summary read after it is left out", async () => {
    existingStack();
    const settled = { ...interruptedDeployment() };
    delete settled.deployment.pending_operations;
    script({ "config refresh": {}, "stack export": { stdout: JSON.stringify(settled) }, destroy: { events: [preEvent("delete", INSTANCE_URN)] } });
    const result = await engine().destroy(GENERATION, { message: `retire ${GENERATION}` });
    expect(result.changes.map((c) => `${c.op} ${c.name}`)).toEqual(["delete db"]);
    expect(commands()).toEqual(["config refresh", "stack export", "destroy"]);
  });

  it("on a file backend reads pending operations from the stack's checkpoint, with no `stack export` process", async () => {
    existingStack();
    const stacks = path.join(project, ".rds-echo", "state", ".pulumi", "stacks", "rds-echo");
    mkdirSync(stacks, { recursive: true });
    writeFileSync(path.join(stacks, `${GENERATION}.json`), JSON.stringify({ version: 3, checkpoint: { stack: GENERATION, latest: interruptedDeployment().deployment } }));
    script({ "config refresh": {} });
    await expect(engine().update(GENERATION, promoted, { message: "promote" })).rejects.toBeInstanceOf(PendingOperationsError);
    expect((await engine().pendingOperations(GENERATION)).map((p) => p.name)).toEqual(["db"]);
    // The second read needs no stack selected: nothing but the checkpoint file.
    expect(commands()).toEqual(["config refresh"]);
  });

  it("refuses to update or destroy while an interrupted operation is pending", async () => {
    existingStack();
    script({ "config refresh": {}, "stack export": { stdout: JSON.stringify(interruptedDeployment()) } });
    await expect(engine().update(GENERATION, promoted, { message: "promote" })).rejects.toBeInstanceOf(PendingOperationsError);
    await expect(engine().destroy(GENERATION, { message: "retire" })).rejects.toBeInstanceOf(PendingOperationsError);
    expect(commands()).not.toContain("up");
    expect(commands()).not.toContain("destroy");
  });

  it("previews a destroy as deletes", async () => {
    existingStack();
    script({ "config refresh": {}, destroy: { events: [preEvent("delete", INSTANCE_URN), preEvent("delete", PROVIDER_URN)] } });
    const result = await engine().previewDestroy(GENERATION);
    expect(result.changes.map((c) => `${c.op} ${c.name}`)).toEqual(["delete db", "delete aws"]);
    expect(calls(fake).find((c) => c.command === "destroy")?.args).toContain("--preview-only");
  });

  it("resolves a pending create by importing the repaired state, then refreshing with the message", async () => {
    existingStack();
    script({
      "config refresh": {},
      "stack export": { stdout: JSON.stringify(interruptedDeployment()) },
      "stack import": {},
      refresh: { stdout: "Refreshing\n" },
    });
    await engine().resolvePending(GENERATION, new Map([[INSTANCE_URN, GENERATION]]), { message: `recover ${GENERATION}` });
    // The refresh's summary is never fetched (no `stack history` after it), and nothing is decrypted.
    expect(commands()).toEqual(["config refresh", "stack export", "stack import", "refresh"]);
    for (const call of calls(fake)) expect(call.args).not.toContain("--show-secrets");
    const importCall = calls(fake).find((c) => c.command === "stack import");
    // Written for the CLI alone (0600, in a private directory), and gone afterwards.
    expect(importCall?.fileMode).toBe(0o600);
    expect(importCall?.args[importCall.args.indexOf("--file") + 1]).toMatch(/rds-echo-import-/);
    const imported = JSON.parse(importCall?.file ?? "{}") as { deployment: { resources: Array<{ urn: string; id?: string }>; pending_operations?: unknown } };
    expect(imported.deployment.resources.at(-1)).toMatchObject({ urn: INSTANCE_URN, id: GENERATION });
    expect(imported.deployment.pending_operations).toBeUndefined();
    expect(calls(fake).find((c) => c.command === "refresh")?.args).toEqual(expect.arrayContaining(["--message", `recover ${GENERATION}`]));
    expect(output).toEqual(["Refreshing"]);
  });

  it("reports a stack locked by another update as StackLockedError", async () => {
    existingStack();
    script({ "config refresh": {}, "stack export": { stdout: JSON.stringify(interruptedDeployment()) }, "stack import": { stderr: LOCK_ERROR, code: 255 } });
    const failure = engine().resolvePending(GENERATION, new Map(), { message: "recover" });
    await expect(failure).rejects.toBeInstanceOf(StackLockedError);
    await expect(failure).rejects.toMatchObject({ stackName: GENERATION });
    expect(commands()).not.toContain("refresh");
  });

  it("reads history without asking the CLI to decrypt secrets, in pages, and only the newest when asked", async () => {
    existingStack();
    script({ "config refresh": {}, "stack history": { stdout: HISTORY_JSON } });
    const history = await engine().history(GENERATION);
    expect(history.map((h) => `${h.version} ${h.kind} ${h.result}`)).toEqual(["4 update succeeded", "3 refresh failed", "2 other in-progress", "1 update succeeded"]);
    const read = calls(fake).find((c) => c.command === "stack history");
    expect(read?.args).not.toContain("--show-secrets");
    // Without --page-size the CLI returns its default page of 10 and drops the rest of the audit trail.
    expect(read?.args).toEqual(expect.arrayContaining(["--page-size", "100", "--page", "1"]));
    await engine().history(GENERATION, 1);
    expect(calls(fake).at(-1)?.args).toEqual(expect.arrayContaining(["--page-size", "1", "--page", "1"]));
  });
});
