import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CommandError,
  ConcurrentUpdateError,
  PulumiCommand,
  StackAlreadyExistsError,
  StackNotFoundError as PulumiStackNotFoundError,
} from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { CLI_NOT_FOUND, isCliMissing, mapPulumiError, PulumiCommandFailed } from "../../../src/adapters/pulumi/errors.js";
import { EnvironmentError, StackExistsError, StackLockedError, StackNotFoundError } from "../../../src/errors.js";
import { GENERATION } from "./fixtures.js";

// The SDK's error classes take the CLI's result; its text is what their message shows.
const lockedText = "code: 255\n stderr: error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.";

/** A real CommandError from the SDK: asking for a CLI under a directory that has none fails to spawn it. */
async function spawnFailure(): Promise<unknown> {
  const empty = mkdtempSync(path.join(os.tmpdir(), "rds-echo-no-cli-"));
  try {
    return await PulumiCommand.get({ root: empty }).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

describe("mapPulumiError", () => {
  it("maps a concurrent update to StackLockedError for the stack, keeping the SDK error as cause", () => {
    const original = new ConcurrentUpdateError(lockedText);
    const mapped = mapPulumiError(original, GENERATION);
    expect(mapped).toBeInstanceOf(StackLockedError);
    expect(mapped).toMatchObject({ stackName: GENERATION, cause: original });
  });

  it("maps a missing stack and an existing stack to the port's errors", () => {
    expect(mapPulumiError(new PulumiStackNotFoundError("no stack named 'x' found"), GENERATION)).toBeInstanceOf(StackNotFoundError);
    expect(mapPulumiError(new StackAlreadyExistsError(`stack '${GENERATION}' already exists`), GENERATION)).toMatchObject({
      name: "StackExistsError",
      stackName: GENERATION,
    });
    expect(mapPulumiError(new StackAlreadyExistsError("x"), GENERATION)).toBeInstanceOf(StackExistsError);
  });

  it("maps a CLI that cannot be spawned to an EnvironmentError that says how to get one", async () => {
    const failure = await spawnFailure();
    expect(failure).toBeInstanceOf(CommandError);
    expect(isCliMissing(failure)).toBe(true);
    const mapped = mapPulumiError(failure, GENERATION);
    expect(mapped).toBeInstanceOf(EnvironmentError);
    expect((mapped as EnvironmentError).message).toBe(CLI_NOT_FOUND);
    expect((mapped as EnvironmentError).exitCode).toBe(2);
  });

  it("turns any other CLI failure into its error lines (no code/stdout/stderr dump), keeping the SDK error as cause", () => {
    const other = new CommandError({
      stdout: "  aws:rds:Instance (db):\n    error: 1 error occurred:\n    \t* creating RDS DB Instance: InvalidParameterCombination\n\nResources:\n",
      stderr: "error: update failed\n",
      code: 255,
    } as never);
    const mapped = mapPulumiError(other, GENERATION);
    expect(mapped).toBeInstanceOf(PulumiCommandFailed);
    expect((mapped as Error).message).toBe(
      `pulumi failed on ${GENERATION}:\n  error: 1 error occurred: * creating RDS DB Instance: InvalidParameterCombination\n  error: update failed`,
    );
    expect((mapped as Error).message).not.toMatch(/code:|stdout:/);
    expect((mapped as Error).cause).toBe(other);
    expect(isCliMissing(other)).toBe(false);
    const plain = new Error("boom");
    expect(mapPulumiError(plain, GENERATION)).toBe(plain);
    expect(mapPulumiError("not an error", GENERATION)).toBe("not an error");
  });
});
