/**
 * Where an echo's archive lives: one object per echo beside the stacks' state, in the backend itself, so every host
 * that shares the backend shares the archive. A small interface so each kind of backend adds its own store:
 * `file://` here (a file under the state directory); `s3://` in versioned-archive.ts (the same object, written with S3's
 * conditional writes). Backends without one (Pulumi Cloud, whose listing is paged server-side) keep their retired
 * stacks listed, as before; backend-access.ts picks the store.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** One archive object as read: its text (undefined when there is none yet) and a token naming this version of it. */
export interface ArchiveObject {
  readonly text?: string;
  readonly version?: string;
}

export interface ArchiveStore {
  /** Where the echo's archive is, for messages (a path or URL). */
  where(echo: string): string;
  read(echo: string): Promise<ArchiveObject>;
  /**
   * Writes the echo's archive only if it is still at `version` (undefined: only if there is none yet). Throws
   * ArchiveConflictError when another run wrote it meanwhile, having changed nothing.
   */
  write(echo: string, text: string, version: string | undefined): Promise<void>;
}

export class ArchiveConflictError extends Error {
  constructor(where: string) {
    super(`the archive ${where} was changed by another run meanwhile; nothing was written (run again)`);
    this.name = "ArchiveConflictError";
  }
}

/** A lock older than this was left by a killed run (a write holds it for milliseconds). */
const STALE_LOCK_MS = 60_000;
const LOCK_TRIES = 50;
const LOCK_WAIT_MS = 100;

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function code(error: unknown): unknown {
  return typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined;
}

/**
 * `<state>/.rds-echo/archive/<project>/<echo>.json`. A write takes `<echo>.json.lock` (exclusive create), checks the
 * file is still the version read, writes aside and renames: a reader sees the old archive or the new one, never
 * half of one, and two writers never both win.
 */
export class FileArchiveStore implements ArchiveStore {
  constructor(private readonly dir: string) {}

  where(echo: string): string {
    return path.join(this.dir, `${echo}.json`);
  }

  async read(echo: string): Promise<ArchiveObject> {
    try {
      const text = await readFile(this.where(echo), "utf8");
      return { text, version: digest(text) };
    } catch (error) {
      if (code(error) === "ENOENT") return {};
      throw new Error(`reading the archive ${this.where(echo)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async write(echo: string, text: string, version: string | undefined): Promise<void> {
    const file = this.where(echo);
    await mkdir(this.dir, { recursive: true });
    const release = await this.#lock(`${file}.lock`);
    try {
      if ((await this.read(echo)).version !== version) throw new ArchiveConflictError(file);
      const aside = `${file}.${process.pid}.tmp`;
      try {
        const handle = await open(aside, "w", 0o644);
        try {
          await handle.writeFile(text);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(aside, file);
      } catch (error) {
        await rm(aside, { force: true });
        throw error;
      }
    } finally {
      await release();
    }
  }

  async #lock(lock: string): Promise<() => Promise<void>> {
    for (let attempt = 0; attempt < LOCK_TRIES; attempt++) {
      try {
        const handle = await open(lock, "wx");
        await handle.writeFile(JSON.stringify({ pid: process.pid, hostname: os.hostname(), at: new Date().toISOString() }));
        await handle.close();
        return () => rm(lock, { force: true });
      } catch (error) {
        if (code(error) !== "EEXIST") throw error;
      }
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
    }
    throw new Error(`the archive lock ${lock} is held by another run (for over ${(LOCK_TRIES * LOCK_WAIT_MS) / 1000} s); try again`);
  }
}
