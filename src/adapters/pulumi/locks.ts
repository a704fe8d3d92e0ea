/**
 * Who holds a stack's lock on a file backend, read straight from the backend's directory. `pulumi stack ls` on a
 * file (DIY) backend never reports an update in progress, and learning it from a failed update comes too late: by
 * then rds-echo has read RDS, tried to resume and printed "adopting …". The DIY backend keeps one JSON file per held
 * lock under `.pulumi/locks/<organization>/<project>/<stack>/` (pkg/backend/diy/lock.go, stackLockDir), so a
 * listing of that directory answers first. S3/GCS/Azure DIY backends keep the same layout in a bucket; rds-echo does
 * not list buckets, and there a held lock is still caught when the CLI refuses the update.
 */
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One lock file's contents (lockContent in lock.go); fields absent from older CLIs stay undefined. */
export interface StackLock {
  readonly stack: string;
  readonly pid?: number;
  readonly hostname?: string;
  readonly username?: string;
  readonly timestamp?: string;
}

/** The state directory of a `file://` backend URL, or undefined for any other backend. */
export function fileBackendDir(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
  const rest = backendUrl.slice("file://".length);
  if (rest === "~" || rest.startsWith("~/")) return path.join(os.homedir(), rest.slice(1));
  return rest.startsWith("/") ? fileURLToPath(`file://${rest}`) : path.resolve(rest);
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The held locks of the project's stacks on a file backend, one per lock file. */
export async function heldLocks(stateDir: string, project: string): Promise<StackLock[]> {
  const root = path.join(stateDir, ".pulumi", "locks");
  const locks: StackLock[] = [];
  for (const organization of await entries(root)) {
    const projectDir = path.join(root, organization, project);
    for (const stack of await entries(projectDir)) {
      for (const file of await entries(path.join(projectDir, stack))) {
        if (!file.endsWith(".json")) continue;
        locks.push({ stack, ...(await lockContent(path.join(projectDir, stack, file))) });
      }
    }
  }
  return locks;
}

async function lockContent(file: string): Promise<Omit<StackLock, "stack">> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch {
    // Removed between the listing and the read (the holder finished), or half written: it still counts as held.
    return {};
  }
  const field = (key: string): unknown => (typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, key) : undefined);
  const text = (key: string) => (typeof field(key) === "string" ? { [key]: field(key) as string } : {});
  const pid = field("pid");
  return { ...(typeof pid === "number" ? { pid } : {}), ...text("hostname"), ...text("username"), ...text("timestamp") };
}
