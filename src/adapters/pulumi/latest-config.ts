/**
 * A stack's config as the backend last recorded it, read in process: what `pulumi config refresh` writes into the
 * stack's file, without a CLI process (issue 19: `up --all` over settled echoes read each generation's settings
 * through one such process each).
 *
 * What the CLI does, from the version this project drives (pkg/cmd/pulumi/config/config.go, `config refresh`; and
 * pkg/backend/diy): the config is `GetLatestConfiguration`, i.e. the `config` of the newest history entry, `getHistory`
 * with a page of one (state.go). The entries live at `.pulumi/history/<project>/<stack>/` (store.go,
 * projectReferenceStore.HistoryDir), named `<stack>-<unix nanoseconds>.history.json` (addToHistory, beside the
 * `.checkpoint.json` copies), `.json.gz` or `.json.zst` when the backend compresses; the newest is the last by name
 * (listBucket's order). An entry is backend.UpdateInfo, its `config` a config.Map in JSON: a plain value as a string
 * (or a number or boolean), a secret as `{"secure": "<ciphertext>"}`, a structured value as JSON.
 *
 * Read here only when it is certain: the stack's checkpoint is a plain `.json` (the project layout, no compressed
 * sibling), the newest entry is a plain `.history.json` that parses as an UpdateInfo, and every config value is one of
 * the shapes above. Anything else (compressed, a layout or shape this does not know, an entry half-written) answers
 * `undefined` and the caller asks the CLI as before, so nothing is ever guessed.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation/index.js";

/** A DIY backend's objects as rds-echo reaches them itself (a directory, or a bucket: s3-objects.ts). */
export interface BackendObjects {
  /** Where the objects are, for error messages. */
  readonly where: string;
  /** Every key that starts with `prefix` (keys are relative to the backend's root, `/`-separated). */
  keys(prefix: string): Promise<string[]>;
  /** The object's text, or undefined when there is no such object. */
  text(key: string): Promise<string | undefined>;
}

export type LatestConfig =
  /** The config of the stack's newest update (`from` names its history entry). */
  | { readonly kind: "recorded"; readonly config: ConfigMap; readonly from: string }
  /** The stack exists and has no update yet: its local file is the only copy (as `config refresh` finds too). */
  | { readonly kind: "never-deployed" };

const HISTORY_SUFFIXES = [".history.json", ".history.json.gz", ".history.json.zst"] as const;

/** The stack's latest recorded config, or undefined when this cannot tell for certain (ask the CLI then). */
export async function latestConfig(objects: BackendObjects, project: string, stack: string): Promise<LatestConfig | undefined> {
  const checkpoint = `.pulumi/stacks/${project}/${stack}.json`;
  const checkpoints = new Set(await objects.keys(checkpoint));
  // No plain checkpoint: no such stack, or one in a layout or compression this does not read. The CLI knows.
  if (!checkpoints.has(checkpoint) || checkpoints.has(`${checkpoint}.gz`) || checkpoints.has(`${checkpoint}.zst`)) return undefined;
  const dir = `.pulumi/history/${project}/${stack}/`;
  const entries = (await objects.keys(dir)).filter((key) => !key.slice(dir.length).includes("/") && HISTORY_SUFFIXES.some((suffix) => key.endsWith(suffix)));
  if (entries.length === 0) return { kind: "never-deployed" };
  // Names differ only in their nanoseconds, all of one length: the greatest by name is the newest, as the CLI takes it.
  const newest = entries.reduce((a, b) => (b > a ? b : a));
  if (!newest.endsWith(".history.json")) return undefined;
  const text = await objects.text(newest);
  // Removed since the listing (the stack is being removed): the CLI says what is left.
  if (text === undefined) return undefined;
  const config = configFromHistoryEntry(text);
  return config === undefined ? undefined : { kind: "recorded", config, from: newest };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The config of one history entry (backend.UpdateInfo) as `pulumi config --json` would list it after a refresh:
 * plain values as strings, secrets marked secret without their ciphertext (rds-echo never reads one back), structured
 * values left out (never rds-echo's settings; configFromStackFile leaves them out too). Undefined for anything else.
 */
export function configFromHistoryEntry(text: string): ConfigMap | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(entry) || typeof entry["kind"] !== "string" || typeof entry["startTime"] !== "number") return undefined;
  const recorded = entry["config"];
  // Go writes a nil map as null: an update with no config at all.
  if (recorded === null) return {};
  if (!isRecord(recorded)) return undefined;
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(recorded)) {
    if (!/^[^:]+:.+$/.test(key)) return undefined;
    if (typeof value === "string") config[key] = { value };
    else if (typeof value === "number" || typeof value === "boolean") config[key] = { value: String(value) };
    else if (isRecord(value) && "secure" in value) {
      if (typeof value["secure"] !== "string" || Object.keys(value).length !== 1) return undefined;
      config[key] = { value: "", secret: true };
    } else if (value === null) return undefined;
    // Else an object or a list: a structured value, left out.
  }
  return config;
}

/** A `file://` backend's directory as BackendObjects. */
export class FileObjects implements BackendObjects {
  constructor(private readonly stateDir: string) {}

  get where(): string {
    return this.stateDir;
  }

  async keys(prefix: string): Promise<string[]> {
    const slash = prefix.lastIndexOf("/");
    const dir = prefix.slice(0, slash + 1);
    const start = prefix.slice(slash + 1);
    let names: string[];
    try {
      names = await readdir(path.join(this.stateDir, dir));
    } catch (error) {
      if (isMissing(error)) return [];
      throw new Error(`reading the backend directory ${path.join(this.stateDir, dir)} failed: ${String(error)}`, { cause: error });
    }
    return names.filter((name) => name.startsWith(start)).map((name) => `${dir}${name}`);
  }

  async text(key: string): Promise<string | undefined> {
    const file = path.join(this.stateDir, key);
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new Error(`reading ${file} failed: ${String(error)}`, { cause: error });
    }
  }
}

function isMissing(error: unknown): boolean {
  const code: unknown = typeof error === "object" && error !== null ? Reflect.get(error, "code") : undefined;
  return code === "ENOENT" || code === "ENOTDIR";
}
