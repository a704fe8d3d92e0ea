/**
 * Preview before change: every mutating step shows its diff, then asks a person on a TTY; without a TTY it refuses
 * unless `--yes` (a GuardError, exit 2). A "no" from the person is a DeclinedError: nothing was changed by that step.
 */
import { DeclinedError, GuardError } from "../errors.js";
import { CLUSTER_INSTANCE_TYPE, CLUSTER_TYPE, INSTANCE_TYPE } from "../program/resource-types.js";
import type { ChangeSet, Ports } from "../ports.js";

export interface ConfirmOptions {
  /** `--yes`: proceed without asking. */
  readonly yes: boolean;
  /** Only `retire` may delete a database; every other step refuses a change set that would. */
  readonly destroys?: boolean;
}

export async function confirmChanges(
  ports: Pick<Ports, "prompt" | "output">,
  title: string,
  changes: readonly { readonly label: string; readonly set: ChangeSet }[],
  options: ConfirmOptions,
): Promise<void> {
  for (const { label, set } of changes) ports.output.changes(label, set);
  if (!options.destroys) refuseDatabaseLoss(title, changes);
  if (options.yes) return;
  if (!ports.prompt.interactive) {
    throw new GuardError(`${title}: refusing to change anything without confirmation (no TTY); rerun with --yes`);
  }
  if (!(await ports.prompt.confirm(`${title}?`))) throw new DeclinedError(title);
}

/** The resources that hold a generation's data: its instance, or its Aurora cluster and the cluster's instances. */
const DATABASE_TYPES: readonly string[] = [INSTANCE_TYPE, CLUSTER_TYPE, CLUSTER_INSTANCE_TYPE];

/**
 * A stage move updates the database, never replaces it. If a diff says otherwise, the definition's restore-time
 * settings changed under an existing generation: refuse, whatever the flags, before anything is touched.
 */
function refuseDatabaseLoss(title: string, changes: readonly { readonly label: string; readonly set: ChangeSet }[]): void {
  for (const { label, set } of changes) {
    const lost = set.changes.find((c) => DATABASE_TYPES.includes(c.type) && (c.op === "replace" || c.op === "delete"));
    if (!lost) continue;
    throw new GuardError(
      `${title}: refusing: "${label}" would ${lost.op} the database${lost.type === INSTANCE_TYPE ? "" : ` (${lost.name})`}${lost.keys?.length ? ` (changed: ${lost.keys.join(", ")})` : ""}. ` +
        "A generation's restore-time settings are fixed when it is created: revert that change in the definition, " +
        "and let the next generation pick it up",
    );
  }
}
