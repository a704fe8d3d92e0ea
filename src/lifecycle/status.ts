/**
 * `status`: every generation with its stage, RDS status, endpoint, snapshot, age, and which one the live CNAME
 * serves (read from Route 53). One stack listing, ceil(N/100) DescribeDBInstances pages and one settings read per
 * generation that still holds resources (echo-state.ts): nothing per retired generation. Archived generations
 * (retire.archiveAfter) only when asked (`status --all`): one read of the echo's archive.
 */
import type { EchoDefinition } from "../definition/schema.js";
import { snapshotFromTag, TAG_SNAPSHOT } from "../program/tags.js";
import { parseGenerationName } from "../definition/identifiers.js";
import { decodeDone } from "../hooks/plan.js";
import type { ArchivedGeneration, GenerationSettings, Ports } from "../ports.js";
import { loadEchoState, type Condition } from "./echo-state.js";
import { promotionTarget } from "./zone.js";

export interface GenerationStatus {
  readonly generation: string;
  readonly stage: Condition;
  readonly rdsStatus?: string;
  readonly endpoint?: string;
  readonly snapshot?: string;
  readonly createdAt: string;
  readonly ageHours: number;
  readonly serving: boolean;
  /** A superseded generation: the newer, promoted one that overtook it (it will never be promoted). */
  readonly supersededBy?: string;
  /** The `rolled-back` mark: the CNAME was rolled back from this generation to that one (never promoted again by `up`). */
  readonly rolledBackTo?: string;
  /** The instance's stage tag, when it disagrees with the stack's stage: an unfinished move the next `up` finishes. */
  readonly taggedStage?: string;
  /** A retired generation whose stack was removed after `retire.archiveAfter`: known from the echo's archive. */
  readonly archived?: true;
  /** A rebooted generation of an echo with afterRestore hooks: its scrub, so a failed one is not shown as just `rebooted`. */
  readonly scrub?: ScrubStatus;
}

/**
 * `scrubbed`: every afterRestore hook succeeded (the generation may be promoted); `pending`: none has run yet;
 * `stopped`: a run of the hooks stopped at hook `succeeded + 1` (it failed, or the run was interrupted).
 */
export interface ScrubStatus {
  readonly state: "scrubbed" | "pending" | "stopped";
  readonly succeeded: number;
  readonly total: number;
}

export interface EchoStatus {
  readonly echo: string;
  readonly cname?: string;
  /** What the CNAME resolves to in Route 53 right now. */
  readonly cnameTarget?: string;
  /** The generation whose endpoint the CNAME names, if any. */
  readonly servedBy?: string;
  readonly generations: readonly GenerationStatus[];
}

export interface StatusOptions {
  /** Also the generations archived after `retire.archiveAfter` (one read of the echo's archive), as retired ones. */
  readonly archived?: boolean;
}

export async function echoStatus(ports: Pick<Ports, "engine" | "rds" | "dns" | "clock">, definition: EchoDefinition, options: StatusOptions = {}): Promise<EchoStatus> {
  const state = await loadEchoState(ports, definition);
  const target = await promotionTarget(ports, definition);
  const live = target && (await ports.dns.readCname(target.zoneId, target.cname));
  const now = ports.clock.now().getTime();
  const afterRestore = definition.hooks?.afterRestore.length ?? 0;
  const generations: GenerationStatus[] = state.generations.map((g): GenerationStatus => {
    const tagged = g.instance?.tags[TAG_SNAPSHOT];
    const snapshot = tagged === undefined ? undefined : snapshotFromTag(tagged);
    return {
      generation: g.name,
      stage: g.condition,
      ...(g.instance ? { rdsStatus: g.instance.status } : {}),
      ...(g.instance?.address ? { endpoint: `${g.instance.address}:${g.instance.port}` } : {}),
      ...(snapshot ? { snapshot } : {}),
      createdAt: g.createdAt.toISOString(),
      ageHours: Math.round(((now - g.createdAt.getTime()) / 3_600_000) * 10) / 10,
      serving: live !== undefined && g.instance?.address === live.target,
      ...(g.supersededBy ? { supersededBy: g.supersededBy } : {}),
      ...(g.rolledBackTo ? { rolledBackTo: g.rolledBackTo } : {}),
      ...(g.mirror !== undefined ? { taggedStage: g.mirror } : {}),
      ...(g.condition === "rebooted" && afterRestore > 0 ? { scrub: scrubOf(g.settings, afterRestore) } : {}),
    };
  });
  if (options.archived) {
    const listed = new Set(generations.map((g) => g.generation));
    const archived = (await ports.engine.archived(definition.echo)).filter((a) => !listed.has(a.name)).map((a) => archivedStatus(a, now));
    generations.unshift(...archived);
    generations.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  const servedBy = generations.find((g) => g.serving)?.generation;
  return {
    echo: definition.echo,
    ...(target ? { cname: target.cname } : {}),
    ...(live ? { cnameTarget: live.target } : {}),
    ...(servedBy ? { servedBy } : {}),
    generations,
  };
}

/** From the stack's settings (lifecycle/hooks.ts writes them): the mark once all succeeded, else how far they got. */
function scrubOf(settings: GenerationSettings | undefined, total: number): ScrubStatus {
  if (settings?.scrubbed !== undefined) return { state: "scrubbed", succeeded: total, total };
  if (settings?.hooksDone === undefined) return { state: "pending", succeeded: 0, total };
  return { state: "stopped", succeeded: decodeDone(settings.hooksDone).length, total };
}

/**
 * An archived generation as `status --all` lists it: as its retired stack was listed (no instance, so no RDS status,
 * endpoint or snapshot tag), its mark from its archived settings.
 */
function archivedStatus(a: ArchivedGeneration, now: number): GenerationStatus {
  const createdAt = parseGenerationName(a.name)?.createdAt ?? a.archivedAt;
  return {
    generation: a.name,
    stage: "retired",
    createdAt: createdAt.toISOString(),
    ageHours: Math.round(((now - createdAt.getTime()) / 3_600_000) * 10) / 10,
    serving: false,
    ...(a.settings?.rolledBack ? { rolledBackTo: a.settings.rolledBack } : {}),
    archived: true,
  };
}
