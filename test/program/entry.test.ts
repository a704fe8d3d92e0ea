import os from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateUnderMocks } from "../../src/program/evaluate.js";
import { SecretValue } from "../../src/program/values.js";
import { REPO_ROOT } from "../helpers/definitions.js";

const startDir = process.cwd();
afterEach(() => process.chdir(startDir));

describe("the Pulumi CLI entry point (Pulumi.yaml main)", () => {
  it("reads echo, stage, pinned snapshot and secret from the stack config and declares the generation", async () => {
    // The CLI runs main from main's own folder, never the project root: any directory but the root will do.
    process.chdir(os.tmpdir());
    const { default: entry, projectRoot } = await import("../../src/program/entry.js");
    expect(projectRoot()).toBe(REPO_ROOT);
    const evaluation = await evaluateUnderMocks({
      project: "rds-echo",
      stack: "development-20261125-1230",
      preview: true,
      program: async () => {
        // What `pulumi config set` left in Pulumi.development-20261125-1230.yaml, as the engine hands it to the program.
        pulumi.runtime.setAllConfig(
          {
            "rds-echo:echo": "development",
            "rds-echo:stage": "modified",
            "rds-echo:snapshot": "rds:production-db-2026-11-25-03-10",
            "rds-echo:masterPassword": "from-config",
          },
          ["rds-echo:masterPassword"],
        );
        return entry();
      },
    });
    const db = evaluation.declarations.find((d) => d.type === "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({
      identifier: "development-20261125-1230",
      snapshotIdentifier: "rds:production-db-2026-11-25-03-10",
      parameterGroupName: "development-postgres16",
      tags: { "echo:stage": "modified" },
    });
    expect(db?.inputs["password"]).toBeInstanceOf(SecretValue);
  });

  it("restores the pinned point in time when the stack config carries rds-echo:restoreTime and sourceInstance", async () => {
    process.chdir(os.tmpdir());
    const { default: entry } = await import("../../src/program/entry.js");
    const evaluation = await evaluateUnderMocks({
      project: "rds-echo",
      stack: "development-20261125-1230",
      preview: true,
      program: async () => {
        pulumi.runtime.setAllConfig(
          {
            "rds-echo:echo": "development",
            "rds-echo:stage": "new",
            "rds-echo:snapshot": "point-in-time:production-db@2026-11-25T12:25:00Z",
            "rds-echo:restoreTime": "2026-11-25T12:25:00Z",
            "rds-echo:sourceInstance": "production-db",
            "rds-echo:masterPassword": "from-config",
          },
          ["rds-echo:masterPassword"],
        );
        return entry();
      },
    });
    const db = evaluation.declarations.find((d) => d.type === "aws:rds/instance:Instance");
    expect(db?.inputs["restoreToPointInTime"]).toEqual({ sourceDbInstanceIdentifier: "production-db", restoreTime: "2026-11-25T12:25:00Z" });
    expect(db?.inputs).not.toHaveProperty("snapshotIdentifier");
  });

  it("an adopted generation's stack holds no secret: the program needs none, and declares no password", async () => {
    process.chdir(os.tmpdir());
    const { default: entry } = await import("../../src/program/entry.js");
    const evaluation = await evaluateUnderMocks({
      project: "rds-echo",
      stack: "development-20261125-1230",
      preview: true,
      program: async () => {
        // What `migrate --adopt` leaves in the stack's config: no rds-echo:masterPassword.
        pulumi.runtime.setAllConfig({
          "rds-echo:echo": "development",
          "rds-echo:stage": "promoted",
          "rds-echo:snapshot": "legacy:development-2026-11-23",
          "rds-echo:adopted": "development-2026-11-23",
          "rds-echo:zoneId": "Z0123456789ABCDEFGHIJ",
        });
        return entry();
      },
    });
    const db = evaluation.declarations.find((d) => d.type === "aws:rds/instance:Instance");
    expect(db?.inputs).toMatchObject({ identifier: "development-2026-11-23", tags: { "echo:stage": "promoted" } });
    expect(db?.inputs).not.toHaveProperty("password");
  });
});
