/**
 * Pure translations from what the Automation API reports (engine events, `stack history`, `stack output`,
 * `stack ls`) to the port's types. Kept apart from the engine so each mapping is unit-tested without a CLI.
 */
import type {
  EngineEvent,
  OpMap,
  OpType,
  OutputMap,
  StackSummary as PulumiStackSummary,
  UpdateSummary,
} from "@pulumi/pulumi/automation/index.js";
import type {
  ChangeOp,
  GenerationStackOutputs,
  HistoryEntry,
  OperationKind,
  ResourceChange,
  StackSummary,
} from "../../ports.js";
import { isProgramStage } from "../../program/stages.js";
import { isPlainMap, valueDiffs } from "../value-diffs.js";

/** The root component every stack has; it is bookkeeping, never a change worth showing. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Pulumi step ops we report. A replacement is several steps on one URN (`create-replacement`, `replace`,
 * `delete-replaced`): all of them mean "replace". Other ops (read, refresh, discard, import, …) are not changes.
 */
const STEP_OPS: Partial<Record<OpType, ChangeOp>> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
};

/** The logical name of a resource: the last `::` segment of its URN. */
export function nameFromUrn(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at < 0 ? urn : urn.slice(at + 2);
}

/** One resource's change with the URN it is about (changes of one URN are merged by the collector). */
export interface UrnChange {
  readonly urn: string;
  readonly change: ResourceChange;
}

/** A resource-pre event as a change, or undefined for other events, the root stack and ops that change nothing. */
export function changeFromEvent(event: EngineEvent): UrnChange | undefined {
  const metadata = event.resourcePreEvent?.metadata;
  if (metadata === undefined || metadata.type === ROOT_STACK_TYPE) return undefined;
  const op = STEP_OPS[metadata.op];
  if (op === undefined) return undefined;
  const keys = op === "update" || op === "replace" ? (metadata.diffs ?? metadata.keys ?? []) : [];
  const before: unknown = metadata.old?.inputs;
  const after: unknown = metadata.new?.inputs;
  // The values behind each changed key, for the person confirming: the engine's events carry both sides' inputs.
  const diffs =
    isPlainMap(before) && isPlainMap(after)
      ? keys.flatMap((key) => valueDiffs(key, before[key], after[key], isPulumiSecret)).filter((d) => d.old !== d.new || d.old === "[secret]")
      : [];
  const change: ResourceChange = {
    op,
    type: metadata.type,
    name: nameFromUrn(metadata.urn),
    ...(keys.length > 0 ? { keys: [...keys] } : {}),
    ...(diffs.length > 0 ? { diffs } : {}),
    ...(op === "delete" && metadata.old?.retainOnDelete === true ? { retained: true } : {}),
  };
  return { urn: metadata.urn, change };
}

/** Pulumi's secret signature in serialized values; engine events show a secret as `[secret]` instead. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A secret as the engine's events carry it (masked, or as a signed secret value): never shown. */
export function isPulumiSecret(value: unknown): boolean {
  return value === "[secret]" || (isPlainMap(value) && SECRET_SIG in value);
}

/**
 * Collects the changes of one operation from its event stream: one entry per resource (URN), in the order the
 * engine first mentioned it; the steps of a replacement fold into one `replace` with the union of their keys.
 * Pass `onEvent` to `preview`/`up`/`destroy`.
 */
export class ChangeCollector {
  readonly #byUrn = new Map<string, ResourceChange>();

  readonly onEvent = (event: EngineEvent): void => {
    const found = changeFromEvent(event);
    if (found === undefined) return;
    const previous = this.#byUrn.get(found.urn);
    this.#byUrn.set(found.urn, previous === undefined ? found.change : merge(previous, found.change));
  };

  changes(): ResourceChange[] {
    return [...this.#byUrn.values()];
  }
}

function merge(a: ResourceChange, b: ResourceChange): ResourceChange {
  const op = a.op === "replace" || b.op === "replace" ? "replace" : a.op;
  const keys = [...new Set([...(a.keys ?? []), ...(b.keys ?? [])])];
  const diffs = a.diffs?.length ? a.diffs : b.diffs;
  return {
    op,
    type: a.type,
    name: a.name,
    ...(keys.length > 0 ? { keys } : {}),
    ...(diffs?.length ? { diffs } : {}),
    ...(a.retained || b.retained ? { retained: true } : {}),
  };
}

/**
 * Pulumi's update kinds (apitype.UpdateKind): `pulumi import` of resources is recorded as `resource-import` (seen from
 * the real CLI in the engine suite's adopt case); plain `import` is `pulumi stack import` of a checkpoint.
 */
const KINDS: Record<string, OperationKind> = { update: "update", destroy: "destroy", refresh: "refresh", import: "import", "resource-import": "import" };

const RESULTS: Record<string, HistoryEntry["result"]> = {
  succeeded: "succeeded",
  failed: "failed",
  "in-progress": "in-progress",
  // Queued on a service backend: not finished either.
  "not-started": "in-progress",
};

const COUNTED_OPS: readonly ChangeOp[] = ["create", "update", "delete", "replace", "same"];

/** Counts of the ops the port knows, from Pulumi's per-op counts (replacement sub-steps are not counted twice). */
export function countsFromOpMap(counts: OpMap | undefined): Partial<Record<ChangeOp, number>> {
  const result: Partial<Record<ChangeOp, number>> = {};
  for (const op of COUNTED_OPS) {
    const count = counts?.[op];
    if (typeof count === "number" && count > 0) result[op] = count;
  }
  return result;
}

function validDate(value: unknown): Date | undefined {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** One `pulumi stack history --json` entry (as the SDK returns it: times already revived as Dates) as audit entry. */
export function historyEntryFromSummary(summary: UpdateSummary): HistoryEntry {
  const endTime = validDate(summary.endTime);
  return {
    version: summary.version,
    kind: KINDS[summary.kind] ?? "other",
    message: summary.message ?? "",
    // An unknown result is not a success; say failed rather than pretend.
    result: RESULTS[summary.result] ?? "failed",
    startTime: validDate(summary.startTime) ?? new Date(0),
    ...(endTime !== undefined ? { endTime } : {}),
    resourceChanges: countsFromOpMap(summary.resourceChanges),
  };
}

/**
 * Stack outputs as the port exposes them: the program's known keys with the expected types; secret outputs are
 * never copied (their value never leaves this function), and a value of an unexpected type is left out.
 */
export function outputsFromMap(outputs: OutputMap): GenerationStackOutputs {
  const plain = (key: string): unknown => {
    const output = outputs[key];
    return output === undefined || output.secret ? undefined : output.value;
  };
  const text = (key: string) => {
    const value = plain(key);
    return typeof value === "string" ? value : undefined;
  };
  const port = plain("port");
  const stage = plain("stage");
  const instanceId = text("instanceId");
  const address = text("address");
  const snapshot = text("snapshot");
  const cname = text("cname");
  return {
    ...(instanceId !== undefined ? { instanceId } : {}),
    ...(address !== undefined ? { address } : {}),
    ...(typeof port === "number" ? { port } : {}),
    ...(isProgramStage(stage) ? { stage } : {}),
    ...(snapshot !== undefined ? { snapshot } : {}),
    ...(cname !== undefined ? { cname } : {}),
  };
}

/**
 * A `pulumi stack ls --json` row as the port's summary. Backends may qualify names (`org/project/stack`); a stack
 * name never contains `/`, so the last segment is the generation.
 */
export function stackSummaryFrom(summary: PulumiStackSummary): StackSummary {
  const lastUpdate = validDate(summary.lastUpdate);
  return {
    name: summary.name,
    ...(lastUpdate !== undefined ? { lastUpdate } : {}),
    updateInProgress: summary.updateInProgress ?? false,
    resourceCount: summary.resourceCount ?? 0,
  };
}

/**
 * The stacks rds-echo's commands reach: those the CLI lists by their bare name. `pulumi stack ls` lists the
 * project's stacks in every organization the user belongs to (Pulumi Cloud), and elides the organization and project
 * only for the default organization and the current project (pkg/backend/httpstate/stack.go and diy/backend.go,
 * `String()`); `--stack <name>` resolves a bare name there too. A generation of the same name in another organization
 * (`acme/development-…`) is someone else's, never one of ours.
 */
export function ownStacks(summaries: readonly PulumiStackSummary[]): PulumiStackSummary[] {
  return summaries.filter((summary) => !summary.name.includes("/"));
}
