/** The stages of a generation, in order. `retired` means destroyed: the program is never evaluated for it. */
export const STAGES = ["new", "modified", "rebooted", "promoted", "forgotten", "retired"] as const;
export type Stage = (typeof STAGES)[number];

/** Stages a generation program can declare (every stage but `retired`). */
export const PROGRAM_STAGES = ["new", "modified", "rebooted", "promoted", "forgotten"] as const;
export type ProgramStage = (typeof PROGRAM_STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

export function isProgramStage(value: unknown): value is ProgramStage {
  return typeof value === "string" && (PROGRAM_STAGES as readonly string[]).includes(value);
}

/** From `modified` on, the post-create settings are part of the generation. */
export function hasModifications(stage: ProgramStage): boolean {
  return stage !== "new";
}
