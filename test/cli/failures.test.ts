import { describe, expect, it } from "vitest";
import { failureOf } from "../../src/cli/run.js";

/** Errors as the SDKs raise them: their class names, their fields (built here by hand, not by message text). */
function named(name: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, fields);
}

describe("failures the SDKs raise untranslated are said in words, with the right exit code", () => {
  it("AWS credentials that do not work are input to fix: exit 2, with the ways to give them and --sandbox", () => {
    const f = failureOf(named("CredentialsProviderError", "Could not load credentials from any providers"));
    expect(f.code).toBe(2);
    expect(f.message).toMatch(/^AWS credentials: Could not load credentials from any providers \(CredentialsProviderError\)\. Set AWS_PROFILE/);
    expect(f.message).toContain("--sandbox");
    expect(failureOf(named("ExpiredToken", "The security token included in the request is expired")).code).toBe(2);
  });

  it("a Pulumi CLI that cannot be started is exit 2; one that fails says what it said, never the raw dump", () => {
    const missing = failureOf(named("CommandError", "code: -2\n stdout: \n stderr: \n", { commandResult: { code: -2, stdout: "", stderr: "" } }));
    expect(missing.code).toBe(2);
    expect(missing.message).not.toMatch(/code: -2|stdout:/);
    expect(missing.message).toContain("--install-pulumi");
    const failed = failureOf(named("CommandError", "code: 255\n stdout: \n stderr: error: boom", { commandResult: { code: 255, stdout: "", stderr: "\nerror: boom\n" } }));
    expect(failed).toEqual({ code: 1, message: "the Pulumi CLI failed: error: boom" });
  });
});
