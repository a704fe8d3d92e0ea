/**
 * A generation's settings and secrets as Pulumi stack config (`rds-echo:echo`, `rds-echo:stage`, …), both ways.
 * Pure: the engine reads and writes config through the Automation API and uses these to translate.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation/index.js";
import { parse, parseDocument, Scalar } from "yaml";
import { UsageError } from "../../errors.js";
import type { GenerationSettings } from "../../ports.js";
import { CONFIG_KEY_PATTERN, CONFIG_KEYS, configKey } from "../../program/stack-config.js";
import { isProgramStage } from "../../program/stages.js";

/** The fully qualified config keys of the settings, e.g. `rds-echo:stage`. */
export const SETTINGS_KEYS = {
  echo: configKey(CONFIG_KEYS.echo),
  stage: configKey(CONFIG_KEYS.stage),
  snapshot: configKey(CONFIG_KEYS.snapshot),
  zoneId: configKey(CONFIG_KEYS.zoneId),
  storageEncrypted: configKey(CONFIG_KEYS.storageEncrypted),
  kmsKeyId: configKey(CONFIG_KEYS.kmsKeyId),
  restoreTime: configKey(CONFIG_KEYS.restoreTime),
  sourceInstance: configKey(CONFIG_KEYS.sourceInstance),
  sourceSnapshot: configKey(CONFIG_KEYS.sourceSnapshot),
  cloneOf: configKey(CONFIG_KEYS.cloneOf),
  engine: configKey(CONFIG_KEYS.engine),
  hooksDone: configKey(CONFIG_KEYS.hooksDone),
  scrubbed: configKey(CONFIG_KEYS.scrubbed),
  adopted: configKey(CONFIG_KEYS.adopted),
  rolledBack: configKey(CONFIG_KEYS.rolledBack),
  approvalRequest: configKey(CONFIG_KEYS.approvalRequest),
  approvalApprovers: configKey(CONFIG_KEYS.approvalApprovers),
  approvalRequired: configKey(CONFIG_KEYS.approvalRequired),
  approvalOpened: configKey(CONFIG_KEYS.approvalOpened),
  approvalExpires: configKey(CONFIG_KEYS.approvalExpires),
} as const;

/** Settings keys that may be absent (a stack pinned before they existed, or one without a looked-up zone). */
const OPTIONAL_KEYS = [
  SETTINGS_KEYS.zoneId,
  SETTINGS_KEYS.storageEncrypted,
  SETTINGS_KEYS.kmsKeyId,
  SETTINGS_KEYS.restoreTime,
  SETTINGS_KEYS.sourceInstance,
  SETTINGS_KEYS.sourceSnapshot,
  SETTINGS_KEYS.cloneOf,
  SETTINGS_KEYS.engine,
  SETTINGS_KEYS.hooksDone,
  SETTINGS_KEYS.scrubbed,
  SETTINGS_KEYS.adopted,
  SETTINGS_KEYS.rolledBack,
  SETTINGS_KEYS.approvalRequest,
  SETTINGS_KEYS.approvalApprovers,
  SETTINGS_KEYS.approvalRequired,
  SETTINGS_KEYS.approvalOpened,
  SETTINGS_KEYS.approvalExpires,
] as const;

const RESERVED_SECRET_NAMES: readonly string[] = Object.values(CONFIG_KEYS);

/** The settings as plaintext config values; the optional ones only when set. */
export function settingsToConfig(settings: GenerationSettings): ConfigMap {
  return {
    [SETTINGS_KEYS.echo]: { value: settings.echo },
    [SETTINGS_KEYS.stage]: { value: settings.stage },
    [SETTINGS_KEYS.snapshot]: { value: settings.snapshot },
    ...(settings.zoneId !== undefined ? { [SETTINGS_KEYS.zoneId]: { value: settings.zoneId } } : {}),
    ...(settings.storageEncrypted !== undefined ? { [SETTINGS_KEYS.storageEncrypted]: { value: String(settings.storageEncrypted) } } : {}),
    ...(settings.kmsKeyId !== undefined ? { [SETTINGS_KEYS.kmsKeyId]: { value: settings.kmsKeyId } } : {}),
    ...(settings.restoreTime !== undefined ? { [SETTINGS_KEYS.restoreTime]: { value: settings.restoreTime } } : {}),
    ...(settings.sourceInstance !== undefined ? { [SETTINGS_KEYS.sourceInstance]: { value: settings.sourceInstance } } : {}),
    ...(settings.sourceSnapshot !== undefined ? { [SETTINGS_KEYS.sourceSnapshot]: { value: settings.sourceSnapshot } } : {}),
    ...(settings.cloneOf !== undefined ? { [SETTINGS_KEYS.cloneOf]: { value: settings.cloneOf } } : {}),
    ...(settings.engine !== undefined ? { [SETTINGS_KEYS.engine]: { value: settings.engine } } : {}),
    ...(settings.hooksDone !== undefined ? { [SETTINGS_KEYS.hooksDone]: { value: settings.hooksDone } } : {}),
    ...(settings.scrubbed !== undefined ? { [SETTINGS_KEYS.scrubbed]: { value: settings.scrubbed } } : {}),
    ...(settings.adopted !== undefined ? { [SETTINGS_KEYS.adopted]: { value: settings.adopted } } : {}),
    ...(settings.rolledBack !== undefined ? { [SETTINGS_KEYS.rolledBack]: { value: settings.rolledBack } } : {}),
    ...(settings.approvalRequest !== undefined ? { [SETTINGS_KEYS.approvalRequest]: { value: settings.approvalRequest } } : {}),
    ...(settings.approvalApprovers !== undefined ? { [SETTINGS_KEYS.approvalApprovers]: { value: settings.approvalApprovers } } : {}),
    ...(settings.approvalRequired !== undefined ? { [SETTINGS_KEYS.approvalRequired]: { value: String(settings.approvalRequired) } } : {}),
    ...(settings.approvalOpened !== undefined ? { [SETTINGS_KEYS.approvalOpened]: { value: settings.approvalOpened } } : {}),
    ...(settings.approvalExpires !== undefined ? { [SETTINGS_KEYS.approvalExpires]: { value: settings.approvalExpires } } : {}),
  };
}

/**
 * Secrets as Pulumi secret config values under `rds-echo:<name>`, where the program's `requireSecret` finds them.
 * A name that is not a config key, or that would overwrite a setting, is refused before anything is written.
 */
export function secretsToConfig(secrets: Readonly<Record<string, string>>): ConfigMap {
  const config: ConfigMap = {};
  for (const [name, value] of Object.entries(secrets)) {
    if (!CONFIG_KEY_PATTERN.test(name)) throw new UsageError(`secret name "${name}" is not a Pulumi config key (letters, digits, _ or -)`);
    if (RESERVED_SECRET_NAMES.includes(name)) {
      throw new UsageError(`secret name "${name}" is reserved for rds-echo's own stack settings; name the secret differently (e.g. masterPassword)`);
    }
    config[configKey(name)] = { value, secret: true };
  }
  return config;
}

/** The settings a stack's config pins. Fails, naming the stack and key, when the config is incomplete or wrong. */
export function settingsFromConfig(stack: string, config: ConfigMap): GenerationSettings {
  const plain = (key: string): string | undefined => {
    const entry = config[key];
    return entry === undefined || entry.secret === true ? undefined : entry.value;
  };
  const required = (key: string): string => {
    const value = plain(key);
    if (value !== undefined && value !== "") return value;
    throw new Error(`stack ${stack}: its config has no ${key}; it was not created by rds-echo, or its config file is missing`);
  };
  const stage = required(SETTINGS_KEYS.stage);
  if (!isProgramStage(stage)) throw new Error(`stack ${stack}: config ${SETTINGS_KEYS.stage} is "${stage}", not a stage rds-echo knows`);
  const zoneId = plain(SETTINGS_KEYS.zoneId);
  const encrypted = plain(SETTINGS_KEYS.storageEncrypted);
  if (encrypted !== undefined && encrypted !== "true" && encrypted !== "false") {
    throw new Error(`stack ${stack}: config ${SETTINGS_KEYS.storageEncrypted} is "${encrypted}", not true or false`);
  }
  const kmsKeyId = plain(SETTINGS_KEYS.kmsKeyId);
  const restoreTime = plain(SETTINGS_KEYS.restoreTime);
  const sourceInstance = plain(SETTINGS_KEYS.sourceInstance);
  const sourceSnapshot = plain(SETTINGS_KEYS.sourceSnapshot);
  // The program restores a point in time from both keys together; one without the other would restore the label.
  if (restoreTime && !sourceInstance) throw new Error(`stack ${stack}: config ${SETTINGS_KEYS.restoreTime} is set without ${SETTINGS_KEYS.sourceInstance}`);
  const cloneOf = plain(SETTINGS_KEYS.cloneOf);
  const engine = plain(SETTINGS_KEYS.engine);
  const hooksDone = plain(SETTINGS_KEYS.hooksDone);
  const scrubbed = plain(SETTINGS_KEYS.scrubbed);
  const adopted = plain(SETTINGS_KEYS.adopted);
  const rolledBack = plain(SETTINGS_KEYS.rolledBack);
  const approvalRequest = plain(SETTINGS_KEYS.approvalRequest);
  const approvalApprovers = plain(SETTINGS_KEYS.approvalApprovers);
  const approvalRequiredText = plain(SETTINGS_KEYS.approvalRequired);
  if (approvalRequiredText !== undefined && !/^\d+$/.test(approvalRequiredText)) {
    throw new Error(`stack ${stack}: config ${SETTINGS_KEYS.approvalRequired} is "${approvalRequiredText}", not a whole number`);
  }
  const approvalOpened = plain(SETTINGS_KEYS.approvalOpened);
  const approvalExpires = plain(SETTINGS_KEYS.approvalExpires);
  return {
    echo: required(SETTINGS_KEYS.echo),
    stage,
    snapshot: required(SETTINGS_KEYS.snapshot),
    ...(zoneId ? { zoneId } : {}),
    // Absent in stacks pinned before rds-echo recorded it: left undefined, so the program declares what it did then.
    ...(encrypted !== undefined ? { storageEncrypted: encrypted === "true" } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(restoreTime ? { restoreTime } : {}),
    ...(sourceInstance ? { sourceInstance } : {}),
    ...(sourceSnapshot ? { sourceSnapshot } : {}),
    ...(cloneOf ? { cloneOf } : {}),
    ...(engine ? { engine } : {}),
    ...(hooksDone !== undefined ? { hooksDone } : {}),
    ...(scrubbed ? { scrubbed } : {}),
    ...(adopted ? { adopted } : {}),
    ...(rolledBack ? { rolledBack } : {}),
    ...(approvalRequest ? { approvalRequest } : {}),
    ...(approvalApprovers ? { approvalApprovers } : {}),
    ...(approvalRequiredText !== undefined ? { approvalRequired: Number(approvalRequiredText) } : {}),
    ...(approvalOpened ? { approvalOpened } : {}),
    ...(approvalExpires ? { approvalExpires } : {}),
  };
}

/**
 * A copy of a stack's config file (`Pulumi.<stack>.yaml`) with other settings: what a preview runs with (through
 * `--config-file`), so previewing never writes the stack's own file. Everything else in the file (secrets provider,
 * encryption salt, encrypted secrets) keeps its value.
 */
export function stackFileWithSettings(text: string, settings: GenerationSettings): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`the stack config file is not valid YAML: ${document.errors[0]?.message}`);
  const config = settingsToConfig(settings);
  for (const [key, { value }] of Object.entries(config)) document.setIn(["config", key], stringNode(value));
  for (const key of OPTIONAL_KEYS) if (config[key] === undefined) document.deleteIn(["config", key]);
  return document.toString();
}

/**
 * A config value as a YAML node the Pulumi CLI reads back as the same string. The CLI's YAML (Go's gopkg.in/yaml.v3)
 * resolves plain scalars beyond YAML 1.2's core schema, timestamps above all: a plain `2026-11-25T03:00:00Z` reaches
 * the program as Go's `2026-11-25 03:00:00 +0000 UTC`. So a value a YAML 1.1 reader would not read as itself is
 * quoted (the `yaml` library already quotes what 1.2 would misread, such as `true` or `5432`).
 */
function stringNode(value: string): Scalar<string> {
  const node = new Scalar(value);
  let read: unknown;
  try {
    read = parse(value, { version: "1.1" });
  } catch {
    read = undefined;
  }
  if (read !== value) node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

/**
 * The config a stack's file (`Pulumi.<stack>.yaml`) holds, as `pulumi config --json` would list it but read in
 * process: plaintext values as they are, secure ones marked secret without their value (rds-echo never needs it back).
 */
export function configFromStackFile(text: string): ConfigMap {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new Error(`the stack config file is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const section = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "config") : undefined;
  if (section === undefined || section === null) return {};
  if (typeof section !== "object" || Array.isArray(section)) throw new Error("the stack config file's `config` is not a mapping");
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
    if (typeof value === "object" && value !== null && "secure" in value) config[key] = { value: "", secret: true };
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") config[key] = { value: String(value) };
    // Structured values (objects, lists) are never rds-echo's settings; they are left out, not guessed at.
  }
  return config;
}
