/**
 * The provider configuration the program gives its explicit `aws` provider: `region`, `profile`, `ignoreTags`.
 *
 * Where it comes from: the engine's Configure call (sdk/go/common/resource/plugin/provider_plugin.go,
 * `provider.Configure`) sends it twice: as the deprecated `variables` map keyed `aws:config:<key>` whose non-string
 * values are JSON-encoded, and as the `args` struct. On top of that, @pulumi/aws's Node `Provider` class itself
 * JSON-encodes object-valued config (`resourceInputs["ignoreTags"] = ….apply(JSON.stringify)` in provider.js), so
 * `ignoreTags` may arrive as a JSON string in either place. Both forms are accepted.
 */
import { isRecord, reveal } from "./values.js";

export interface IgnoreTags {
  /** `ignore_tags.keys` of terraform-provider-aws (internal/provider/provider.go): exact keys never managed. */
  readonly keys: readonly string[];
  /** `ignore_tags.key_prefixes`: keys starting with one of these are neither diffed, set nor removed. */
  readonly keyPrefixes: readonly string[];
}

export interface ProviderConfig {
  readonly region?: string;
  readonly profile?: string;
  readonly ignoreTags: IgnoreTags;
}

export const EMPTY_CONFIG: ProviderConfig = { ignoreTags: { keys: [], keyPrefixes: [] } };

/** A JSON-encoded value decoded, any other value as is (the two wire forms described above). */
function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text.startsWith("{") && !text.startsWith("[")) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The config from the Configure request. `args` (a struct) wins over `variables` (strings keyed `aws:config:<key>`)
 * because it carries types; either may be missing depending on the engine's protocol version.
 */
export function providerConfigFrom(variables: ReadonlyMap<string, string> | Record<string, string>, args: unknown): ProviderConfig {
  const fromVariables: Record<string, unknown> = {};
  const entries = variables instanceof Map ? [...variables.entries()] : Object.entries(variables);
  for (const [key, value] of entries) {
    const name = key.startsWith("aws:config:") ? key.slice("aws:config:".length) : key;
    fromVariables[name] = value;
  }
  const fromArgs = isRecord(reveal(args)) ? (reveal(args) as Record<string, unknown>) : {};
  const pick = (key: string) => decoded(fromArgs[key] ?? fromVariables[key]);
  const ignoreTags = pick("ignoreTags");
  return {
    region: optionalString(pick("region")),
    profile: optionalString(pick("profile")),
    ignoreTags: isRecord(ignoreTags)
      ? { keys: stringList(decoded(ignoreTags["keys"])), keyPrefixes: stringList(decoded(ignoreTags["keyPrefixes"])) }
      : EMPTY_CONFIG.ignoreTags,
  };
}
