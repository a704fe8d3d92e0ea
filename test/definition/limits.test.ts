/**
 * The limits a definition is checked against at load: the tag budget counts every tag rds-echo may write (taken
 * from the code that writes them, not from a number copied here), durations stay within what timers and Pulumi can
 * hold, and `hooks.env` names only variables a hook may have.
 */
import { describe, expect, it } from "vitest";
import { approvalTagKey, openRequest } from "../../src/approval/requests.js";
import { echoTagCount, tagBudgetProblem } from "../../src/definition/tag-budget.js";
import { parseDuration } from "../../src/definition/duration.js";
import { requestSettings } from "../../src/lifecycle/approval.js";
import { instanceTags } from "../../src/program/generation.js";
import type { InstanceEchoDefinition } from "../../src/definition/schema.js";
import { TAG_SCRUBBED } from "../../src/program/tags.js";
import { DefinitionError } from "../../src/errors.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

describe("the tag budget", () => {
  it("counts every key rds-echo writes on a generation at its busiest, as the writers spell them", () => {
    const approvers = ["a@example.com", "b@example.com", "c@example.com"];
    const now = new Date("2026-11-25T12:30:00Z");
    const request = openRequest({ id: "r20261125t1230-ab12", generation: "development-20261125-1230", approvers, now, expiresInSeconds: 3600 });
    const definition = definitionFrom({ ...developmentData(), instance: { ...developmentData().instance, tags: {} }, promote: { ...developmentData().promote, tags: {} } });
    // The program's tags on a promoted generation that a rollback marked (the most it declares).
    const programKeys = Object.keys(
      instanceTags({ definition: definition as InstanceEchoDefinition, generation: request.generation, stage: "promoted", snapshot: "rds:production-2026-11-25", rolledBack: "development-20261124-1230" }),
    ).filter((k) => k.startsWith("echo:"));
    const keys = new Set([
      ...programKeys,
      TAG_SCRUBBED,
      `echo:seen:${request.id}`,
      ...approvers.flatMap((a) => [approvalTagKey(request.id, a, "approved"), approvalTagKey(request.id, a, "cancelled")]),
    ]);
    expect(keys.size).toBe(echoTagCount(approvers.length));
    expect(echoTagCount(0)).toBe(keys.size - 1 - 2 * approvers.length);
  });

  it("refuses at load, and at promote --request for the approvers it names (each approves and may cancel)", () => {
    expect(tagBudgetProblem(50 - echoTagCount(2), 2)).toBeUndefined();
    expect(tagBudgetProblem(51 - echoTagCount(2), 2)).toMatch(/carry 51 tags/);
    const data = developmentData();
    data.instance.tags = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, "x"]));
    const definition = definitionFrom(data); // 31 of the person's + 6: fits without approval
    const named = (n: number) => Array.from({ length: n }, (_, i) => `approver${i}@example.com`);
    expect(() => requestSettings(definition, { approvers: named(6) }, new Date())).not.toThrow();
    expect(() => requestSettings(definition, { approvers: named(7) }, new Date())).toThrow(/promote --request: a generation could carry 52 tags/);
  });
});

describe("durations", () => {
  it("a number too large to be exact is no duration", () => {
    expect(parseDuration(`${"9".repeat(30)}d`)).toBeUndefined();
    expect(parseDuration("30d")).toBe(43_200);
  });

  it("hook timeouts run from 1s to 24d; resource timeouts from 1m to 30d; errors name the key path", () => {
    const issues = (change: (d: Record<string, any>) => void) => {
      const data = developmentData();
      change(data);
      try {
        definitionFrom(data);
        return [];
      } catch (error) {
        return (error as DefinitionError).issues.map((i) => `${i.key}: ${i.message}`);
      }
    };
    expect(issues((d) => (d.hooks.afterRestore[0].timeout = "24d"))).toEqual([]);
    expect(issues((d) => (d.hooks.afterRestore[0].timeout = "25d"))).toEqual(["hooks.afterRestore[0].timeout: is 25d; a hook's timeout must be from 1s to 24d (a Node.js timer holds at most 2^31-1 ms, about 24.8 days)"]);
    expect(issues((d) => (d.hooks.beforePromote[0].timeout = "2147484s"))).toHaveLength(1);
    expect(issues((d) => (d.timeouts = { create: "30d" }))).toEqual([]);
    expect(issues((d) => (d.timeouts = { update: "30d1m" }))).toEqual(["timeouts.update: must be from 1m to 30d (a restore that takes longer than a month is not waited for)"]);
  });
});

describe("hooks.env", () => {
  const withEnv = (env: unknown) => {
    const data = developmentData();
    data.hooks.env = env;
    return data;
  };

  it("takes variable names, and refuses rds-echo's secrets and the connection variables it sets itself", () => {
    expect(definitionFrom(withEnv(["SCRUB_TOKEN", "AWS_PROFILE"])).hooks?.env).toEqual(["SCRUB_TOKEN", "AWS_PROFILE"]);
    expect(definitionFrom(developmentData()).hooks?.env).toEqual([]);
    for (const [name, message] of [
      ["RDS_ECHO_SECRET_MASTER_PASSWORD", /rds-echo's own secrets/],
      ["RDS_ECHO_SIGNER_SECRET_ACCESS_KEY", /rds-echo's own secrets/],
      ["PULUMI_CONFIG_PASSPHRASE", /rds-echo's own secrets/],
      ["PGHOST", /connection variable/],
      ["MYSQL_PWD", /connection variable/],
      ["1BAD", /not an environment variable name/],
      ["A=B", /not an environment variable name/],
    ] as const) {
      expect(() => definitionFrom(withEnv([name]))).toThrow(message);
    }
  });
});
