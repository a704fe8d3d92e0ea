import { describe, expect, it } from "vitest";
import { masterPasswordProblem } from "../../src/definition/password.js";

describe("master password rules (RDS)", () => {
  it("accepts printable ASCII of 8 or more characters without / \" @ or space", () => {
    expect(masterPasswordProblem("s3cret-Pa55word")).toBeUndefined();
    expect(masterPasswordProblem("x".repeat(128))).toBeUndefined();
  });

  it("refuses what RDS refuses, never quoting the password", () => {
    for (const [password, expected] of [
      ["short", /at least 8/],
      ["with space here", /"\/", """, "@" or a space/],
      ["with/slash", /a space/],
      ['with"quote', /a space/],
      ["with@at-sign", /a space/],
      ["naïve-password", /printable ASCII/],
      ["x".repeat(129), /at most 128/],
    ] as const) {
      const problem = masterPasswordProblem(password);
      expect(problem, password).toMatch(expected);
      expect(problem).not.toContain(password);
    }
  });

  it("applies the engine's length limit once the engine is known", () => {
    expect(masterPasswordProblem("x".repeat(42), "mysql")).toMatch(/at most 41 characters for mysql/);
    expect(masterPasswordProblem("x".repeat(31), "oracle-ee")).toMatch(/at most 30/);
    expect(masterPasswordProblem("x".repeat(100), "postgres")).toBeUndefined();
  });
});

describe("where the password is checked", () => {
  it("the CLI refuses a password RDS would refuse before any cloud call (exit 2), without printing it", async () => {
    const { secretsFor } = await import("../../src/cli/handlers/secrets.js");
    const { UsageError } = await import("../../src/errors.js");
    const { developmentDefinition } = await import("../helpers/definitions.js");
    const call = () => secretsFor(developmentDefinition(), { RDS_ECHO_SECRET_MASTER_PASSWORD: "has a space" }, false, () => {});
    expect(call).toThrow(UsageError);
    expect(call).toThrow(/RDS_ECHO_SECRET_MASTER_PASSWORD: RDS would refuse this master password/);
    expect(call).not.toThrow(/has a space/);
  });

  it("new refuses a password too long for the snapshot's engine before it creates anything", async () => {
    const { sandboxWorld } = await import("../helpers/sandbox.js");
    const { newGeneration } = await import("../../src/lifecycle/new.js");
    const { loadEchoState } = await import("../../src/lifecycle/echo-state.js");
    const w = sandboxWorld();
    for (const s of w.sandbox.world.rds.snapshots) s.engine = "mysql";
    const ctx = w.ctx({ secrets: { masterPassword: "x".repeat(42) } });
    await expect(newGeneration(ctx, await loadEchoState(w.ports, w.definition))).rejects.toThrow(/at most 41 characters for mysql/);
    expect(Object.keys(w.sandbox.world.stacks)).toEqual([]);
  });
});
