/**
 * The Pulumi CLI's version, remembered between runs. The SDK learns it by running `pulumi version` (a process of
 * its own, ~100 ms of Go start-up) before every command rds-echo runs; cron runs `status` and `up` many times a day
 * with the same binary. The version is remembered per binary, keyed by what would change if the binary did (its real
 * path, size, modification and change times), and for an hour at most: a version manager's shim that picks the
 * binary from elsewhere (a `.tool-versions` file) changes nothing we can see, so a switch made that way is noticed
 * within the hour. The version only gates the minimum-version check and the SDK's feature checks, never state.
 */
import { constants, type Stats } from "node:fs";
import { access, mkdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { SemVer } from "semver";

export const VERSION_CACHE_TTL_MS = 60 * 60_000;

/** What identifies one binary on disk, as remembered in the cache file. */
export interface BinaryKey {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** For a script (`#!`): the same for each absolute path it names, i.e. the binary a shim execs. */
  readonly targets: readonly BinaryKey[];
}

interface CacheEntry {
  readonly key: BinaryKey;
  readonly version: string;
  readonly checkedAt: number;
}

/** The first executable `pulumi` on PATH (what a spawn of `pulumi` runs), or undefined. */
export async function pulumiOnPath(envPath = process.env["PATH"] ?? ""): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "pulumi");
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

async function keyOf(file: string, depth = 0): Promise<BinaryKey | undefined> {
  let real: string;
  let info: Stats;
  try {
    real = await realpath(file);
    info = await stat(real);
  } catch {
    return undefined;
  }
  const targets: BinaryKey[] = [];
  if (depth === 0 && info.size < 64 * 1024) {
    const text = await readFile(real, "utf8").catch(() => "");
    if (text.startsWith("#!")) {
      for (const named of new Set(text.match(/(?<=^|[\s"'=])\/[^\s"'$;|&)]+/gm) ?? [])) {
        const target = await keyOf(named, depth + 1);
        if (target) targets.push(target);
      }
    }
  }
  return { path: real, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, targets };
}

function sameKey(a: BinaryKey, b: BinaryKey): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEntry(value: unknown): value is CacheEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Partial<CacheEntry>;
  return typeof entry.version === "string" && typeof entry.checkedAt === "number" && typeof entry.key === "object" && entry.key !== null;
}

/**
 * A PulumiCommand for the `pulumi` on PATH with its remembered version, or undefined (nothing remembered, the binary
 * changed, the hour passed, or the SDK's PulumiCommand no longer has the shape this relies on).
 */
export async function cachedPulumiCommand(cacheFile: string, now = Date.now()): Promise<PulumiCommand | undefined> {
  const binary = await pulumiOnPath();
  if (binary === undefined) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(await readFile(cacheFile, "utf8"));
  } catch {
    return undefined;
  }
  if (!isEntry(entry) || now - entry.checkedAt > VERSION_CACHE_TTL_MS || now < entry.checkedAt) return undefined;
  const key = await keyOf(binary);
  if (key === undefined || !sameKey(key, entry.key)) return undefined;
  return commandWithVersion(entry.version);
}

/** Remembers the version of the `pulumi` on PATH that `PulumiCommand.get()` just ran. Best effort. */
export async function rememberPulumiVersion(cacheFile: string, command: PulumiCommand, now = Date.now()): Promise<void> {
  if (command.command !== "pulumi" || command.version === null) return;
  const binary = await pulumiOnPath();
  const key = binary === undefined ? undefined : await keyOf(binary);
  if (key === undefined) return;
  const entry: CacheEntry = { key, version: command.version.version, checkedAt: now };
  try {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    // Written aside and renamed: two runs at once never read half a file.
    const aside = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(aside, JSON.stringify(entry));
    await rename(aside, cacheFile);
  } catch {
    // A read-only checkout just pays for `pulumi version` next time.
  }
}

/**
 * What `PulumiCommand.get()` returns, without running the CLI: an instance of the SDK's class holding the command the
 * SDK spawns (`pulumi`, from PATH) and its version. The constructor is private; its two fields are public and read-only.
 */
export function commandWithVersion(version: string): PulumiCommand | undefined {
  let parsed: SemVer;
  try {
    parsed = new SemVer(version);
  } catch {
    return undefined;
  }
  const command: unknown = Object.assign(Object.create(PulumiCommand.prototype) as object, { command: "pulumi", version: parsed });
  // The SDK runs commands through the prototype's `run`; without it this shortcut would be wrong, so take the long way.
  return command instanceof PulumiCommand && typeof Reflect.get(command, "run") === "function" ? command : undefined;
}
