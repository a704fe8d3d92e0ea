/**
 * The echo's archive as one JSON document (what the archive store keeps per echo): every archived generation with
 * its settings and whole history. Pure: parsing refuses anything it does not recognise, naming where it came from,
 * so a damaged archive is reported and never silently replaced by an empty one.
 */
import type { ArchivedGeneration, ChangeOp, GenerationSettings, HistoryEntry, OperationKind } from "../../ports.js";

export const ARCHIVE_FORMAT = 1;

/** An archive document's generations, oldest first (by name: a generation's name carries its creation time). */
export interface EchoArchive {
  readonly echo: string;
  readonly generations: readonly ArchivedGeneration[];
}

const KINDS: readonly OperationKind[] = ["update", "destroy", "refresh", "import", "other"];
const RESULTS: readonly HistoryEntry["result"][] = ["succeeded", "failed", "in-progress"];
const OPS: readonly ChangeOp[] = ["create", "update", "replace", "delete", "same"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The archive with this generation in it (replacing an earlier entry of the same name: a rerun after a crash). */
export function withArchived(archive: EchoArchive, entry: ArchivedGeneration): EchoArchive {
  const generations = [...archive.generations.filter((g) => g.name !== entry.name), entry].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { echo: archive.echo, generations };
}

export function serializeArchive(archive: EchoArchive): string {
  return `${JSON.stringify({
    format: ARCHIVE_FORMAT,
    echo: archive.echo,
    generations: archive.generations.map((g) => ({
      name: g.name,
      archivedAt: g.archivedAt.toISOString(),
      ...(g.settings ? { settings: g.settings } : {}),
      history: g.history.map((h) => ({ ...h, startTime: h.startTime.toISOString(), ...(h.endTime ? { endTime: h.endTime.toISOString() } : {}) })),
    })),
  })}\n`;
}

/** Parses an archive document; `where` names it in any error (the object's path or URL). */
export function parseArchive(text: string, echo: string, where: string): EchoArchive {
  const fail = (what: string): never => {
    throw new Error(`the archive ${where} ${what}; it is left as it is (fix or restore it from the bucket's versions)`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("is not JSON");
  }
  if (!isRecord(parsed) || parsed["format"] !== ARCHIVE_FORMAT) return fail(`is not an rds-echo archive of format ${ARCHIVE_FORMAT}`);
  if (parsed["echo"] !== echo) return fail(`is echo ${JSON.stringify(parsed["echo"])}'s, not ${echo}'s`);
  const list = parsed["generations"];
  if (!Array.isArray(list)) return fail("has no list of generations");
  const date = (value: unknown, field: string): Date => {
    const d = typeof value === "string" ? new Date(value) : undefined;
    return d !== undefined && !Number.isNaN(d.getTime()) ? d : fail(`has an invalid ${field}`);
  };
  const generations = list.map((g: unknown): ArchivedGeneration => {
    if (!isRecord(g) || typeof g["name"] !== "string" || !Array.isArray(g["history"])) return fail("has a generation without name or history");
    const history = g["history"].map((h: unknown): HistoryEntry => {
      if (!isRecord(h) || typeof h["version"] !== "number" || typeof h["message"] !== "string") return fail(`has a bad history entry of ${String(g["name"])}`);
      const kind = KINDS.find((k) => k === h["kind"]) ?? "other";
      const result = RESULTS.find((r) => r === h["result"]) ?? fail(`has a history entry of ${String(g["name"])} without a result`);
      const counts = isRecord(h["resourceChanges"]) ? h["resourceChanges"] : {};
      const resourceChanges: Partial<Record<ChangeOp, number>> = {};
      for (const op of OPS) if (typeof counts[op] === "number") resourceChanges[op] = counts[op];
      return {
        version: h["version"],
        kind,
        message: h["message"],
        result,
        startTime: date(h["startTime"], "startTime"),
        ...(h["endTime"] !== undefined ? { endTime: date(h["endTime"], "endTime") } : {}),
        resourceChanges,
      };
    });
    const settings = g["settings"];
    return {
      name: g["name"],
      archivedAt: date(g["archivedAt"], "archivedAt"),
      // Settings are written by this module from a validated GenerationSettings; read back as they were written.
      ...(isRecord(settings) && typeof settings["echo"] === "string" && typeof settings["stage"] === "string" ? { settings: settings as unknown as GenerationSettings } : {}),
      history,
    };
  });
  return { echo, generations };
}
