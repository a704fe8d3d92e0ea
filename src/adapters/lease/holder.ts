/**
 * Who holds a lease: this host, this process, and the scheduler's identity of the run when there is one. A lease is
 * never judged by these (its expiry decides); they are what a person reads when an echo is busy or was taken over.
 */
import { randomUUID } from "node:crypto";
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
}

/** This run as a lease holder, from the host and what the scheduler put in the environment. */
export function thisHolder(env: Readonly<Record<string, string | undefined>>, host = os.hostname(), pid = process.pid): LeaseHolder {
  const user = safeUser();
  const pod = env["POD_NAME"] ? (env["POD_NAMESPACE"] ? `${env["POD_NAMESPACE"]}/${env["POD_NAME"]}` : env["POD_NAME"]) : undefined;
  const ecsTask = env["ECS_CONTAINER_METADATA_URI_V4"] ?? env["ECS_CONTAINER_METADATA_URI"];
  return { host, pid, run: randomUUID(), ...(user ? { user } : {}), ...(pod ? { pod } : {}), ...(ecsTask ? { ecsTask } : {}) };
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
