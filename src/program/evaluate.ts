/**
 * Runs a Pulumi program under Pulumi's mock runtime and records what it declares: each resource's type, logical
 * name, inputs and the options that matter to rds-echo (provider, retainOnDelete, custom timeouts).
 *
 * This is how `plan` shows a generation offline, and how the sandbox engine evaluates the *real* program. The mock
 * runtime is process-global, so evaluations are serialised.
 */
import * as pulumi from "@pulumi/pulumi";
import { SecretValue, UNKNOWN, type Value } from "./values.js";

/** One resource the program registered. */
export interface Declaration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, Value>;
  /** Logical name of the provider resource it uses, when explicit. */
  readonly provider?: string;
  readonly retainOnDelete: boolean;
  readonly customTimeouts?: { create?: string; update?: string; delete?: string };
  /** Inputs whose changes the engine ignores (the `ignoreChanges` option): they keep the value in state. */
  readonly ignoreChanges?: readonly string[];
}

/** What the cloud says about a resource: its id and output properties. */
export interface ResourceState {
  readonly id: string;
  readonly state: Record<string, unknown>;
}

export interface EvaluateOptions<Outputs> {
  readonly project: string;
  readonly stack: string;
  /**
   * In preview mode an output the state callback leaves out is unknown (shown as "known after apply"), exactly
   * as the engine treats a resource that does not exist yet.
   */
  readonly preview: boolean;
  readonly program: () => Outputs | Promise<Outputs>;
  /** Outputs for a declared resource; by default its inputs and no id. */
  readonly state?: (declaration: Declaration) => ResourceState | undefined;
}

export interface Evaluation {
  /** Custom resources in registration order (the root stack component is left out). */
  readonly declarations: Declaration[];
  readonly outputs: Record<string, Value>;
}

let queue: Promise<unknown> = Promise.resolve();

/** Evaluates a program under mocks. Evaluations run one at a time (the mock runtime is global). */
export function evaluateUnderMocks<Outputs extends object>(options: EvaluateOptions<Outputs>): Promise<Evaluation> {
  const run = queue.then(() => evaluate(options));
  queue = run.catch(() => undefined);
  return run;
}

interface PendingOptions {
  provider?: string;
  retainOnDelete: boolean;
  customTimeouts?: Declaration["customTimeouts"];
  ignoreChanges?: readonly string[];
}

async function evaluate<Outputs extends object>(options: EvaluateOptions<Outputs>): Promise<Evaluation> {
  const declarations: Declaration[] = [];
  // The mock callback does not receive resource options, so they are read off the raw registration request.
  const pendingOptions = new Map<string, PendingOptions>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const opts = pendingOptions.get(args.name) ?? { retainOnDelete: false };
        const declaration: Declaration = {
          type: args.type,
          name: args.name,
          inputs: toValue(args.inputs) as Record<string, Value>,
          ...opts,
        };
        if (args.custom) declarations.push(declaration);
        const known = options.state?.(declaration);
        return {
          id: known?.id ?? (options.preview ? undefined : `${args.name}-id`),
          state: known?.state ?? (options.preview ? {} : args.inputs),
        };
      },
      call: (args) => {
        throw new Error(`the generation program must not call provider functions (it called ${args.token})`);
      },
    },
    options.project,
    options.stack,
    options.preview,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRequests;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const timeouts = request.getCustomtimeouts()?.toObject();
    const providerUrn = request.getProvider();
    const ignoreChanges = request.getIgnorechangesList();
    pendingOptions.set(request.getName(), {
      retainOnDelete: request.getRetainondelete(),
      ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}),
      ...(providerUrn ? { provider: providerUrn.split("::").at(-2) ?? providerUrn } : {}),
      ...(timeouts && (timeouts.create || timeouts.update || timeouts.pb_delete)
        ? { customTimeouts: definedOnly({ create: timeouts.create, update: timeouts.update, delete: timeouts.pb_delete }) }
        : {}),
    });
    return register(request, callback);
  };

  // A program that throws inside the runtime leaves rejected promises behind in Pulumi's internals; catch it here,
  // let the run finish cleanly, and rethrow it to the caller.
  let failure: { error: unknown } | undefined;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await options.program();
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  // The stack's outputs are registered after the program's promise settles; let those calls land on this run's
  // monitor before the next evaluation installs its own.
  await drainRpcs();
  if (failure) throw failure.error;
  return { declarations, outputs: (toValue(outputs ?? {}) ?? {}) as Record<string, Value> };
}

/** The slice of Pulumi's mock monitor and its gRPC request that we read. */
interface MonitorWithRequests {
  registerResource(request: RegisterRequest, callback: (error: unknown, response: unknown) => void): Promise<void>;
}
interface RegisterRequest {
  getName(): string;
  getProvider(): string;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getCustomtimeouts(): { toObject(): { create: string; update: string; pb_delete: string } } | undefined;
}

/** `waitForRPCs` is exported by the runtime but marked internal in its typings. */
const runtimeInternals = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
async function drainRpcs(): Promise<void> {
  if (typeof runtimeInternals.waitForRPCs !== "function") {
    throw new Error("this @pulumi/pulumi has no runtime.waitForRPCs; rds-echo's mock evaluation needs it");
  }
  await runtimeInternals.waitForRPCs();
}

function definedOnly<T extends Record<string, string | undefined>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v)) as Partial<T>;
}

/** Converts deserialised mock inputs (with Pulumi's secret wrappers and unknowns) into plain values. */
function toValue(raw: unknown): Value | undefined {
  if (raw === undefined) return undefined;
  if (pulumi.isUnknown(raw)) return UNKNOWN;
  if (Array.isArray(raw)) return raw.map((v) => toValue(v) ?? null);
  if (raw !== null && typeof raw === "object") {
    const record = raw as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return new SecretValue(toValue(record["value"]));
    const entries = Object.entries(record)
      .map(([k, v]) => [k, toValue(v)] as const)
      .filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries) as Value;
  }
  return raw as Value;
}
