/**
 * The migrated definition as YAML, through the `yaml` library's document model so each value carries a comment saying
 * where it came from: a scalar gets it at the end of its line, a section or list gets it on the line above its key.
 */
import { Document, isMap, isScalar, type Pair, type Scalar } from "yaml";
import type { Translation } from "./translate.js";

export function migratedYaml(translation: Translation, header: readonly string[]): string {
  const doc = new Document(translation.definition);
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  const byPath = new Map<string, string[]>();
  for (const { path, comment } of translation.provenance) {
    const key = path.join("\u0000");
    byPath.set(key, [...(byPath.get(key) ?? []), comment]);
  }
  for (const [key, comments] of byPath) {
    const path = key.split("\u0000");
    const text = comments.join("; ");
    const pair = pairAt(doc, path);
    if (!pair) throw new Error(`migrate: no ${path.join(".")} in the definition to comment on`);
    if (isScalar(pair.value)) (pair.value as Scalar).comment = ` ${text}`;
    else (pair.key as Scalar).commentBefore = ` ${text}`;
  }
  return doc.toString({ lineWidth: 0 });
}

/** The key/value pair at a path of nested maps. */
function pairAt(doc: Document, path: readonly string[]): Pair | undefined {
  let node: unknown = doc.contents;
  let found: Pair | undefined;
  for (const segment of path) {
    if (!isMap(node)) return undefined;
    found = node.items.find((item) => isScalar(item.key) && item.key.value === segment) as Pair | undefined;
    node = found?.value;
  }
  return found;
}
