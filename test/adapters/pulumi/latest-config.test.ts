/**
 * Reading a stack's latest recorded config in process (latest-config.ts, s3-objects.ts). The fixture in
 * test/fixtures/pulumi-history was written by the real CLI (v3.248.0: `stack init`, `config set`, `config set
 * --secret`, `config set --path`, two empty `refresh`es) with the stack file `config refresh --force` wrote from it; the
 * engine suite's settings-reader case writes fresh ones on file:// and S3 with the CLI it drives.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFromStackFile, settingsFromConfig } from "../../../src/adapters/pulumi/config.js";
import { configFromHistoryEntry, FileObjects, latestConfig } from "../../../src/adapters/pulumi/latest-config.js";
import { S3Objects } from "../../../src/adapters/pulumi/s3-objects.js";

const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "pulumi-history");
const STACK = "development-20261126-1230";
/** The CLI's two entries: `pinned` (an empty refresh, as `new` pins settings), then `rebooted` (a later refresh). */
const OLDER = `${STACK}-1796425600503915958.history.json`;
const ENTRY = `${STACK}-1796425676841189539.history.json`;
const realEntry = () => readFileSync(path.join(FIXTURES, ENTRY), "utf8");

let stateDir: string;
let historyDir: string;
let checkpoint: string;

beforeEach(() => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-latest-config-"));
  historyDir = path.join(stateDir, ".pulumi", "history", "rds-echo", STACK);
  checkpoint = path.join(stateDir, ".pulumi", "stacks", "rds-echo", `${STACK}.json`);
  mkdirSync(historyDir, { recursive: true });
  mkdirSync(path.dirname(checkpoint), { recursive: true });
  writeFileSync(checkpoint, readFileSync(path.join(FIXTURES, "checkpoint.json")));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

/** A history entry `nanos` after the fixture's, with its config changed by `change`. */
function entryAt(nanos: bigint, change: (config: Record<string, unknown>) => void, suffix = ".history.json"): string {
  const entry = JSON.parse(realEntry()) as { config: Record<string, unknown> };
  change(entry.config);
  const name = `${STACK}-${1796425676841189539n + nanos}${suffix}`;
  writeFileSync(path.join(historyDir, name), JSON.stringify(entry));
  return name;
}

const read = () => latestConfig(new FileObjects(stateDir), "rds-echo", STACK);

describe("latestConfig on a file backend", () => {
  it("reads what `config refresh` writes into the stack file, from the CLI's own history entries", async () => {
    for (const name of [OLDER, ENTRY]) writeFileSync(path.join(historyDir, name), readFileSync(path.join(FIXTURES, name)));
    const latest = await read();
    expect(latest).toEqual({ kind: "recorded", config: expect.any(Object), from: `.pulumi/history/rds-echo/${STACK}/${ENTRY}` });
    // The same map as the stack file the CLI wrote from this entry: plain values, the secret only marked, the
    // structured value (rds-echo:tags) left out alike.
    const fromFile = configFromStackFile(readFileSync(path.join(FIXTURES, `Pulumi.${STACK}.yaml`), "utf8"));
    expect(latest?.kind === "recorded" && latest.config).toEqual(fromFile);
    expect(fromFile["rds-echo:masterPassword"]).toEqual({ value: "", secret: true });
    expect(fromFile["rds-echo:tags"]).toBeUndefined();
    expect(settingsFromConfig(STACK, fromFile)).toMatchObject({ echo: "development", stage: "rebooted", snapshot: "rds:prod-2026-11-25", approvalRequired: 2 });
    expect(settingsFromConfig(STACK, fromFile)).toMatchObject({ restoreTime: "2026-11-25T03:00:00Z", sourceInstance: "production-db" });
  });

  it("takes the newest entry by name, as the CLI does, and ignores the checkpoint copies beside the entries", async () => {
    writeFileSync(path.join(historyDir, ENTRY), realEntry());
    entryAt(10n, (config) => (config["rds-echo:stage"] = "promoted"));
    writeFileSync(path.join(historyDir, `${STACK}-${1796425676841189539n + 20n}.checkpoint.json`), "{}");
    writeFileSync(path.join(historyDir, `${STACK}-${1796425676841189539n + 20n}.history.json.attrs`), "{}");
    const latest = await read();
    expect(latest?.kind === "recorded" && latest.config["rds-echo:stage"]).toEqual({ value: "promoted" });
  });

  it("says never-deployed for a stack with a checkpoint and no history entry (its local file is the only copy)", async () => {
    expect(await read()).toEqual({ kind: "never-deployed" });
    writeFileSync(path.join(historyDir, `${STACK}-1.checkpoint.json`), "{}");
    expect(await read()).toEqual({ kind: "never-deployed" });
  });

  it("leaves to the CLI a stack with no plain checkpoint: none (no such stack, another layout) or a compressed one", async () => {
    writeFileSync(path.join(historyDir, ENTRY), realEntry());
    rmSync(checkpoint);
    expect(await read()).toBeUndefined();
    writeFileSync(`${checkpoint}.gz`, "");
    expect(await read()).toBeUndefined();
    writeFileSync(checkpoint, "{}");
    expect(await read()).toBeUndefined();
    rmSync(`${checkpoint}.gz`);
    writeFileSync(`${checkpoint}.zst`, "");
    expect(await read()).toBeUndefined();
  });

  it("leaves to the CLI a newest entry that is compressed, even with an older plain one", async () => {
    writeFileSync(path.join(historyDir, ENTRY), realEntry());
    entryAt(10n, () => undefined, ".history.json.gz");
    expect(await read()).toBeUndefined();
  });

  it("leaves to the CLI an entry half-written or of a shape it does not know", async () => {
    writeFileSync(path.join(historyDir, ENTRY), realEntry().slice(0, 200));
    expect(await read()).toBeUndefined();
    const text = realEntry();
    const shapes: Array<(entry: Record<string, unknown>) => void> = [
      (entry) => delete entry["kind"],
      (entry) => (entry["startTime"] = "yesterday"),
      (entry) => (entry["config"] = ["rds-echo:stage"]),
      (entry) => ((entry["config"] as Record<string, unknown>)["rds-echo:masterPassword"] = { secure: 7 }),
      (entry) => ((entry["config"] as Record<string, unknown>)["rds-echo:masterPassword"] = { secure: "x", other: 1 }),
      (entry) => ((entry["config"] as Record<string, unknown>)["rds-echo:stage"] = null),
      (entry) => ((entry["config"] as Record<string, unknown>)["stage"] = "pinned"),
    ];
    for (const change of shapes) {
      const entry = JSON.parse(text) as Record<string, unknown>;
      change(entry);
      expect(configFromHistoryEntry(JSON.stringify(entry)), JSON.stringify(entry["config"])).toBeUndefined();
    }
    // An update with no config at all: Go writes its nil map as null.
    expect(configFromHistoryEntry(JSON.stringify({ ...(JSON.parse(text) as object), config: null }))).toEqual({});
  });
});

describe("S3Objects", () => {
  /** A stand-in S3 client answering ListObjectsV2 in pages of two and GetObject from a map, recording each call. */
  function fakeS3(objects: Record<string, string>) {
    const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        const { input } = command;
        if (command.constructor.name === "ListObjectsV2Command") {
          const keys = Object.keys(objects).filter((k) => k.startsWith(String(input["Prefix"]))).sort();
          const start = Number(input["ContinuationToken"] ?? 0);
          const page = keys.slice(start, start + 2);
          return { Contents: page.map((Key) => ({ Key })), IsTruncated: start + 2 < keys.length, NextContinuationToken: String(start + 2) };
        }
        const text = objects[String(input["Key"])];
        if (text === undefined) throw Object.assign(new Error("NoSuchKey"), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
        return { Body: { transformToString: async () => text } };
      },
    };
    return { client: client as unknown as S3Client, sent };
  }

  it("reads the newest entry under the URL's prefix, through every page of the listing", async () => {
    const p = "team/state/";
    const h = `.pulumi/history/rds-echo/${STACK}/${STACK}-`;
    const older = JSON.parse(realEntry()) as { config: Record<string, unknown> };
    older.config["rds-echo:stage"] = "modified";
    const { client, sent } = fakeS3({
      [`${p}.pulumi/stacks/rds-echo/${STACK}.json`]: "{}",
      [`${p}.pulumi/stacks/rds-echo/${STACK}.json.bak`]: "{}",
      [`${p}${h}1796425676841189530.history.json`]: JSON.stringify(older),
      [`${p}${h}1796425676841189530.checkpoint.json`]: "{}",
      [`${p}${h}1796425676841189539.history.json`]: realEntry(),
      [`${p}${h}1796425676841189539.checkpoint.json`]: "{}",
      [`other/${h}1796425676841189599.history.json`]: JSON.stringify(older),
    });
    const objects = new S3Objects(client, { bucket: "state", prefix: p, forcePathStyle: true });
    const latest = await latestConfig(objects, "rds-echo", STACK);
    expect(latest?.kind === "recorded" && latest.config["rds-echo:stage"]).toEqual({ value: "rebooted" });
    expect(sent.map((s) => s.name)).toEqual(["ListObjectsV2Command", "ListObjectsV2Command", "ListObjectsV2Command", "GetObjectCommand"]);
    expect(sent.at(-1)?.input).toEqual({ Bucket: "state", Key: `${p}${h}1796425676841189539.history.json` });
    expect(await objects.text("missing.json")).toBeUndefined();
  });

  it("names the call, the object and the endpoint when S3 fails", async () => {
    const client = { send: async () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" })) } as unknown as S3Client;
    const objects = new S3Objects(client, { bucket: "state", prefix: "", forcePathStyle: true, endpoint: "http://127.0.0.1:9" });
    await expect(latestConfig(objects, "rds-echo", STACK)).rejects.toThrow(
      `S3 ListObjectsV2 of s3://state/.pulumi/stacks/rds-echo/${STACK}.json at http://127.0.0.1:9 (the backend URL's endpoint) failed`,
    );
  });
});
