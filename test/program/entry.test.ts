import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { evaluateUnderMocks } from "../../src/program/evaluate.js";
import { SecretValue } from "../../src/program/values.js";
import { REPO_ROOT } from "../helpers/definitions.js";

afterEach(() => vi.restoreAllMocks());

describe("the Pulumi CLI entry point (Pulumi.yaml main)", () => {
  it("reads echo, stage, pinned snapshot and secret from the stack config and declares the generation", async () => {
    vi.spyOn(process, "cwd").mockReturnValue(REPO_ROOT);
    const { default: entry } = await import("../../src/program/entry.js");
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
});
