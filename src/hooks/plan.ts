/**
 * The pure core of hooks: what each hook is, its digest, and how far a generation's `afterRestore` hooks have got.
 * No I/O here (src/hooks/load.ts reads the files, src/lifecycle/hooks.ts runs them), so every rule is testable alone.
 */
import { createHash } from "node:crypto";
import { hookTimeoutMs, type HookSpec, type HooksSpec } from "./schema.js";

export type HookPhase = "afterRestore" | "beforePromote";

export interface LoadedHook {
  readonly phase: HookPhase;
  /** Position in its phase, from 0. */
  readonly index: number;
  /** How the hook is named in output: `sql scrub/anonymize.sql`, `sql "select count(*) from users"`, `run ./x.sh`. */
  readonly label: string;
  readonly kind: "sql" | "run";
  /** The SQL to run (the file's text for a file), or the command line. */
  readonly text: string;
  readonly timeoutMs: number;
  readonly expect?: string;
  readonly transaction: boolean;
  /** Changes whenever what the hook does changes: its SQL, its command and the script it names, expect, timeout. */
  readonly digest: string;
}

export interface HookSet {
  readonly afterRestore: readonly LoadedHook[];
  readonly beforePromote: readonly LoadedHook[];
  /** Digest of the whole afterRestore list: the value of the `scrubbed` mark and the `echo:scrubbed` tag. */
  readonly scrubDigest: string;
  /** Where `run:` hooks start, and relative paths are resolved from (the definition's directory). */
  readonly cwd: string;
  readonly database?: string;
  readonly user?: string;
  readonly tls: boolean;
  /** PEM text of `hooks.ca`, when given. */
  readonly ca?: string;
  /** Variables of rds-echo's environment `run:` hooks also get (`hooks.env`); every other one is withheld. */
  readonly env: readonly string[];
}

/** What a hook refers to on disk: the SQL file of `sql:`, the script a `run:` command starts with. */
export function referencedFile(spec: HookSpec): string | undefined {
  if (spec.sql !== undefined) return isSqlFile(spec.sql) ? spec.sql : undefined;
  const first = spec.run?.trim().split(/\s+/)[0];
  return first && (first.startsWith("./") || first.startsWith("../")) ? first : undefined;
}

/** `sql:` names a file when it is one path ending in `.sql`; anything else is SQL. */
export function isSqlFile(sql: string): boolean {
  return /^[^\s;]+\.sql$/i.test(sql.trim());
}

/**
 * The hook set of a definition's `hooks`, given the text of the files they reference (`files`: path -> text;
 * a `run:` script that is absent is simply not part of the digest, a missing SQL file is an error upstream).
 */
export function buildHookSet(hooks: HooksSpec | undefined, cwd: string, files: ReadonlyMap<string, string>, ca?: string): HookSet {
  const load = (phase: HookPhase) => (spec: HookSpec, index: number) => loadedHook(phase, index, spec, files);
  const afterRestore = (hooks?.afterRestore ?? []).map(load("afterRestore"));
  const beforePromote = (hooks?.beforePromote ?? []).map(load("beforePromote"));
  return {
    afterRestore,
    beforePromote,
    scrubDigest: listDigest(afterRestore),
    cwd,
    ...(hooks?.database ? { database: hooks.database } : {}),
    ...(hooks?.user ? { user: hooks.user } : {}),
    tls: hooks?.tls ?? true,
    ...(ca !== undefined ? { ca } : {}),
    env: hooks?.env ?? [],
  };
}

function loadedHook(phase: HookPhase, index: number, spec: HookSpec, files: ReadonlyMap<string, string>): LoadedHook {
  const file = referencedFile(spec);
  const kind = spec.sql !== undefined ? "sql" : "run";
  const text = kind === "sql" ? (file !== undefined ? files.get(file) ?? "" : spec.sql!) : spec.run!;
  const label = kind === "run" ? `run ${spec.run}` : file !== undefined ? `sql ${file}` : `sql "${oneLine(spec.sql!)}"`;
  const expect = spec.expect === undefined ? undefined : String(spec.expect);
  const content = { kind, text, script: kind === "run" && file !== undefined ? files.get(file) ?? null : null, expect: expect ?? null, timeout: spec.timeout, transaction: spec.transaction };
  return {
    phase,
    index,
    label,
    kind,
    text,
    timeoutMs: hookTimeoutMs(spec.timeout) ?? 600_000,
    ...(expect !== undefined ? { expect } : {}),
    transaction: spec.transaction,
    digest: sha(JSON.stringify(content)).slice(0, 16),
  };
}

/** Digest of an ordered hook list; empty for none. */
export function listDigest(hooks: readonly LoadedHook[]): string {
  return hooks.length === 0 ? "" : sha(hooks.map((h) => h.digest).join(",")).slice(0, 16);
}

/** How far a generation's afterRestore hooks have got, from the marks in its stack settings. */
export interface ScrubProgress {
  /** Every hook of the current list has succeeded (or there are none): the generation may be promoted. */
  readonly complete: boolean;
  /** The first hook to run: the first one that has not succeeded, or whose hook changed since it did. */
  readonly start: number;
  readonly total: number;
}

export function scrubProgress(hooks: HookSet, marks: { readonly hooksDone?: string | undefined; readonly scrubbed?: string | undefined }): ScrubProgress {
  const total = hooks.afterRestore.length;
  if (total === 0) return { complete: true, start: 0, total };
  const done = decodeDone(marks.hooksDone);
  let start = 0;
  while (start < total && done[start] === hooks.afterRestore[start]!.digest) start++;
  // Every hook done but no mark (the run died while marking): nothing reruns, the mark is written again.
  return { complete: start === total && marks.scrubbed === hooks.scrubDigest, start, total };
}

export function encodeDone(digests: readonly string[]): string {
  return digests.join(",");
}

export function decodeDone(text: string | undefined): string[] {
  return text ? text.split(",").filter((d) => d !== "") : [];
}

/** The text with every occurrence of each secret replaced: hook output never shows a password. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("********");
  return out;
}

/** The last `lines` lines of a hook's output: enough to see why it failed without flooding the terminal. */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split("\n");
  return all.length <= lines ? all.join("\n") : [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)].join("\n");
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
