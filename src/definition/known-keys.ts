/**
 * The keys a definition may have at a key path, read from its zod schema, so an unknown key can be answered with
 * "did you mean …" as a mistyped flag is. Walks objects, the wrappers zod puts around them (optional, default, pipe,
 * …), unions (the keys of every branch) and arrays; anything else has no keys.
 */
import type { z } from "zod";

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional", "success"]);

export function knownKeysAt(schema: z.ZodType, at: readonly PropertyKey[]): string[] {
  const def: unknown = schema._zod.def;
  const field = (name: string): unknown => (typeof def === "object" && def !== null ? Reflect.get(def, name) : undefined);
  const type = field("type");
  if (type === "object") {
    const shape = field("shape") as Record<string, z.ZodType>;
    if (at.length === 0) return Object.keys(shape);
    const next = shape[String(at[0])];
    return next ? knownKeysAt(next, at.slice(1)) : [];
  }
  if (typeof type === "string" && WRAPPERS.has(type)) return knownKeysAt(field("innerType") as z.ZodType, at);
  if (type === "pipe") return knownKeysAt(field("in") as z.ZodType, at);
  if (type === "lazy") return knownKeysAt((field("getter") as () => z.ZodType)(), at);
  if (type === "union") return [...new Set((field("options") as z.ZodType[]).flatMap((o) => knownKeysAt(o, at)))];
  if (type === "intersection") return [...new Set([...knownKeysAt(field("left") as z.ZodType, at), ...knownKeysAt(field("right") as z.ZodType, at)])];
  if (type === "array" && typeof at[0] === "number") return knownKeysAt(field("element") as z.ZodType, at.slice(1));
  return [];
}
