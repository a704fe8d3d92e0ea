/**
 * The planned-change rule of a bridged Terraform resource, applied property by property over a rules table:
 * compare the program's input (news) with the state (olds, the last outputs), as the bridge's Diff does by planning
 * the new config against the prior state.
 * - an input absent from the program: no change if the attribute is Computed; otherwise its Default (or the zero
 *   value: Terraform SDK v2 treats an unset primitive as its zero value) is planned against the state;
 * - an unknown input (preview of a value not known yet) is a change;
 * - a change to a ForceNew attribute is a replacement.
 * A `block` is a nested block of MaxItems 1 (the bridge flattens it to one object): its fields compare one by one,
 * an unset field as its zero value, and an absent block as an empty one (Terraform plans a list of zero items).
 *
 * Two answers, as terraform-plugin-sdk v2 has them (helper/schema): `changed` is what the plan names (schemaMap.diff
 * → diffString compares the state's value as text with the planned one: an attribute null in the state is "", so
 * a planned `false`, `0` or non-empty string is a change), and `modified` is what `d.HasChange` sees in the
 * provider's Update (the state read through its zero value: null and `false` are the same). They differ only for
 * an attribute null in the state, which happens only for one no Read sets (`stateOnly`), after an import.
 * GUESS: helper/schema was not re-read for this rule (it follows its diffString and HasChange as remembered); it
 * agrees with what the real provider's post-import preview named (applyImmediately among them, unset in the state).
 */
import { sameTags } from "./tags.js";
import { containsUnknown, isRecord, reveal, type PropertyBag } from "./values.js";

export type Kind = "string" | "number" | "boolean" | "set" | "map" | "block";

/** What a diff needs to know of an attribute (its Terraform schema flags). */
export interface DiffRule {
  readonly kind: Kind;
  readonly forceNew?: boolean;
  readonly computed?: boolean;
  readonly default?: string | number | boolean;
  /** The value as the state stores it (a schema StateFunc), used on both sides of a diff. */
  readonly normalize?: (value: string) => string;
  /**
   * No Read sets it (implicit state passthrough): after an import it is null in the state, and the plan names it
   * whenever a value is planned (see the module comment), even one equal to its zero value.
   */
  readonly stateOnly?: boolean;
}

export interface PlannedChanges {
  /** The attributes the plan names (the bridge reports them as the diff's keys). */
  readonly changed: string[];
  readonly replaces: string[];
  /** The attributes whose value changes (`d.HasChange` in the provider's Update): `changed` minus null-vs-zero. */
  readonly modified: string[];
}

/** diffString's text of a planned value: null and an empty string are both "". */
function plannedText(value: unknown): string {
  const plain = reveal(value);
  return plain === undefined || plain === null ? "" : typeof plain === "string" ? plain : JSON.stringify(plain);
}

function zeroOf(rule: DiffRule): unknown {
  switch (rule.kind) {
    case "string":
      return "";
    case "number":
      return 0;
    case "boolean":
      return false;
    case "set":
      return [];
    case "map":
    case "block":
      return {};
  }
}

function normalized(rule: DiffRule, value: unknown): unknown {
  const plain = reveal(value);
  if (rule.kind === "block") return blockFields(isRecord(plain) ? plain : {});
  if (plain === undefined || plain === null) return zeroOf(rule);
  if (typeof plain === "string" && rule.normalize) return rule.normalize(plain);
  if (rule.kind === "set" && Array.isArray(plain)) return [...plain].map(String).sort();
  return plain;
}

/** The block's set fields, in key order: a field unset, null or at its zero value is no field (as Terraform reads it). */
function blockFields(block: Record<string, unknown>): [string, unknown][] {
  const zero = (v: unknown) => v === undefined || v === null || v === "" || v === false || v === 0;
  return Object.entries(block)
    .filter(([, v]) => !zero(v))
    .sort(([a], [b]) => a.localeCompare(b));
}

function equal(rule: DiffRule, a: unknown, b: unknown): boolean {
  if (rule.kind === "set" || rule.kind === "block") return JSON.stringify(a) === JSON.stringify(b);
  if (rule.kind === "map") {
    const asTags = (v: unknown) => (isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {});
    return sameTags(asTags(a), asTags(b));
  }
  return a === b;
}

export function plannedChanges(rules: Readonly<Record<string, DiffRule>>, olds: PropertyBag, news: PropertyBag): PlannedChanges {
  const changed: string[] = [];
  const modified: string[] = [];
  for (const [key, rule] of Object.entries(rules)) {
    const input = news[key];
    if (containsUnknown(input)) {
      changed.push(key);
      modified.push(key);
      continue;
    }
    const absent = input === undefined || input === null;
    if (absent && rule.computed) continue;
    // A Default is planned for an absent input; with none, nothing is (diffString then compares "" with "").
    const planned = absent ? rule.default : input;
    if (!equal(rule, normalized(rule, planned ?? zeroOf(rule)), normalized(rule, olds[key]))) {
      changed.push(key);
      modified.push(key);
    } else if (rule.stateOnly && (olds[key] === undefined || olds[key] === null) && plannedText(planned) !== "") {
      changed.push(key);
    }
  }
  return { changed, replaces: changed.filter((key) => rules[key]?.forceNew === true), modified };
}
