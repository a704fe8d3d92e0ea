/**
 * What `new` pins for a cluster echo: the latest (or explicit) cluster snapshot of the source cluster, or, for
 * `from: clone`, the live source cluster itself (a copy-on-write clone of it as of the moment RDS creates the clone).
 * The engine is pinned too: it is force-new on the cluster and its instances, and the password rules depend on it.
 */
import type { ClusterEchoDefinition } from "../definition/cluster-schema.js";
import { masterPasswordProblem } from "../definition/password.js";
import { GuardError } from "../errors.js";
import type { GenerationSettings, ResourceChange } from "../ports.js";
import type { StepContext } from "./context.js";
import { isUsable } from "./rds-status.js";

/** What `new` restores from, ready for the stack's config, and how to say it. */
export interface PinnedSource {
  readonly settings: GenerationSettings;
  /** The stack update's message, e.g. `new aurora-20261125-1230 from rds:production-aurora-2026-11-25-03-10`. */
  readonly message: string;
  readonly detail: string;
  /** What rds-echo makes before the restore (the instance sources' snapshots), shown with the diff. */
  readonly makes?: readonly ResourceChange[];
}

/** The `snapshot` setting of a clone: never a snapshot id (those have no `clone:`), it names the source for people. */
export function cloneLabel(sourceCluster: string): string {
  return `clone:${sourceCluster}`;
}

export async function pinClusterSource(ctx: StepContext, definition: ClusterEchoDefinition, name: string): Promise<PinnedSource> {
  const { ports } = ctx;
  const { source } = definition;
  if (source.from === "clone") {
    const live = await ports.rds.describeCluster(source.cluster);
    if (!live) throw new GuardError(`new: the source cluster ${source.cluster} does not exist (source.cluster); nothing to clone`);
    if (!isUsable(live.status)) throw new GuardError(`new: the source cluster ${source.cluster} is ${live.status}; RDS clones only an available cluster, retry later`);
    if (!live.engine) throw new Error(`new: RDS reports no engine for ${source.cluster}`);
    checkPassword(ctx, definition, live.engine);
    ports.output.step(`clone: copy-on-write of ${source.cluster} (${live.engine}), as of the moment RDS creates it`);
    const settings: GenerationSettings = { echo: definition.echo, stage: "new", snapshot: cloneLabel(source.cluster), cloneOf: source.cluster, engine: live.engine };
    return { settings, message: `new ${name}: clone of ${source.cluster}`, detail: `cloned from ${source.cluster}` };
  }
  const snapshot = await ports.rds.latestClusterSnapshot({
    cluster: source.cluster,
    types: source.snapshotTypes,
    ...(source.snapshot ? { explicit: source.snapshot } : {}),
  });
  if (!snapshot.engine) throw new Error(`new: RDS reports no engine for the cluster snapshot ${snapshot.id}`);
  ports.output.step(`cluster snapshot: ${snapshot.id} (${snapshot.type}, ${snapshot.createdAt.toISOString()})`);
  checkPassword(ctx, definition, snapshot.engine);
  const settings: GenerationSettings = { echo: definition.echo, stage: "new", snapshot: snapshot.id, engine: snapshot.engine };
  return { settings, message: `new ${name} from ${snapshot.id}`, detail: `restored from ${snapshot.id}` };
}

/** The engine's password rules, known only now (Aurora MySQL's are MySQL's); still before anything is created. */
function checkPassword(ctx: StepContext, definition: ClusterEchoDefinition, engine: string): void {
  const secret = definition.modify.masterPassword?.secret;
  const password = secret ? ctx.options.secrets[secret] : undefined;
  const problem = password === undefined ? undefined : masterPasswordProblem(password, engine.replace(/^aurora-/, ""));
  if (problem) throw new GuardError(`new: RDS would refuse the master password (secret "${secret}") for ${engine}: it ${problem}`);
}
