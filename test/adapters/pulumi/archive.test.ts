/**
 * The real engine's archive: the document format, the file store beside a file backend's state, and `archive` /
 * `archived` driven through the SDK's workspace against a scripted CLI (two processes: the history, then `stack rm`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseArchive, serializeArchive, withArchived } from "../../../src/adapters/pulumi/archive-format.js";
import { ArchiveConflictError, FileArchiveStore } from "../../../src/adapters/pulumi/archive-store.js";
import { addToArchive, readArchive } from "../../../src/adapters/pulumi/archiving.js";
import { backendAccess } from "../../../src/adapters/pulumi/backend-access.js";
import { ensurePulumiCli } from "../../../src/adapters/pulumi/cli.js";
import { AutomationEngine } from "../../../src/adapters/pulumi/engine.js";
import type { ArchivedGeneration } from "../../../src/ports.js";
import { calls, installFakePulumi, setScript } from "./fake-pulumi.js";
import { GENERATION, HISTORY_JSON, STACK_FILE } from "./fixtures.js";

const entry: ArchivedGeneration = {
  name: GENERATION,
  archivedAt: new Date("2026-12-01T03:00:00Z"),
  settings: { echo: "development", stage: "forgotten", snapshot: "rds:production-2026-11-25-03-10" },
  history: [{ version: 2, kind: "destroy", message: `retire ${GENERATION}`, result: "succeeded", startTime: new Date("2026-11-27T03:00:00Z"), endTime: new Date("2026-11-27T03:09:00Z"), resourceChanges: { delete: 2 } }],
};

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "rds-echo-archive-")));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("the archive document", () => {
  it("round-trips, replaces a generation archived again, and keeps generations in name order", () => {
    const older = { ...entry, name: "development-20261120-0300" };
    const archive = withArchived(withArchived({ echo: "development", generations: [] }, entry), older);
    expect(parseArchive(serializeArchive(archive), "development", "x")).toEqual(archive);
    expect(archive.generations.map((g) => g.name)).toEqual([older.name, GENERATION]);
    expect(withArchived(archive, { ...entry, history: [] }).generations).toHaveLength(2);
  });

  it("refuses a damaged or foreign archive, naming it, rather than reading it as empty", () => {
    expect(() => parseArchive("{", "development", "/s/development.json")).toThrow(/archive \/s\/development\.json is not JSON/);
    expect(() => parseArchive(JSON.stringify({ format: 1, echo: "other", generations: [] }), "development", "x")).toThrow(/is echo "other"'s/);
    expect(() => parseArchive(JSON.stringify({ format: 2, echo: "development", generations: [] }), "development", "x")).toThrow(/format 1/);
  });
});

describe("the backend's archive store", () => {
  it("lives beside a file backend's state, under an S3 backend's prefix, and nowhere on Pulumi Cloud", async () => {
    expect((await backendAccess(`file://${dir}`, {})).archive?.where("development")).toBe(path.join(dir, ".rds-echo", "archive", "rds-echo", "development.json"));
    const s3 = await backendAccess("s3://echo-state/teams?region=eu-west-1&endpoint=http://127.0.0.1:9&s3ForcePathStyle=true", { AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" });
    expect(s3.archive?.where("development")).toBe("s3://echo-state/teams/.rds-echo/archive/rds-echo/development.json");
    expect((await backendAccess("https://api.pulumi.com", {})).archive).toBeUndefined();
  });
});

describe("the S3 archive store", () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());
  const failure = (status: number, name: string) => new S3ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message: name });
  const store = async () => (await backendAccess("s3://echo-state/teams?region=eu-west-1&s3ForcePathStyle=true", { AWS_ACCESS_KEY_ID: "k", AWS_SECRET_ACCESS_KEY: "s" })).archive!;

  it("creates the first archive only where none is (If-None-Match) and replaces it only at the ETag read (If-Match)", async () => {
    const written: string[] = [];
    s3.on(GetObjectCommand)
      .rejectsOnce(failure(404, "NoSuchKey"))
      .callsFake(() => ({ Body: { transformToString: async () => written.at(-1) }, ETag: `"v${written.length}"` }));
    s3.on(PutObjectCommand).callsFake((input: { Body: string }) => {
      written.push(input.Body);
      return { ETag: `"v${written.length}"` };
    });
    const archive = await store();
    await addToArchive(archive, "development", entry);
    await addToArchive(archive, "development", { ...entry, name: "development-20261120-0300" });
    const [create, replace] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(create).toMatchObject({ Bucket: "echo-state", Key: "teams/.rds-echo/archive/rds-echo/development.json", IfNoneMatch: "*" });
    expect(replace).toMatchObject({ IfMatch: '"v1"' });
    expect((await readArchive(archive, "development")).archive.generations.map((g) => g.name)).toEqual(["development-20261120-0300", GENERATION]);
  });

  it("a write that lost the race (412, or 409 when two conditional writes cross) is redone once on top of the winner's; twice is an error naming the object", async () => {
    s3.on(GetObjectCommand).rejects(failure(404, "NoSuchKey"));
    s3.on(PutObjectCommand).rejectsOnce(failure(412, "PreconditionFailed")).resolvesOnce({ ETag: '"v1"' });
    await addToArchive(await store(), "development", entry);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
    s3.on(PutObjectCommand).rejects(failure(409, "ConditionalRequestConflict"));
    await expect(addToArchive(await store(), "development", entry)).rejects.toThrow(
      "the archive s3://echo-state/teams/.rds-echo/archive/rds-echo/development.json was changed by another run meanwhile; nothing was written (run again)",
    );
  });

  it("a damaged archive object is reported, never read as empty (and so never overwritten)", async () => {
    s3.on(GetObjectCommand).resolves({ Body: { transformToString: async () => "{" } as never, ETag: '"v1"' });
    await expect(addToArchive(await store(), "development", entry)).rejects.toThrow(/archive s3:\/\/echo-state\/teams\/\.rds-echo\/archive\/rds-echo\/development\.json is not JSON/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe("the file archive store", () => {

  it("writes only over the version it read, atomically, and leaves no lock or temporary file", async () => {
    const store = new FileArchiveStore(path.join(dir, "archive"));
    expect(await store.read("development")).toEqual({});
    await store.write("development", "one", undefined);
    const first = await store.read("development");
    await expect(store.write("development", "two", undefined)).rejects.toBeInstanceOf(ArchiveConflictError);
    await store.write("development", "two", first.version);
    await expect(store.write("development", "three", first.version)).rejects.toBeInstanceOf(ArchiveConflictError);
    expect((await store.read("development")).text).toBe("two");
    expect(readFileSync(store.where("development"), "utf8")).toBe("two");
    expect(existsSync(`${store.where("development")}.lock`)).toBe(false);
  });
});

describe("AutomationEngine.archive with a scripted CLI", () => {
  let cli: PulumiCommand;
  let fake: string;
  beforeEach(async () => {
    fake = installFakePulumi(dir);
    const empty = mkdtempSync(path.join(dir, "empty-path-"));
    vi.stubEnv("PATH", empty);
    cli = await ensurePulumiCli({ install: false, root: dir });
  });
  const engine = () =>
    new AutomationEngine({
      root: dir,
      env: { PULUMI_CONFIG_PASSPHRASE: "p", FAKE_PULUMI_DIR: fake },
      pulumiCommand: cli,
      definitionFor: async () => {
        throw new Error("never runs the program");
      },
    });

  it("archives the whole history with the last settings, then removes the stack; `archived` reads it back", async () => {
    writeFileSync(path.join(dir, `Pulumi.${GENERATION}.yaml`), STACK_FILE);
    setScript(fake, { "stack history": { stdout: HISTORY_JSON }, "stack rm": {} });
    const at = new Date("2026-12-01T03:00:00Z");
    expect(await engine().archive(GENERATION, { echo: "development", at })).toBe(true);
    expect(calls(fake).map((c) => c.command)).toEqual(["stack history", "stack rm"]);
    expect(calls(fake)[0]?.args).not.toContain("--show-secrets");
    expect(calls(fake)[1]?.args).toEqual(expect.arrayContaining(["--yes", "--stack", GENERATION]));
    const [archived] = await engine().archived("development");
    expect(archived?.name).toBe(GENERATION);
    expect(archived?.archivedAt).toEqual(at);
    expect(archived?.settings).toEqual({ echo: "development", stage: "promoted", snapshot: "rds:production-2026-11-25-03-10" });
    expect(archived?.history.map((h) => `${h.version} ${h.kind} ${h.result}`)).toEqual(["4 update succeeded", "3 refresh failed", "2 other in-progress", "1 update succeeded"]);
    expect(readFileSync(path.join(dir, ".rds-echo", "state", ".rds-echo", "archive", "rds-echo", "development.json"), "utf8")).not.toContain("secret\":true");
  });

  it("leaves the stack when its removal fails, with its history already archived (a rerun converges)", async () => {
    mkdirSync(path.join(dir, ".rds-echo", "state"), { recursive: true });
    setScript(fake, { "stack history": { stdout: HISTORY_JSON }, "stack rm": { stderr: `error: '${GENERATION}' still has resources; removal rejected\n`, code: 255 } });
    await expect(engine().archive(GENERATION, { echo: "development", at: new Date() })).rejects.toThrow(/still has resources/);
    expect((await engine().archived("development")).map((g) => g.name)).toEqual([GENERATION]);
  });
});
