import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { approvalSignerPolicy, type PolicyDocument } from "../../src/approval/policy.js";

const FILE = new URL("../../policy/approval-signer-policy.json", import.meta.url);
const PARAMS = { region: "eu-west-1", account: "123456789012", echo: "development" };

/** What one request asks IAM: the action, the resource, its tags, and the tag keys being set. */
interface RequestContext {
  action: string;
  resource: string;
  resourceTags: Record<string, string>;
  tagKeys?: string[];
}

const glob = (pattern: string, value: string, caseInsensitive = false) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "").test(value);
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/**
 * A tiny IAM evaluator for the grammar this policy uses: Allow statements, Action/Resource globs, and the condition
 * operators StringEquals, StringLike and ForAllValues:StringLike over aws:ResourceTag/<key> and aws:TagKeys.
 * Anything else throws, so a policy change cannot slip past it unevaluated. No Allow means implicit deny.
 */
function evaluate(policy: PolicyDocument, request: RequestContext): "allow" | "deny" {
  const single = (key: string): string | undefined =>
    key.startsWith("aws:ResourceTag/") ? request.resourceTags[key.slice("aws:ResourceTag/".length)] : undefined;
  let allowed = false;
  for (const statement of policy.Statement) {
    for (const k of Object.keys(statement)) if (!["Sid", "Effect", "Action", "Resource", "Condition"].includes(k)) throw new Error(`unsupported ${k}`);
    if (!list(statement.Action).some((a) => glob(a, request.action, true))) continue;
    if (!list(statement.Resource).some((r) => glob(r, request.resource))) continue;
    const conditions = Object.entries(statement.Condition ?? {}).every(([operator, block]) =>
      Object.entries(block).every(([key, expected]) => {
        const patterns = list(expected);
        switch (operator) {
          case "StringEquals": {
            const actual = single(key);
            return actual !== undefined && patterns.includes(actual);
          }
          case "StringLike": {
            const actual = single(key);
            return actual !== undefined && patterns.some((p) => glob(p, actual));
          }
          case "ForAllValues:StringLike": {
            if (key !== "aws:TagKeys") throw new Error(`unsupported key ${key}`);
            // IAM semantics: true for an empty or absent set (AddTagsToResource always carries at least one tag).
            return (request.tagKeys ?? []).every((value) => patterns.some((p) => glob(p, value)));
          }
          default:
            throw new Error(`unsupported condition operator ${operator}`);
        }
      }),
    );
    if (!conditions) continue;
    if (statement.Effect === "Deny") return "deny";
    allowed = true;
  }
  return allowed ? "allow" : "deny";
}

const policy = approvalSignerPolicy(PARAMS);
const INSTANCE = "arn:aws:rds:eu-west-1:123456789012:db:development-20261125-1200";
const MANAGED = { "echo:managed": "development", "echo:stage": "rebooted" };
const APPROVAL = "echo:approval:r20261125t1230-ab12:a@example.com";
const tagging = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  action: "rds:AddTagsToResource",
  resource: INSTANCE,
  resourceTags: MANAGED,
  tagKeys: [APPROVAL],
  ...overrides,
});

describe("approval signer policy", () => {
  it("the JSON template equals the function's output once its placeholders are filled", () => {
    const template = readFileSync(FILE, "utf8");
    expect([...new Set(template.match(/\$\{\w+\}/g))].sort()).toEqual(["${Account}", "${Echo}", "${Region}"]);
    const filled = template.replaceAll("${Region}", PARAMS.region).replaceAll("${Account}", PARAMS.account).replaceAll("${Echo}", PARAMS.echo);
    expect(JSON.parse(filled)).toEqual(policy);
  });

  it("is a single Allow of a single action, no wildcards in the action, no Deny needed", () => {
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Action: "rds:AddTagsToResource",
      Resource: ["arn:aws:rds:eu-west-1:123456789012:db:development-????????-????", "arn:aws:rds:eu-west-1:123456789012:cluster:development-????????-????"],
      Condition: {
        "ForAllValues:StringLike": { "aws:TagKeys": "echo:approval:*" },
        StringEquals: { "aws:ResourceTag/echo:managed": "development" },
      },
    });
  });

  it("allows setting approval tags on this echo's managed generations", () => {
    expect(evaluate(policy, tagging())).toBe("allow");
    // A cluster echo's generation is its cluster.
    expect(evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:cluster:development-20261125-1200" }))).toBe("allow");
    expect(evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:cluster:production-aurora", resourceTags: {} }))).toBe("deny");
    expect(evaluate(policy, tagging({ tagKeys: [APPROVAL, "echo:approval:r20261125t1230-ab12:b@example.com"] }))).toBe("allow");
  });

  it.each(["rds:RemoveTagsFromResource", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance", "rds:DescribeDBInstances", "rds:ListTagsForResource"])(
    "denies %s, even on a managed instance",
    (action) => expect(evaluate(policy, tagging({ action }))).toBe("deny"),
  );

  it("denies any tag key outside echo:approval:*, alone or mixed in", () => {
    expect(evaluate(policy, tagging({ tagKeys: ["echo:stage"] }))).toBe("deny");
    expect(evaluate(policy, tagging({ tagKeys: [APPROVAL, "echo:stage"] }))).toBe("deny");
    expect(evaluate(policy, tagging({ tagKeys: ["echo:request:r20261125t1230-ab12"] }))).toBe("deny");
    expect(evaluate(policy, tagging({ tagKeys: ["echo:managed"] }))).toBe("deny");
    expect(evaluate(policy, tagging({ tagKeys: ["Echo:Approval:x"] }))).toBe("deny");
  });

  it("denies another echo's instances, including one whose name merely starts with this echo's", () => {
    expect(evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:db:staging-20261125-1200", resourceTags: { "echo:managed": "staging" } }))).toBe("deny");
    // "development-eu-…" does not fit the generation pattern "development-????????-????" (`?` is one character): the
    // name refuses it even when its tag says "development" (issue 18, item 7), not only the managed tag.
    for (const managed of ["development-eu", "development"]) {
      expect(
        evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:db:development-eu-20261125-1200", resourceTags: { "echo:managed": managed } })),
      ).toBe("deny");
    }
  });

  it("denies instances rds-echo did not create: no managed tag, or in another account or region", () => {
    expect(evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:db:development-manual", resourceTags: {} }))).toBe("deny");
    expect(evaluate(policy, tagging({ resourceTags: { "echo:stage": "rebooted" } }))).toBe("deny");
    expect(evaluate(policy, tagging({ resource: INSTANCE.replace("123456789012", "210987654321") }))).toBe("deny");
    expect(evaluate(policy, tagging({ resource: INSTANCE.replace("eu-west-1", "us-east-1") }))).toBe("deny");
    expect(evaluate(policy, tagging({ resource: "arn:aws:rds:eu-west-1:123456789012:snapshot:development-20261125-1200" }))).toBe("deny");
  });
});

describe("the README's Service Control Policy for echo: tags", () => {
  it("is valid JSON that denies echo:* tag keys, on tagging and on tagged creates, to every principal but rds-echo's", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const block = /```json\n(\{[^`]*"OnlyRdsEchoWritesEchoTags"[^`]*\})\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const scp = JSON.parse(block!) as { Statement: Array<{ Effect: string; Action: string[]; Condition: Record<string, Record<string, string[]>> }> };
    const [deny] = scp.Statement;
    expect(deny?.Effect).toBe("Deny");
    expect(deny?.Action).toEqual(expect.arrayContaining(["rds:AddTagsToResource", "rds:RemoveTagsFromResource", "rds:RestoreDBInstanceFromDBSnapshot"]));
    expect(deny?.Condition["ForAnyValue:StringLike"]?.["aws:TagKeys"]).toEqual(["echo:*"]);
    expect(deny?.Condition["ArnNotLike"]?.["aws:PrincipalArn"]).toEqual(expect.arrayContaining([expect.stringMatching(/:role\/rds-echo$/), expect.stringMatching(/:user\/rds-echo-\*-approvals$/)]));
  });
});
