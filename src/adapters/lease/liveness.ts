/**
 * Whether a lease's holder is provably gone before its lease expires: a process this run can see (same host, same pid
 * namespace: holder.ts, sameProcessSpace) that no longer runs (killed with -9, crashed), or a zombie nothing will reap.
 * Any other holder is never judged here (its lease's expiry decides), and a reused pid counts as alive: held is the
 * safe mistake. The same rule as Pulumi's own locks (adapters/pulumi/locks.ts, isStale).
 */
import { readFileSync } from "node:fs";
import { sameProcessSpace, type LeaseHolder } from "./holder.js";

/** A holder whose pid this run can see (the same host and pid space: holder.ts) and whose process is gone. */
export function holderGoneFromThisHost(holder: LeaseHolder): boolean {
  return sameProcessSpace(holder) && processGone(holder.pid);
}

/** Whether the process `pid` of this pid space no longer runs (or is a zombie). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    return typeof error === "object" && error !== null && Reflect.get(error, "code") === "ESRCH";
  }
  return isZombie(pid);
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
