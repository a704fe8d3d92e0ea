/**
 * Which hosted zone serves a name: the one rule both DNS adapters (AWS and sandbox) apply to their zone listings.
 * A name may sit under several zones (`example.com` and `db.example.com`, or a private and a public zone with the
 * same name): the most specific wins, and a tie is refused rather than guessed, since a record written to the wrong
 * zone silently does nothing for the clients that resolve the other one.
 */
import { ZoneLookupError } from "../errors.js";

export interface HostedZone {
  readonly id: string;
  /** Without the root dot, lower-case. */
  readonly name: string;
  readonly private: boolean;
}

/** DNS names compare without the root dot and case-insensitively. */
export function normaliseName(name: string): string {
  return (name.endsWith(".") ? name.slice(0, -1) : name).toLowerCase();
}

export function chooseZone(zones: readonly HostedZone[], name: string, zoneName?: string): string {
  const wanted = normaliseName(name);
  const wantedZone = zoneName === undefined ? undefined : normaliseName(zoneName);
  const candidates = zones.filter((z) => (wantedZone !== undefined ? z.name === wantedZone : wanted === z.name || wanted.endsWith(`.${z.name}`)));
  const longest = Math.max(0, ...candidates.map((z) => z.name.length));
  const best = candidates.filter((z) => z.name.length === longest);
  const [only, ...others] = best;
  if (only === undefined) {
    throw new ZoneLookupError(
      wantedZone === undefined
        ? `no hosted zone found for ${wanted}; set promote.zoneId or promote.zoneName`
        : `no hosted zone named ${wantedZone} (promote.zoneName) for ${wanted}; check the name or set promote.zoneId`,
    );
  }
  if (others.length === 0) return only.id;
  const ids = best.map((z) => `${z.id} (${z.private ? "private" : "public"})`).join(", ");
  if (best.some((z) => z.private !== only.private)) {
    throw new ZoneLookupError(`a private and a public zone both match "${only.name}": ${ids}; set promote.zoneId`);
  }
  throw new ZoneLookupError(`${best.length} hosted zones match "${only.name}": ${ids}; set promote.zoneId`);
}
