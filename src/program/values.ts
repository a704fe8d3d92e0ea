/**
 * Plain values of declared resource inputs, as the mock runtime hands them back: JSON-like data where a secret is a
 * `SecretValue` (which prints as `[secret]` however it is printed) and a value not known before apply is `UNKNOWN`.
 */
import { inspect } from "node:util";

const SECRET_TEXT = "[secret]";

/** A secret input. Printing, JSON and string conversion all show `[secret]`; only `reveal()` gives the value. */
export class SecretValue {
  readonly #value: unknown;
  constructor(value: unknown) {
    this.#value = value;
  }
  reveal(): unknown {
    return this.#value;
  }
  toJSON(): string {
    return SECRET_TEXT;
  }
  toString(): string {
    return SECRET_TEXT;
  }
  [inspect.custom](): string {
    return SECRET_TEXT;
  }
}

/** An input whose value is only known once the engine has applied an earlier change (e.g. a new instance's address). */
export const UNKNOWN: unique symbol = Symbol.for("rds-echo.unknown");
export const UNKNOWN_TEXT = "(known after apply)";

export type Value = string | number | boolean | null | SecretValue | typeof UNKNOWN | Value[] | { [key: string]: Value };

/** Renders a value as JSON-compatible data for output: secrets and unknowns become their display text. */
export function displayValue(value: Value | undefined): unknown {
  if (value === UNKNOWN) return UNKNOWN_TEXT;
  if (value instanceof SecretValue) return SECRET_TEXT;
  if (Array.isArray(value)) return value.map(displayValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, displayValue(v)]));
  }
  return value;
}

/** Deep equality on values; two secrets are equal when their revealed values are. */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a instanceof SecretValue || b instanceof SecretValue) {
    return a instanceof SecretValue && b instanceof SecretValue && sameValue(a.reveal() as Value, b.reveal() as Value);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameValue((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]));
  }
  return a === b;
}
