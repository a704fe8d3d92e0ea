/** What an instance and a cluster declare alike: retire's final snapshot, and deletion protection by stage. */
import { finalSnapshotName } from "../definition/identifiers.js";
import { DEFAULT_FINAL_SNAPSHOT_NAME, type EchoDefinition } from "../definition/schema.js";
import type { ProgramStage } from "./stages.js";

/** The final snapshot retire takes (unless skipped), named for the generation. */
export function finalSnapshotArgs(definition: EchoDefinition, generation: string): { skipFinalSnapshot: boolean; finalSnapshotIdentifier: string | undefined } {
  const { retire } = definition;
  return {
    skipFinalSnapshot: retire.skipFinalSnapshot,
    finalSnapshotIdentifier: retire.skipFinalSnapshot ? undefined : finalSnapshotName(retire.finalSnapshotName ?? DEFAULT_FINAL_SNAPSHOT_NAME, definition.echo, generation),
  };
}

/**
 * Deletion protection as configured, lifted once a generation is `forgotten`: it no longer serves anyone, and
 * `retire` must be able to destroy it.
 */
export function deletionProtectionAt(stage: ProgramStage, configured: boolean | undefined): boolean | undefined {
  return stage === "forgotten" && configured !== undefined ? false : configured;
}
