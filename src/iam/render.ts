/**
 * Filling in a policy file of policy/ for one echo. Pure: the document and the placeholder values in, the filled-in
 * document and what was left out (and why) back.
 *
 * A placeholder with no value means the echo does not use that feature (no notification topic, no reader CNAME): the
 * Resource entries and condition values that mention it are left out, which only ever narrows what the statement
 * allows. A statement is dropped as a whole when its Resource or one of its conditions would be left with no value:
 * an emptied condition is never dropped on its own, since that would widen the statement.
 */
import type { PolicyDocument, PolicyStatement } from "../approval/policy.js";

/** Values per placeholder name (`Echo` for `${Echo}`): one, several (the entry repeats), or none (feature unused). */
export type PlaceholderValues = Readonly<Record<string, readonly string[]>>;

export interface RenderedPolicy {
  readonly document: PolicyDocument;
  /** Each statement left out: its Sid and why. */
  readonly dropped: readonly { readonly sid: string; readonly reason: string }[];
}

const PLACEHOLDER = /\$\{([A-Za-z]+)\}/g;

/** Every placeholder name a document uses, in the order first seen. */
export function placeholdersOf(document: PolicyDocument): string[] {
  return [...new Set([...JSON.stringify(document).matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Fills in `document`. `omit` names statements to leave out whatever their placeholders (a feature the definition
 * shows unused, such as the cluster statements of an instance echo), with the reason. Throws on a placeholder that
 * `values` does not know: a new one in a policy file must be given a source, never passed through.
 */
export function renderPolicy(document: PolicyDocument, values: PlaceholderValues, omit: Readonly<Record<string, string>> = {}): RenderedPolicy {
  const unknown = placeholdersOf(document).filter((name) => !(name in values));
  if (unknown.length > 0) throw new Error(`no value source for placeholder(s) ${unknown.map((n) => `\${${n}}`).join(", ")}`);
  const statements: PolicyStatement[] = [];
  const dropped: { sid: string; reason: string }[] = [];
  for (const statement of document.Statement) {
    const reason = omit[statement.Sid] ?? dropReason(statement, values);
    if (reason !== undefined) dropped.push({ sid: statement.Sid, reason });
    else statements.push(fill(statement, values));
  }
  return { document: { Version: document.Version, Statement: statements }, dropped };
}

/** Why a statement must go: the placeholder that empties its Resource or one of its conditions. */
function dropReason(statement: PolicyStatement, values: PlaceholderValues): string | undefined {
  const emptied = (list: string | string[]) => (expand(list, values).length === 0 ? unusedIn(list, values) : undefined);
  const resource = emptied(statement.Resource);
  if (resource) return `no value for ${resource}`;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      const condition = emptied(value);
      if (condition) return `no value for ${condition} (condition ${operator} ${key})`;
    }
  }
  return undefined;
}

function fill(statement: PolicyStatement, values: PlaceholderValues): PolicyStatement {
  const action = expand(statement.Action, values);
  if (JSON.stringify(action) !== JSON.stringify(list(statement.Action))) throw new Error(`${statement.Sid}: placeholders in Action are not supported`);
  const filled: PolicyStatement = { Sid: statement.Sid, Effect: statement.Effect, Action: statement.Action, Resource: shaped(statement.Resource, expand(statement.Resource, values)) };
  if (statement.Condition) {
    filled.Condition = Object.fromEntries(
      Object.entries(statement.Condition).map(([operator, keys]) => [
        operator,
        Object.fromEntries(Object.entries(keys).map(([key, value]) => [fillOne(key, values)[0] ?? key, shaped(value, expand(value, values))])),
      ]),
    );
  }
  return filled;
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** A single value stays a string, as written; several become a list. */
function shaped(original: string | string[], values: string[]): string | string[] {
  return !Array.isArray(original) && values.length === 1 ? values[0]! : values;
}

/** Every entry filled in, an entry with an unused placeholder left out, duplicates once. */
function expand(value: string | string[], values: PlaceholderValues): string[] {
  return [...new Set(list(value).flatMap((entry) => fillOne(entry, values)))];
}

/** One entry: every combination of its placeholders' values (none when one is unused). */
function fillOne(entry: string, values: PlaceholderValues): string[] {
  const names = [...new Set([...entry.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  let results = [entry];
  for (const name of names) {
    const options = values[name] ?? [];
    results = results.flatMap((partial) => options.map((option) => partial.replaceAll(`\${${name}}`, option)));
  }
  return results;
}

/** The unused placeholders of a list, for the reason a statement was dropped. */
function unusedIn(value: string | string[], values: PlaceholderValues): string {
  const names = list(value).flatMap((entry) => [...entry.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  return [...new Set(names.filter((n) => (values[n] ?? []).length === 0))].map((n) => `\${${n}}`).join(", ");
}
