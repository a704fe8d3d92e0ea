import type { ConfigMap } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  configFromStackFile,
  secretsToConfig,
  settingsFromConfig,
  settingsToConfig,
  stackFileWithSettings,
} from "../../../src/adapters/pulumi/config.js";
import { UsageError } from "../../../src/errors.js";
import type { GenerationSettings } from "../../../src/ports.js";
import { CONFIG_JSON, GENERATION, STACK_FILE } from "./fixtures.js";

const rebooted: GenerationSettings = { echo: "development", stage: "rebooted", snapshot: "rds:production-2026-11-25-03-10" };
const promoted: GenerationSettings = { ...rebooted, stage: "promoted", zoneId: "Z0123456789ABCDEFGHIJ" };

describe("settings <-> stack config", () => {
  it("writes the settings as plaintext rds-echo:* keys, zoneId only when set", () => {
    expect(settingsToConfig(rebooted)).toEqual({
      "rds-echo:echo": { value: "development" },
      "rds-echo:stage": { value: "rebooted" },
      "rds-echo:snapshot": { value: "rds:production-2026-11-25-03-10" },
    });
    expect(settingsToConfig(promoted)["rds-echo:zoneId"]).toEqual({ value: "Z0123456789ABCDEFGHIJ" });
  });

  it("reads them back from `pulumi config --json`, ignoring the secrets next to them", () => {
    expect(settingsFromConfig(GENERATION, JSON.parse(CONFIG_JSON) as ConfigMap)).toEqual(rebooted);
  });

  it("pins the snapshot's encryption as rds-echo:storageEncrypted and rds-echo:kmsKeyId, both ways", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    const encrypted: GenerationSettings = { ...rebooted, storageEncrypted: true, kmsKeyId: key };
    expect(settingsToConfig(encrypted)).toMatchObject({ "rds-echo:storageEncrypted": { value: "true" }, "rds-echo:kmsKeyId": { value: key } });
    expect(settingsFromConfig(GENERATION, settingsToConfig(encrypted))).toEqual(encrypted);
    const plain: GenerationSettings = { ...rebooted, storageEncrypted: false };
    expect(settingsFromConfig(GENERATION, settingsToConfig(plain))).toEqual(plain);
    expect(() => settingsFromConfig(GENERATION, { ...settingsToConfig(plain), "rds-echo:storageEncrypted": { value: "yes" } })).toThrow(/"yes", not true or false/);
  });

  it("reads a stack pinned before the encryption was recorded as unknown (no key), so its program declares nothing new", () => {
    const old = settingsFromConfig(GENERATION, JSON.parse(CONFIG_JSON) as ConfigMap);
    expect(old).not.toHaveProperty("storageEncrypted");
    expect(old).not.toHaveProperty("kmsKeyId");
  });

  it("round-trips every stage with a zone", () => {
    expect(settingsFromConfig(GENERATION, settingsToConfig(promoted))).toEqual(promoted);
  });

  it("round-trips an approval request as plaintext rds-echo:approval* keys, and drops them from a preview's copy when absent", () => {
    const requested: GenerationSettings = {
      ...rebooted,
      approvalRequest: "r20261125t1230-ab12",
      approvalApprovers: "alice@example.com,bob@example.com",
      approvalRequired: 2,
      approvalOpened: "2026-11-25T12:30:00Z",
      approvalExpires: "2026-11-27T12:30:00Z",
    };
    const config = settingsToConfig(requested);
    expect(config["rds-echo:approvalRequest"]).toEqual({ value: "r20261125t1230-ab12" });
    expect(config["rds-echo:approvalRequired"]).toEqual({ value: "2" });
    expect(settingsFromConfig(GENERATION, config)).toEqual(requested);
    expect(() => settingsFromConfig(GENERATION, { ...config, "rds-echo:approvalRequired": { value: "two" } })).toThrow(/approvalRequired is "two", not a whole number/);
    // The timestamps survive the YAML the Pulumi CLI reads (quoted, so not read back as Go timestamps).
    const file = parse(stackFileWithSettings(STACK_FILE, requested)) as { config: Record<string, unknown> };
    expect(file.config["rds-echo:approvalOpened"]).toBe("2026-11-25T12:30:00Z");
    const cleared = parse(stackFileWithSettings(stackFileWithSettings(STACK_FILE, requested), rebooted)) as { config: Record<string, unknown> };
    expect(Object.keys(cleared.config).filter((k) => k.startsWith("rds-echo:approval"))).toEqual([]);
  });

  it("fails naming the stack and key when a setting is missing, secret or not a stage", () => {
    const config = settingsToConfig(rebooted);
    const { ["rds-echo:snapshot"]: _snapshot, ...noSnapshot } = config;
    expect(() => settingsFromConfig(GENERATION, noSnapshot)).toThrow(`stack ${GENERATION}: its config has no rds-echo:snapshot`);
    expect(() => settingsFromConfig(GENERATION, { ...config, "rds-echo:echo": { value: "development", secret: true } })).toThrow(/no rds-echo:echo/);
    expect(() => settingsFromConfig(GENERATION, { ...config, "rds-echo:stage": { value: "retired" } })).toThrow(/"retired", not a stage/);
  });
});

describe("secrets", () => {
  it("stores each secret as a Pulumi secret under the key the program's requireSecret reads", () => {
    expect(secretsToConfig({ masterPassword: "correct horse battery staple" })).toEqual({
      "rds-echo:masterPassword": { value: "correct horse battery staple", secret: true },
    });
  });

  it("refuses a secret that would overwrite a setting, or is not a config key, before anything is written", () => {
    expect(() => secretsToConfig({ stage: "x" })).toThrow(UsageError);
    expect(() => secretsToConfig({ "rds-echo:masterPassword": "x" })).toThrow(/not a Pulumi config key/);
  });
});

describe("stackFileWithSettings (the preview's config file)", () => {
  it("carries the new settings and keeps the secrets provider, salt and encrypted secrets", () => {
    const original = parse(STACK_FILE) as Record<string, Record<string, unknown>>;
    const copy = parse(stackFileWithSettings(STACK_FILE, promoted)) as Record<string, Record<string, unknown>>;
    expect(copy).toEqual({
      ...original,
      config: { ...original["config"], "rds-echo:stage": "promoted", "rds-echo:zoneId": "Z0123456789ABCDEFGHIJ" },
    });
  });

  it("drops a zone the new settings do not have", () => {
    const withZone = stackFileWithSettings(STACK_FILE, promoted);
    const copy = parse(stackFileWithSettings(withZone, { ...rebooted, stage: "forgotten" })) as { config: Record<string, unknown> };
    expect(copy.config).not.toHaveProperty("rds-echo:zoneId");
    expect(copy.config["rds-echo:stage"]).toBe("forgotten");
  });

  it("quotes a pinned time, which the Pulumi CLI's YAML (Go) would read as a timestamp and hand the program reformatted", () => {
    const pinned: GenerationSettings = { ...rebooted, snapshot: "point-in-time:production-db@2026-11-25T03:00:00.219Z", restoreTime: "2026-11-25T03:00:00.219Z", sourceInstance: "production-db" };
    const text = stackFileWithSettings(STACK_FILE, pinned);
    expect(text).toContain('rds-echo:restoreTime: "2026-11-25T03:00:00.219Z"');
    // Read as YAML 1.1 (timestamps, yes/no, sexagesimal numbers): every setting is still the string written.
    const asOld = parse(text, { version: "1.1" }) as { config: Record<string, unknown> };
    expect(asOld.config["rds-echo:restoreTime"]).toBe("2026-11-25T03:00:00.219Z");
    expect(settingsFromConfig(GENERATION, configFromStackFile(text))).toEqual(pinned);
    // Values any reader takes as strings stay plain, as Pulumi writes them.
    expect(text).toContain("rds-echo:sourceInstance: production-db");
    expect(text).toContain("rds-echo:snapshot: point-in-time:production-db@2026-11-25T03:00:00.219Z");
  });

  it("refuses a config file that is not YAML", () => {
    expect(() => stackFileWithSettings("config: [unclosed", rebooted)).toThrow(/not valid YAML/);
  });
});

describe("the hooks' progress in stack config", () => {
  it("round-trips hooksDone and scrubbed, so the scrub mark survives on the real engine", () => {
    const settings = { echo: "development", stage: "rebooted", snapshot: "production-db-2026-11-25", hooksDone: "a1,b2", scrubbed: "c3" } as const;
    const config = settingsToConfig(settings);
    expect(config["rds-echo:hooksDone"]).toEqual({ value: "a1,b2" });
    expect(config["rds-echo:scrubbed"]).toEqual({ value: "c3" });
    expect(settingsFromConfig("development-20261125-1230", config)).toEqual(settings);
  });
});

describe("configFromStackFile", () => {
  it("reads plaintext values as strings and marks secure ones secret, without their ciphertext", () => {
    const text = [
      "encryptionsalt: v1:abc",
      "config:",
      "  rds-echo:stage: promoted",
      '  rds-echo:storageEncrypted: "true"',
      "  rds-echo:port: 5432",
      "  rds-echo:masterPassword:",
      "    secure: v1:ciphertext",
      "  rds-echo:structured:",
      "    nested: [1, 2]",
      "",
    ].join("\n");
    expect(configFromStackFile(text)).toEqual({
      "rds-echo:stage": { value: "promoted" },
      "rds-echo:storageEncrypted": { value: "true" },
      "rds-echo:port": { value: "5432" },
      "rds-echo:masterPassword": { value: "", secret: true },
    });
  });

  it("reads a file without config as empty, and refuses one that is not YAML or whose config is not a mapping", () => {
    expect(configFromStackFile("encryptionsalt: v1:abc\n")).toEqual({});
    expect(() => configFromStackFile("config: [\n")).toThrow(/not valid YAML/);
    expect(() => configFromStackFile("config: [a, b]\n")).toThrow(/not a mapping/);
  });

  it("round-trips what stackFileWithSettings writes", () => {
    const settings = { echo: "development", stage: "modified" as const, snapshot: "snap-1", storageEncrypted: false, zoneId: "Z1" };
    expect(settingsFromConfig("g", configFromStackFile(stackFileWithSettings("encryptionsalt: v1:abc\n", settings)))).toEqual(settings);
  });
});

describe("the rolled-back mark in stack config", () => {
  it("round-trips rolledBack as rds-echo:rolledBack, and a preview copy drops it when the settings do", () => {
    const settings = { echo: "development", stage: "forgotten", snapshot: "production-db-2026-11-25", rolledBack: "development-20261124-0300" } as const;
    const config = settingsToConfig(settings);
    expect(config["rds-echo:rolledBack"]).toEqual({ value: "development-20261124-0300" });
    expect(settingsFromConfig("development-20261125-1230", config)).toEqual(settings);
    const { rolledBack: _dropped, ...cleared } = settings;
    const file = stackFileWithSettings(`config:\n  rds-echo:rolledBack: development-20261124-0300\n`, { ...cleared, stage: "promoted" });
    expect(file).not.toContain("rolledBack");
  });
});

describe("the pinned source of a point in time, a new snapshot or a copy, in stack config", () => {
  const pointInTime: GenerationSettings = {
    echo: "development",
    stage: "modified",
    snapshot: "point-in-time:production-db@2026-11-25T12:25:00Z",
    restoreTime: "2026-11-25T12:25:00Z",
    sourceInstance: "production-db",
    storageEncrypted: true,
  };
  const copied: GenerationSettings = {
    echo: "development",
    stage: "new",
    snapshot: "development-20261125-1230-copy",
    sourceInstance: "production-db",
    sourceSnapshot: "arn:aws:rds:eu-west-1:222222222222:snapshot:development-20261125-1230-source",
    storageEncrypted: true,
    kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
  };

  it("writes rds-echo:restoreTime, sourceInstance and sourceSnapshot, and reads them back", () => {
    expect(settingsToConfig(pointInTime)).toMatchObject({ "rds-echo:restoreTime": { value: "2026-11-25T12:25:00Z" }, "rds-echo:sourceInstance": { value: "production-db" } });
    expect(settingsFromConfig(GENERATION, settingsToConfig(pointInTime))).toEqual(pointInTime);
    expect(settingsToConfig(copied)["rds-echo:sourceSnapshot"]).toEqual({ value: copied.sourceSnapshot });
    expect(settingsFromConfig(GENERATION, settingsToConfig(copied))).toEqual(copied);
  });

  it("refuses a restore time without its source instance (the program would restore the label)", () => {
    const { ["rds-echo:sourceInstance"]: _gone, ...half } = settingsToConfig(pointInTime);
    expect(() => settingsFromConfig(GENERATION, half)).toThrow(/rds-echo:restoreTime is set without rds-echo:sourceInstance/);
  });

  // The stage move writes the settings into the stack file (stackFileWithSettings; main replaced configChange with it).
  it("carries them through a stage move's stack file and back out of it, and drops them when gone", () => {
    const moved = { ...pointInTime, stage: "rebooted" as const };
    const file = parse(stackFileWithSettings(STACK_FILE, moved)) as { config: Record<string, unknown> };
    expect(file.config).toMatchObject({ "rds-echo:stage": "rebooted", "rds-echo:restoreTime": "2026-11-25T12:25:00Z", "rds-echo:sourceInstance": "production-db" });
    expect(settingsFromConfig(GENERATION, configFromStackFile(stackFileWithSettings(STACK_FILE, moved)))).toEqual(moved);
    const back = parse(stackFileWithSettings(stackFileWithSettings(STACK_FILE, moved), rebooted)) as { config: Record<string, unknown> };
    expect(back.config).not.toHaveProperty("rds-echo:restoreTime");
    expect(back.config).not.toHaveProperty("rds-echo:sourceInstance");
    const uncopied = parse(stackFileWithSettings(stackFileWithSettings(STACK_FILE, copied), rebooted)) as { config: Record<string, unknown> };
    for (const key of ["rds-echo:sourceInstance", "rds-echo:sourceSnapshot", "rds-echo:kmsKeyId"]) expect(uncopied.config).not.toHaveProperty(key);
  });
});

describe("every optional setting in the stack file", () => {
  // One setting per branch that added one (sources, hooks, migrate, rollback): a key left behind would outlive its meaning.
  const everything: GenerationSettings = {
    echo: "development",
    stage: "forgotten",
    snapshot: "development-20261125-1230-copy",
    zoneId: "Z0123456789ABCDEFGHIJ",
    storageEncrypted: true,
    kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    restoreTime: "2026-11-25T12:25:00Z",
    sourceInstance: "production-db",
    sourceSnapshot: "arn:aws:rds:eu-west-1:222222222222:snapshot:development-20261125-1230-source",
    hooksDone: "a1,b2",
    scrubbed: "c3",
    adopted: "development-legacy-1",
    rolledBack: "development-20261124-0300",
  };

  it("round-trips through the file, and is deleted from it when the new settings lack it", () => {
    const full = stackFileWithSettings(STACK_FILE, everything);
    expect(settingsFromConfig(GENERATION, configFromStackFile(full))).toEqual(everything);
    const bare = parse(stackFileWithSettings(full, rebooted)) as { config: Record<string, unknown> };
    const left = Object.keys(bare.config).filter((k) => k.startsWith("rds-echo:") && k in settingsToConfig(everything));
    expect(left.sort()).toEqual(["rds-echo:echo", "rds-echo:snapshot", "rds-echo:stage"]);
  });
});
