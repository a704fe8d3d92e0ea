/**
 * Preview before change: every mutating step shows its diff, then asks a person on a TTY; without a TTY it refuses
 * unless `--yes`. A refusal is a GuardError (exit 2): nothing was changed.
 */
import { GuardError } from "../errors.js";
import type { ChangeSet, Ports } from "../ports.js";

export interface ConfirmOptions {
  /** `--yes`: proceed without asking. */
  readonly yes: boolean;
}

export async function confirmChanges(
  ports: Pick<Ports, "prompt" | "output">,
  title: string,
  changes: readonly { readonly label: string; readonly set: ChangeSet }[],
  options: ConfirmOptions,
): Promise<void> {
  for (const { label, set } of changes) ports.output.changes(label, set);
  if (options.yes) return;
  if (!ports.prompt.interactive) {
    throw new GuardError(`${title}: refusing to change anything without confirmation (no TTY); rerun with --yes`);
  }
  if (!(await ports.prompt.confirm(`${title}?`))) throw new GuardError(`${title}: not confirmed; nothing was changed`);
}
