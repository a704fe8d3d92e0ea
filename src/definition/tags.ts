/**
 * RDS's tag rules (RDS User Guide, "Tagging Amazon RDS resources"): up to 50 tags per resource; a key of 1–128 and a
 * value of 0–256 Unicode characters, letters, digits, white space and `_ . : / = + - @` only; neither a key nor a
 * value may start with `aws:` or `rds:`. RDS refuses the whole request otherwise, so rds-echo checks up front.
 */
import { MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, TAG_CHARACTERS } from "../approval/requests.js";

export const MAX_TAGS_PER_RESOURCE = 50;
const RESERVED_PREFIXES = ["aws:", "rds:"] as const;

function reservedPrefix(text: string): string | undefined {
  return RESERVED_PREFIXES.find((p) => text.toLowerCase().startsWith(p));
}

/** Why RDS would refuse this tag key, or undefined when it accepts it. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) return `tag key "${key}" must have 1 to ${MAX_TAG_KEY_LENGTH} characters`;
  const prefix = reservedPrefix(key);
  if (prefix) return `tag key "${key}" starts with "${prefix}", which RDS reserves`;
  if (!TAG_CHARACTERS.test(key)) return `tag key "${key}" has a character RDS refuses (allowed: letters, digits, spaces and _ . : / = + - @)`;
  return undefined;
}

/** Why RDS would refuse this tag value, or undefined when it accepts it. */
export function tagValueProblem(value: string): string | undefined {
  if (value.length > MAX_TAG_VALUE_LENGTH) return `tag value "${value.slice(0, 20)}…" is longer than ${MAX_TAG_VALUE_LENGTH} characters`;
  const prefix = reservedPrefix(value);
  if (prefix) return `tag value "${value}" starts with "${prefix}", which RDS reserves`;
  if (!TAG_CHARACTERS.test(value)) return `tag value "${value}" has a character RDS refuses (allowed: letters, digits, spaces and _ . : / = + - @)`;
  return undefined;
}

/** The first problem RDS would have with a set of tags on one resource, or undefined. */
export function tagsProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS_PER_RESOURCE) return `${count} tags, more than RDS's ${MAX_TAGS_PER_RESOURCE} per resource`;
  for (const [key, value] of Object.entries(tags)) {
    const problem = tagKeyProblem(key) ?? tagValueProblem(value);
    if (problem) return problem;
  }
  return undefined;
}
