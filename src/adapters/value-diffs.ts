/**
 * A changed input as display text for a confirmation (`old -> new` per key, maps one level deep as
 * `tags["echo:stage"]`, secrets as `[secret]`): shared by the sandbox and the Pulumi adapter, each of which says what
 * a secret looks like in its own values.
 */
import type { ValueDiff } from "../ports.js";

export function valueDiffs(key: string, before: unknown, after: unknown, isSecret: (value: unknown) => boolean): ValueDiff[] {
  if (isPlainMap(before) && isPlainMap(after) && !isSecret(before) && !isSecret(after)) {
    return changedKeys(before, after).map((k) => ({ key: `${key}[${JSON.stringify(k)}]`, ...shown("old", before[k], isSecret), ...shown("new", after[k], isSecret) }));
  }
  return [{ key, ...shown("old", before, isSecret), ...shown("new", after, isSecret) }];
}

function shown(side: "old" | "new", value: unknown, isSecret: (value: unknown) => boolean): Partial<ValueDiff> {
  if (value === undefined) return {};
  return { [side]: isSecret(value) ? "[secret]" : typeof value === "string" ? value : JSON.stringify(value) };
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => canonical(before[k]) !== canonical(after[k])).sort();
}

/** JSON with sorted keys, so equal objects compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
