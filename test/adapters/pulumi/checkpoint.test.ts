/**
 * Reading a backend's checkpoint in process (here a file backend's; an S3 one's through the same BackendObjects), and
 * leaving every layout it does not know to the CLI.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointDeployment } from "../../../src/adapters/pulumi/checkpoint.js";
import { pendingOperationsIn } from "../../../src/adapters/pulumi/deployment.js";
import { FileObjects } from "../../../src/adapters/pulumi/latest-config.js";
import { GENERATION, interruptedDeployment } from "./fixtures.js";

let stateDir: string;
let base: string;

beforeEach(() => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-checkpoint-"));
  mkdirSync(path.join(stateDir, ".pulumi", "stacks", "rds-echo"), { recursive: true });
  base = path.join(stateDir, ".pulumi", "stacks", "rds-echo", GENERATION);
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

function checkpoint(body: unknown): void {
  writeFileSync(`${base}.json`, JSON.stringify(body));
}

describe("checkpointDeployment", () => {
  it("reads the latest deployment of a version 3 checkpoint, as `stack export` prints it", async () => {
    const latest = interruptedDeployment().deployment;
    checkpoint({ version: 3, checkpoint: { stack: GENERATION, latest } });
    const read = await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION);
    expect(read).toEqual({ version: 3, deployment: latest });
    expect(pendingOperationsIn(read!).map((p) => `${p.operation} ${p.name}`)).toEqual(["creating db"]);
  });

  it("reads a stack never deployed as an empty deployment", async () => {
    checkpoint({ version: 3, checkpoint: { stack: GENERATION } });
    expect(pendingOperationsIn((await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION))!)).toEqual([]);
  });

  it("leaves to the CLI what it cannot read for sure: no file, a compressed sibling, half-written JSON, a newer format", async () => {
    expect(await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION)).toBeUndefined();
    checkpoint({ version: 3, checkpoint: { stack: GENERATION, latest: interruptedDeployment().deployment } });
    writeFileSync(`${base}.json.gz`, "");
    expect(await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION)).toBeUndefined();
    rmSync(`${base}.json.gz`);
    writeFileSync(`${base}.json`, '{"version": 3, "checkpoint": {');
    expect(await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION)).toBeUndefined();
    checkpoint({ version: 4, features: ["refreshBeforeUpdate"], checkpoint: { stack: GENERATION, latest: {} } });
    expect(await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION)).toBeUndefined();
    checkpoint({ version: 4, checkpoint: { stack: GENERATION, latest: { manifest: {}, resources: [] } } });
    expect(await checkpointDeployment(new FileObjects(stateDir), "rds-echo", GENERATION)).toEqual({ version: 3, deployment: { manifest: {}, resources: [] } });
  });
});
