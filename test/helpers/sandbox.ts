import { createSandbox, seededWorld, type Sandbox } from "../../src/adapters/sandbox/index.js";
import type { EchoDefinition } from "../../src/definition/schema.js";
import type { StepContext, StepOptions } from "../../src/lifecycle/context.js";
import type { ChangeSet, LifecycleOutput, Ports, Prompt } from "../../src/ports.js";
import { definitionFrom, developmentData } from "./definitions.js";

export const START = new Date("2026-11-25T12:30:00Z");

/** What the lifecycle said, line by line, so tests can assert on it. */
export class RecordingOutput implements LifecycleOutput {
  readonly lines: string[] = [];
  readonly diffs: { title: string; changes: ChangeSet }[] = [];
  readonly polls: { id: string; status: string; elapsedMs: number }[] = [];
  step(message: string): void {
    this.lines.push(message);
  }
  changes(title: string, changes: ChangeSet): void {
    this.diffs.push({ title, changes });
  }
  progress(id: string, status: string, elapsedMs: number): void {
    this.polls.push({ id, status, elapsedMs });
  }
  warn(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
}

export class ScriptedPrompt implements Prompt {
  readonly questions: string[] = [];
  constructor(
    readonly interactive: boolean,
    private readonly answer = true,
  ) {}
  async confirm(question: string): Promise<boolean> {
    this.questions.push(question);
    return this.answer;
  }
}

export interface World {
  readonly sandbox: Sandbox;
  /** The echo's definition as the lifecycle and the engine see it now (see `edit`). */
  readonly definition: EchoDefinition;
  /** Replaces the definition, as a person editing stacks/<echo>.yaml between two runs. */
  edit(definition: EchoDefinition): void;
  readonly output: RecordingOutput;
  readonly ports: Ports;
  ctx(options?: Partial<StepOptions>, prompt?: Prompt): StepContext;
}

/** A sandbox seeded for a definition (by default the shipped example with `retire.keep: 0`). */
export function sandboxWorld(initial: EchoDefinition = testDefinition()): World {
  let definition = initial;
  const sandbox = createSandbox(seededWorld(definition, START), { definitionFor: async () => definition, definition: () => definition });
  const output = new RecordingOutput();
  const ports: Ports = { engine: sandbox.engine, rds: sandbox.rds, dns: sandbox.dns, approvals: sandbox.approvals, snapshots: sandbox.snapshots, clock: sandbox.clock, prompt: new ScriptedPrompt(false), output };
  return {
    sandbox,
    get definition() {
      return definition;
    },
    edit: (next) => {
      definition = next;
    },
    output,
    ports,
    ctx: (options = {}, prompt) => ({
      ports: prompt ? { ...ports, prompt } : ports,
      definition,
      options: { yes: true, force: false, secrets: { masterPassword: "correct-horse-battery-staple" }, ...options },
    }),
  };
}

export function testDefinition(mutate: (data: Record<string, any>) => void = () => {}): EchoDefinition {
  const data = developmentData();
  data.retire.keep = 0;
  // These tests are about stages and guards; hooks have tests of their own (and a test that wants some sets them).
  delete data.hooks;
  mutate(data);
  return definitionFrom(data);
}
