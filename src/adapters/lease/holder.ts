/**
 * Who holds a lease: this host, this process, and the scheduler's identity of the run when there is one. A lease is
 * never judged by these (its expiry decides); they are what a person reads when an echo is busy or was taken over.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import os from "node:os";

export interface LeaseHolder {
  readonly host: string;
  readonly pid: number;
  /** Tells two runs apart even when a pid is reused (a container's first process is often pid 1 every time). */
  readonly run: string;
  readonly user?: string;
  /** Kubernetes: `<namespace>/<pod>` from the downward API variables POD_NAMESPACE and POD_NAME, when set. */
  readonly pod?: string;
  /** ECS: the task's metadata endpoint (ECS_CONTAINER_METADATA_URI_V4), which names the task's container. */
  readonly ecsTask?: string;
  /**
   * Linux: the boot and the pid namespace the pid counts in (`<boot id>/pid:[<inode>]`). A hostname alone does not
   * say two runs see the same processes: containers on one host (`docker run --network host`) share its hostname,
   * each with pids of its own. Only a holder in this very pid space can be judged gone by its pid (sameProcessSpace).
   */
  readonly pidSpace?: string;
}

/** This process's pid space (see LeaseHolder.pidSpace), or undefined where the kernel does not say (not Linux). */
export function thisPidSpace(): string | undefined {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const namespace = readlinkSync("/proc/self/ns/pid");
    return boot !== "" && namespace !== "" ? `${boot}/${namespace}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a holder's pid means a process this run can see: the same host and, where either side knows it, the same
 * pid space. A holder that recorded none (not Linux) is judged by its hostname only when this run records none
 * either; otherwise it is not provably gone, and its lease is waited out.
 */
export function sameProcessSpace(holder: LeaseHolder, here: { readonly host: string; readonly pidSpace?: string | undefined } = { host: os.hostname(), pidSpace: thisPidSpace() }): boolean {
  return holder.host === here.host && holder.pidSpace === here.pidSpace;
}

/** This run as a lease holder, from the host and what the scheduler put in the environment. */
export function thisHolder(env: Readonly<Record<string, string | undefined>>, host = os.hostname(), pid = process.pid, pidSpace = thisPidSpace()): LeaseHolder {
  const user = safeUser();
  const pod = env["POD_NAME"] ? (env["POD_NAMESPACE"] ? `${env["POD_NAMESPACE"]}/${env["POD_NAME"]}` : env["POD_NAME"]) : undefined;
  const ecsTask = env["ECS_CONTAINER_METADATA_URI_V4"] ?? env["ECS_CONTAINER_METADATA_URI"];
  return { host, pid, run: randomUUID(), ...(user ? { user } : {}), ...(pod ? { pod } : {}), ...(ecsTask ? { ecsTask } : {}), ...(pidSpace ? { pidSpace } : {}) };
}

function safeUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry for the uid (an arbitrary uid in a container): the pid and host still say who.
    return undefined;
  }
}

/** One line for people: `pid 42 on host-a (pod jobs/echo-up-29x, user echo)`. */
export function describeHolder(holder: LeaseHolder): string {
  const extra = [holder.pod ? `pod ${holder.pod}` : undefined, holder.ecsTask ? `ECS ${holder.ecsTask}` : undefined, holder.user ? `user ${holder.user}` : undefined].filter(Boolean);
  return `pid ${holder.pid} on ${holder.host}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}
