/** What every lifecycle step gets: the ports, the echo's definition, and the person's choices. */
import type { EchoDefinition, InstanceEchoDefinition } from "../definition/schema.js";
import type { HookSet } from "../hooks/plan.js";
import type { Ports } from "../ports.js";

export interface StepOptions {
  /** `--yes`: do not ask (required without a TTY). */
  readonly yes: boolean;
  /** `--force`: override the step's guard (always said out loud). */
  readonly force: boolean;
  /** Values of the secrets the definition references, by config key (needed only by `new`). */
  readonly secrets: Readonly<Record<string, string>>;
}

export interface StepContext {
  readonly ports: Ports;
  readonly definition: EchoDefinition;
  readonly options: StepOptions;
  /** The definition's hooks with the files they name, read at the CLI edge (src/hooks/load.ts); absent: none. */
  readonly hooks?: HookSet;
}

/** A step of an instance echo (the instance sources, adoption): the definition narrowed with isClusterEcho. */
export interface InstanceStepContext extends StepContext {
  readonly definition: InstanceEchoDefinition;
}

/** What a step did, for `up`'s summary and `--json`. */
export interface StepReport {
  /**
   * `wait`: the step could not be taken yet and nothing changed (a promotion waiting for approval);
   * `busy`: another run holds one of the echo's stacks, so this run did nothing at all;
   * `prune`: a snapshot of a generation retired before was deleted: a final snapshot beyond `retire.keepFinalSnapshots`,
   *   or one rds-echo made for its source beyond `source.keep` (its generation is the one it was of);
   * `archive`: a generation retired over `retire.archiveAfter` ago had its history archived and its stack removed;
   * `preview`: what the step would do was shown, and nothing was changed (`rollback --preview`);
   * `skipped`: the person declined the step at the prompt, so it (and what would follow it) was not done.
   */
  readonly step: "new" | "adopt" | "resume" | "modify" | "reboot" | "hooks" | "promote" | "rollback" | "preview" | "forget" | "retire" | "prune" | "archive" | "wait" | "busy" | "skipped";
  readonly generation: string;
  readonly detail: string;
}
