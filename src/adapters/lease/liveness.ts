/**
 * Whether a lease's holder is provably gone before its lease expires: a process of this host that no longer runs
 * (killed with -9, crashed) or a zombie nothing will reap. Another host's holder is never judged here (its lease's
 * expiry decides), and a reused pid counts as alive: held is the safe mistake. The same rule as Pulumi's own locks
 * (adapters/pulumi/locks.ts, isStale).
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import type { LeaseHolder } from "./holder.js";

export function holderGoneFromThisHost(holder: Pick<LeaseHolder, "host" | "pid">, host = os.hostname()): boolean {
  if (holder.host !== host) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    return typeof error === "object" && error !== null && Reflect.get(error, "code") === "ESRCH";
  }
  return isZombie(holder.pid);
}

/** Linux only (/proc); elsewhere a zombie counts as alive. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
