/**
 * The sandbox engine's pure helpers on stored state: how declared values are stored (secrets as digests), the
 * order changes are applied in, URNs, change counts, and history entries as the port reports them.
 */
import { createHash } from "node:crypto";
import { PROJECT } from "../../program/project.js";
import { SecretValue, UNKNOWN, type Value } from "../../program/values.js";
import type { ChangeOp, HistoryEntry, ResourceChange } from "../../ports.js";
import { isPlainMap } from "../value-diffs.js";
import type { SimHistoryEntry } from "./world.js";

/** Pulumi's `ignoreChanges`: an ignored input keeps its value in state (or stays absent), whatever is declared. */
export function withIgnored(declared: Record<string, unknown>, stored: Record<string, unknown>, ignored: readonly string[]): Record<string, unknown> {
  const inputs = { ...declared };
  for (const key of ignored) {
    if (key in stored) inputs[key] = stored[key];
    else delete inputs[key];
  }
  return inputs;
}

/** Creates in declaration order, deletes last and in reverse (dependents before what they depend on). */
export function orderForApply<T extends { readonly change: ResourceChange }>(plan: T[]): T[] {
  const deletes = plan.filter((p) => p.change.op === "delete").reverse();
  return [...plan.filter((p) => p.change.op !== "delete"), ...deletes];
}

export function urnOf(stack: string, d: { type: string; name: string }): string {
  return `urn:pulumi:${stack}::${PROJECT}::${d.type}::${d.name}`;
}

export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Declared values as stored state: secrets become digests, so the state file never holds one in the clear. */
export function toStored(value: Value): Record<string, unknown>;
export function toStored(value: Value): unknown;
export function toStored(value: Value): unknown {
  if (value instanceof SecretValue) return { __secret: digest(String(value.reveal())) };
  if (value === UNKNOWN) return undefined;
  if (Array.isArray(value)) return value.map((v) => toStored(v));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStored(v)]));
  }
  return value;
}

export function isSecret(value: unknown): boolean {
  return isPlainMap(value) && "__secret" in value;
}

export function countChanges(changes: readonly ResourceChange[]): Partial<Record<ChangeOp, number>> {
  const counts: Partial<Record<ChangeOp, number>> = {};
  for (const c of changes) counts[c.op] = (counts[c.op] ?? 0) + 1;
  return counts;
}

/** Stack outputs as data: secrets never leave as values. */
export function plainOutputs(outputs: Record<string, Value>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => !(v instanceof SecretValue) && v !== UNKNOWN));
}

/** Stored history entries (oldest first, times in epoch ms) as the port's entries, newest first. */
export function historyFromSim(entries: readonly SimHistoryEntry[]): HistoryEntry[] {
  return entries.map(({ startTime, endTime, ...h }) => ({ ...h, startTime: new Date(startTime), ...(endTime !== undefined ? { endTime: new Date(endTime) } : {}) })).reverse();
}
