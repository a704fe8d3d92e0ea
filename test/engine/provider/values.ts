/**
 * The wire forms of property values the engine hands a provider through `@pulumi/pulumi/provider` (which gives us
 * `Struct.toJavaScript()`, not deserialized Outputs): secrets arrive wrapped in a signature object, unknown values
 * (during preview) as a sentinel string. Everything here is about those forms, nothing about AWS.
 */

/** Pulumi's wire signature key and the secret's signature (sdk/nodejs/runtime/rpc.ts `specialSigKey`, `specialSecretSig`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The engine's unknown-value sentinel (sdk/nodejs/runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type PropertyBag = Record<string, unknown>;

export interface SecretValue {
  readonly [SIG_KEY]: typeof SECRET_SIG;
  readonly value: unknown;
}

export function isRecord(value: unknown): value is PropertyBag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecret(value: unknown): value is SecretValue {
  return isRecord(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value the real provider's schema marks `secret: true` (e.g. `password`), as the bridge does on output. */
export function secret(value: unknown): SecretValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** The plain value under any secret wrappers, deeply (AWS must get the password itself, not its wrapper). */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** True when the value is, or contains, the engine's unknown sentinel (an output not known during preview). */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isRecord(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** A copy of the bag with every secret revealed: what the AWS calls are built from. */
export function plainBag(bag: unknown): PropertyBag {
  const revealed = reveal(bag);
  return isRecord(revealed) ? revealed : {};
}

export function stringOf(bag: PropertyBag, key: string): string | undefined {
  const value = bag[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function numberOf(bag: PropertyBag, key: string): number | undefined {
  const value = bag[key];
  return typeof value === "number" ? value : undefined;
}

export function booleanOf(bag: PropertyBag, key: string): boolean | undefined {
  const value = bag[key];
  return typeof value === "boolean" ? value : undefined;
}

export function stringListOf(bag: PropertyBag, key: string): string[] | undefined {
  const value = bag[key];
  return Array.isArray(value) && value.every((v): v is string => typeof v === "string") ? value : undefined;
}

export function stringMapOf(bag: PropertyBag, key: string): Record<string, string> {
  const value = bag[key];
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Drops undefined fields, so outputs never carry keys the engine would store as null. */
export function defined<T extends PropertyBag>(bag: T): Partial<T> {
  return Object.fromEntries(Object.entries(bag).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
