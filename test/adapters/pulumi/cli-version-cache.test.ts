import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cachedPulumiCommand,
  commandWithVersion,
  pulumiOnPath,
  rememberPulumiVersion,
  VERSION_CACHE_TTL_MS,
} from "../../../src/adapters/pulumi/cli-version-cache.js";

describe("the remembered Pulumi CLI version", () => {
  let dir: string;
  let savedPath: string | undefined;
  let cacheFile: string;
  const binary = () => path.join(dir, "bin", "pulumi");
  const real = () => path.join(dir, "real", "pulumi-real");
  const now = 1_800_000_000_000;

  function write(file: string, text: string): void {
    writeFileSync(file, text);
    chmodSync(file, 0o755);
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "rds-echo-version-cache-"));
    savedPath = process.env["PATH"];
    cacheFile = path.join(dir, "cache", "pulumi-version.json");
    mkdirSync(path.join(dir, "bin"));
    mkdirSync(path.join(dir, "real"));
    write(real(), "ELF-ish binary, version 1");
    write(binary(), `#!/bin/sh\nexec ${real()} "$@"\n`);
    process.env["PATH"] = `${path.join(dir, "bin")}${path.delimiter}${savedPath ?? ""}`;
  });
  afterEach(() => {
    process.env["PATH"] = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  const remember = (version = "3.248.0", at = now) => rememberPulumiVersion(cacheFile, commandWithVersion(version)!, at);

  it("finds the first executable pulumi on PATH", async () => {
    expect(await pulumiOnPath()).toBe(binary());
    expect(await pulumiOnPath(path.join(dir, "real"))).toBeUndefined();
  });

  it("nothing remembered: no shortcut", async () => {
    expect(await cachedPulumiCommand(cacheFile, now)).toBeUndefined();
  });

  it("a remembered version is a PulumiCommand for `pulumi` with that version, without running anything", async () => {
    await remember();
    const command = await cachedPulumiCommand(cacheFile, now + 1000);
    expect(command).toBeInstanceOf(PulumiCommand);
    expect(command!.command).toBe("pulumi");
    expect(command!.version?.version).toBe("3.248.0");
  });

  it("forgotten after an hour", async () => {
    await remember();
    expect(await cachedPulumiCommand(cacheFile, now + VERSION_CACHE_TTL_MS + 1)).toBeUndefined();
  });

  it("forgotten when the binary on PATH changes", async () => {
    await remember();
    write(binary(), `#!/bin/sh\nexec ${real()} "$@" # edited\n`);
    expect(await cachedPulumiCommand(cacheFile, now + 1000)).toBeUndefined();
  });

  it("forgotten when the binary a shim execs changes", async () => {
    await remember();
    utimesSync(real(), new Date(now), new Date(now));
    expect(await cachedPulumiCommand(cacheFile, now + 1000)).toBeUndefined();
  });

  it("forgotten when PATH finds another pulumi first", async () => {
    await remember();
    mkdirSync(path.join(dir, "other"));
    write(path.join(dir, "other", "pulumi"), "another binary");
    process.env["PATH"] = `${path.join(dir, "other")}${path.delimiter}${process.env["PATH"]}`;
    expect(await cachedPulumiCommand(cacheFile, now + 1000)).toBeUndefined();
  });

  it("a damaged cache file is ignored", async () => {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, "{not json");
    expect(await cachedPulumiCommand(cacheFile, now)).toBeUndefined();
    writeFileSync(cacheFile, JSON.stringify({ version: "not-a-version", checkedAt: now, key: {} }));
    expect(await cachedPulumiCommand(cacheFile, now)).toBeUndefined();
  });
});
