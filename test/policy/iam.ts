/** What the policy tests need of IAM's own rules: its wildcard matching and the policy files, read and filled in. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { PolicyDocument, PolicyStatement } from "../../src/approval/policy.js";
import type { EchoDefinition } from "../../src/definition/schema.js";
import { placeholderValues, unusedStatements } from "../../src/iam/placeholders.js";
import { renderPolicy } from "../../src/iam/render.js";
import { POLICY_FILES, type PolicyRole } from "../../src/iam/roles.js";
import { REPO_ROOT } from "../helpers/definitions.js";

export const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/**
 * IAM's ARN matching (Resource element, StringLike/ArnLike): `*` any run of characters (none included, across `:` and
 * `/`), `?` exactly one character, everything else literally and case-sensitively.
 */
export function iamMatches(pattern: string, value: string): boolean {
  const source = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`, "s").test(value);
}

export function policyFile(role: PolicyRole): PolicyDocument {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, "policy", POLICY_FILES[role]), "utf8")) as PolicyDocument;
}

export const ACCOUNT = "123456789012";
export const ZONE = "Z0123456789ABCDEFGHIJ";
export const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/source-key`;

/** A policy file filled in for an echo the way `rds-echo policy` does it. */
export function rendered(role: PolicyRole, definition: EchoDefinition): PolicyStatement[] {
  const values = placeholderValues(definition, { account: ACCOUNT, zoneId: ZONE, kmsKeys: [KEY] });
  return renderPolicy(policyFile(role), values, role === "driver" ? unusedStatements(definition) : {}).document.Statement;
}

/** The statements allowing an action, and whether one of them allows it on a resource. */
export function allowing(statements: readonly PolicyStatement[], action: string): PolicyStatement[] {
  return statements.filter((s) => list(s.Action).includes(action));
}

/** One RDS request as IAM sees it: the action, the resource's ARN, the tags it sends and the tags the resource has. */
export interface TagRequest {
  readonly action: string;
  readonly arn: string;
  readonly requestTags?: Readonly<Record<string, string>>;
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/**
 * Whether an Allow statement of these grants the request: the action, a Resource pattern and every condition (the
 * operators and keys the policy files use for tags; any other one fails the test rather than being guessed at).
 */
export function isAllowed(statements: readonly PolicyStatement[], request: TagRequest): boolean {
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      list(s.Action).includes(request.action) &&
      list(s.Resource).some((r) => iamMatches(r, request.arn)) &&
      Object.entries(s.Condition ?? {}).every(([operator, keys]) => Object.entries(keys).every(([key, value]) => holds(operator, key, list(value), request))),
  );
}

function contextValues(key: string, request: TagRequest): string[] | undefined {
  const tag = /^aws:(RequestTag|ResourceTag)\/(.+)$/.exec(key);
  if (tag) {
    const value = (tag[1] === "RequestTag" ? request.requestTags : request.resourceTags)?.[tag[2]!];
    return value === undefined ? undefined : [value];
  }
  if (key === "aws:TagKeys") return request.requestTags ? Object.keys(request.requestTags) : undefined;
  throw new Error(`the test evaluator does not know the condition key ${key}`);
}

function holds(operator: string, key: string, wanted: string[], request: TagRequest): boolean {
  const present = contextValues(key, request);
  switch (operator) {
    case "StringEquals":
      return present !== undefined && present.some((v) => wanted.includes(v));
    case "Null":
      return wanted.includes(String(present === undefined));
    case "ForAllValues:StringLike":
      return (present ?? []).every((v) => wanted.some((w) => iamMatches(w, v)));
    default:
      throw new Error(`the test evaluator does not know the condition operator ${operator}`);
  }
}
