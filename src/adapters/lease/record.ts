/** A lease as stored: JSON, versioned by its `kind`, parsed strictly (a record we cannot read is never trusted). */
import type { LeaseHolder } from "./holder.js";

export const LEASE_KIND = "rds-echo/lease@1";

export interface LeaseRecord {
  readonly kind: typeof LEASE_KIND;
  /** What the lease is for: an echo. */
  readonly name: string;
  readonly holder: LeaseHolder;
  /** When this holder took it (ISO 8601). A Pulumi lock its holder's host took since then is that run's. */
  readonly acquired: string;
  readonly renewed: string;
  /** Past this time, the holder has stopped renewing: it is gone, and another run may take the lease over. */
  readonly expires: string;
  /** Set when the holder gave it up at the end of its run. */
  readonly released?: string;
}

export function leaseText(record: LeaseRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The record, or what is wrong with the text when it is not one. */
export function parseLease(text: string): LeaseRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof value !== "object" || value === null) return "not an object";
  const field = (key: string): unknown => Reflect.get(value, key);
  if (field("kind") !== LEASE_KIND) return `kind is not ${LEASE_KIND}`;
  for (const key of ["name", "acquired", "renewed", "expires"]) {
    if (typeof field(key) !== "string") return `${key} is missing`;
  }
  for (const key of ["acquired", "renewed", "expires"]) if (Number.isNaN(Date.parse(field(key) as string))) return `${key} is not a time`;
  const holder = field("holder");
  if (typeof holder !== "object" || holder === null) return "holder is missing";
  if (typeof Reflect.get(holder, "host") !== "string" || typeof Reflect.get(holder, "pid") !== "number" || typeof Reflect.get(holder, "run") !== "string") {
    return "holder lacks host, pid or run";
  }
  return value as LeaseRecord;
}

/** Whether the lease holds nobody at `now`: given up, or not renewed in time. */
export function isFree(record: LeaseRecord, now: Date): boolean {
  return record.released !== undefined || Date.parse(record.expires) <= now.getTime();
}
