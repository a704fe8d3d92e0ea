/**
 * The Stack the engine runs its operations on: the SDK's own, minus the CLI processes it starts after each one to
 * fill in what it returns. After `up`, `destroy`, `refresh` and `import` it runs `stack history` for the operation's
 * summary; after `up` also `stack output` twice (masked, then with secrets in plaintext) for the outputs. rds-echo
 * reads no summary, and takes an update's outputs from the update's own engine events (`RootOutputsCollector`): a
 * stage move is `up` alone instead of `up` and three more processes (issue 19 item 7; test/engine/bench).
 */
import type { EngineEvent, OutputMap, Stack } from "@pulumi/pulumi/automation/index.js";
import { isPlainMap } from "../value-diffs.js";
import { isPulumiSecret, ROOT_STACK_TYPE } from "./events.js";

/**
 * The stack seen through an object whose `outputs` and `info` read nothing: the SDK's operations call those two
 * methods on `this` after the CLI finished (automation/stack.ts: `up` awaits `this.outputs()` and `this.info()`,
 * the others `this.info()`), and everything else reaches the real Stack through the prototype chain. What they
 * then return has empty `outputs` and no `summary`; the engine never reads either. The adapter's unit tests pin
 * the commands each operation issues, so an SDK that read them some other way would show there at once.
 */
export function withoutAfterReads(stack: Stack): Stack {
  return Object.create(stack, {
    outputs: { value: async (): Promise<OutputMap> => ({}) },
    info: { value: async () => undefined },
  }) as Stack;
}

/**
 * The root stack's outputs from an operation's events: the engine reports the program's exports as the outputs of
 * the `pulumi:pulumi:Stack` resource (a resource-outputs event, sent whether or not they changed). Secrets come
 * masked (the event log is written without `--show-secrets`) and are kept only as "a secret is here", never a value.
 */
export class RootOutputsCollector {
  #outputs: OutputMap | undefined;

  readonly onEvent = (event: EngineEvent): void => {
    const metadata = event.resOutputsEvent?.metadata;
    if (metadata?.type !== ROOT_STACK_TYPE) return;
    const outputs: unknown = metadata.new?.outputs;
    if (!isPlainMap(outputs)) return;
    const map: OutputMap = {};
    for (const [key, value] of Object.entries(outputs)) map[key] = isPulumiSecret(value) ? { value: undefined, secret: true } : { value, secret: false };
    this.#outputs = map;
  };

  /** The outputs the events reported, or undefined when they reported none (the caller then asks the CLI once). */
  outputs(): OutputMap | undefined {
    return this.#outputs;
  }
}

/** One event stream to several listeners. */
export function everyListener(...listeners: readonly ((event: EngineEvent) => void)[]): (event: EngineEvent) => void {
  return (event) => {
    for (const listener of listeners) listener(event);
  };
}
