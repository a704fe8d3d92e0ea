/**
 * A generation's settings and secrets as Pulumi stack config (`rds-echo:echo`, `rds-echo:stage`, …), both ways.
 * Pure: the engine reads and writes config through the Automation API and uses these to translate.
 */
import type { ConfigMap, ConfigValue } from "@pulumi/pulumi/automation/index.js";
import { parseDocument } from "yaml";
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
  cloneOf: configKey(CONFIG_KEYS.cloneOf),
  engine: configKey(CONFIG_KEYS.engine),
  hooksDone: configKey(CONFIG_KEYS.hooksDone),
  scrubbed: configKey(CONFIG_KEYS.scrubbed),
} as const;

/** Settings keys that may be absent (a stack pinned before they existed, or one without a looked-up zone). */
const OPTIONAL_KEYS = [SETTINGS_KEYS.zoneId, SETTINGS_KEYS.storageEncrypted, SETTINGS_KEYS.kmsKeyId, SETTINGS_KEYS.cloneOf, SETTINGS_KEYS.engine, SETTINGS_KEYS.hooksDone, SETTINGS_KEYS.scrubbed] as const;

const MANAGED_KEYS: readonly string[] = Object.values(SETTINGS_KEYS);
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
    ...(settings.cloneOf !== undefined ? { [SETTINGS_KEYS.cloneOf]: { value: settings.cloneOf } } : {}),
    ...(settings.engine !== undefined ? { [SETTINGS_KEYS.engine]: { value: settings.engine } } : {}),
    ...(settings.hooksDone !== undefined ? { [SETTINGS_KEYS.hooksDone]: { value: settings.hooksDone } } : {}),
    ...(settings.scrubbed !== undefined ? { [SETTINGS_KEYS.scrubbed]: { value: settings.scrubbed } } : {}),
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
  const cloneOf = plain(SETTINGS_KEYS.cloneOf);
  const engine = plain(SETTINGS_KEYS.engine);
  const hooksDone = plain(SETTINGS_KEYS.hooksDone);
  const scrubbed = plain(SETTINGS_KEYS.scrubbed);
  return {
    echo: required(SETTINGS_KEYS.echo),
    stage,
    snapshot: required(SETTINGS_KEYS.snapshot),
    ...(zoneId ? { zoneId } : {}),
    // Absent in stacks pinned before rds-echo recorded it: left undefined, so the program declares what it did then.
    ...(encrypted !== undefined ? { storageEncrypted: encrypted === "true" } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(cloneOf ? { cloneOf } : {}),
    ...(engine ? { engine } : {}),
    ...(hooksDone !== undefined ? { hooksDone } : {}),
    ...(scrubbed ? { scrubbed } : {}),
  };
}

/** What to write so that the settings keys of `current` become those of `wanted`; other keys are never touched. */
export interface ConfigChange {
  readonly set: ConfigMap;
  readonly remove: readonly string[];
}

function sameValue(a: ConfigValue | undefined, b: ConfigValue): boolean {
  return a !== undefined && a.value === b.value && (a.secret ?? false) === (b.secret ?? false);
}

/** The minimal change from `current` to `wanted` over the settings keys (empty when they already agree). */
export function configChange(current: ConfigMap, wanted: ConfigMap): ConfigChange {
  const set: ConfigMap = {};
  for (const key of MANAGED_KEYS) {
    const value = wanted[key];
    if (value !== undefined && !sameValue(current[key], value)) set[key] = value;
  }
  const remove = MANAGED_KEYS.filter((key) => current[key] !== undefined && wanted[key] === undefined);
  return { set, remove };
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
  for (const [key, { value }] of Object.entries(config)) document.setIn(["config", key], value);
  for (const key of OPTIONAL_KEYS) if (config[key] === undefined) document.deleteIn(["config", key]);
  return document.toString();
}
