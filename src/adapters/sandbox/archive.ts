/**
 * The sandbox's mirror of the real engine's archive (src/adapters/pulumi/archiving.ts): per echo, the archived
 * generations with their settings and whole history, kept in the world beside its stacks; archiving moves a
 * retired stack's history there and removes the stack, refusing one that still holds resources (as `pulumi stack
 * rm` does), so the lifecycle sees on the sandbox what it sees on a real backend.
 */
import type { ArchivedGeneration } from "../../ports.js";
import { historyFromSim } from "./state-values.js";
import type { SimArchivedGeneration, SimStack, SimWorld } from "./world.js";

export function archivedInWorld(world: SimWorld, echo: string): ArchivedGeneration[] {
  return (world.archives?.[echo] ?? []).map((g) => ({
    name: g.name,
    archivedAt: new Date(g.archivedAt),
    settings: { ...g.settings },
    history: historyFromSim(g.history),
  }));
}

/** Moves the stack's history into the echo's archive (replacing an earlier entry of the same name), then removes it. */
export function archiveInWorld(world: SimWorld, stack: SimStack, echo: string, at: Date): void {
  if (stack.resources.length > 0 || stack.pending.length > 0) {
    throw new Error(`stack ${stack.name} still has resources; removal rejected (it is archived only once retired)`);
  }
  const entry: SimArchivedGeneration = { name: stack.name, archivedAt: at.getTime(), settings: { ...stack.settings }, history: stack.history.map((h) => ({ ...h })) };
  const archives = (world.archives ??= {});
  archives[echo] = [...(archives[echo] ?? []).filter((g) => g.name !== stack.name), entry].sort((a, b) => (a.name < b.name ? -1 : 1));
  delete world.stacks[stack.name];
}
