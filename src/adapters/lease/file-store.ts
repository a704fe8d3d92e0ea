/**
 * Leases in a directory (the `file://` backend, often a shared NFS mount): each name is a directory of numbered
 * versions, `000000000001.json`, `000000000002.json`, …; the highest is the lease. A write is a link(2) of a fully
 * written temporary file to the next number, which fails when that number exists: an exclusive create, so of two
 * runs replacing version 4 only one makes version 5 (what S3's If-Match does for one object). Older versions are
 * removed once a newer one exists.
 */
import { randomUUID } from "node:crypto";
import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LeaseStore, Versioned } from "./store.js";

const VERSION_FILE = /^(\d{12})\.json$/;

export class FileLeaseStore implements LeaseStore {
  constructor(readonly where: string) {}

  async read(name: string): Promise<Versioned | undefined> {
    // The newest version may be removed between the listing and the read only once a newer one exists: look again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const newest = (await this.#versions(name)).at(-1);
      if (newest === undefined) return undefined;
      try {
        return { text: await readFile(this.#file(name, newest), "utf8"), version: String(newest) };
      } catch (error) {
        if (!isCode(error, "ENOENT")) throw new Error(`reading the lease ${this.#file(name, newest)}: ${String(error)}`);
      }
    }
    throw new Error(`reading the lease ${path.join(this.where, name)}: it kept changing while read`);
  }

  async create(name: string, text: string): Promise<string | undefined> {
    if ((await this.#versions(name)).length > 0) return undefined;
    return (await this.#exclusive(name, 1, text)) ? "1" : undefined;
  }

  async replace(name: string, text: string, version: string): Promise<string | undefined> {
    const current = Number(version);
    if (!Number.isSafeInteger(current) || current < 1) throw new Error(`lease ${name}: ${version} is not a version of the file store`);
    if (!(await this.#exclusive(name, current + 1, text))) return undefined;
    for (const old of await this.#versions(name)) if (old <= current) await rm(this.#file(name, old), { force: true });
    return String(current + 1);
  }

  /** Writes `text` as version `n`, only if no version `n` exists. */
  async #exclusive(name: string, n: number, text: string): Promise<boolean> {
    const dir = path.join(this.where, name);
    await mkdir(dir, { recursive: true });
    const aside = path.join(dir, `.${process.pid}-${randomUUID()}.tmp`);
    try {
      await writeFile(aside, text, { mode: 0o600 });
      await link(aside, this.#file(name, n));
      return true;
    } catch (error) {
      if (isCode(error, "EEXIST")) return false;
      throw new Error(`writing the lease ${this.#file(name, n)}: ${String(error)}`);
    } finally {
      await rm(aside, { force: true });
    }
  }

  async #versions(name: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(path.join(this.where, name));
    } catch (error) {
      if (isCode(error, "ENOENT")) return [];
      throw new Error(`listing the lease ${path.join(this.where, name)}: ${String(error)}`);
    }
    return names.flatMap((n) => VERSION_FILE.exec(n)?.[1] ?? []).map(Number).sort((a, b) => a - b);
  }

  #file(name: string, n: number): string {
    return path.join(this.where, name, `${String(n).padStart(12, "0")}.json`);
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && Reflect.get(error, "code") === code;
}
