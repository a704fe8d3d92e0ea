/**
 * Tags as terraform-provider-aws handles them for resources with transparent tagging (`@Tags(identifierAttribute=…)`
 * on `ResourceInstance` in internal/service/rds/instance.go): internal/tags/key_value_tags.go `IgnoreAWS` (drop the
 * `aws:` system prefix) and `IgnoreConfig` (drop the provider's `ignore_tags` keys and key prefixes) on every read,
 * and `updateTags` (internal/service/rds/tags_gen.go) turning an old/new `tags_all` pair into one RemoveTags call for
 * removed keys and one AddTags call for new or changed ones. A tag under an ignored prefix is never in the state,
 * so it is never diffed and never removed: that is what lets rds-echo write approval tags out of band.
 */
import type { IgnoreTags } from "./config.js";

export type Tags = Readonly<Record<string, string>>;

/** `KeyValueTags.IgnoreAWS`: keys with the `aws:` prefix belong to AWS, never to a configuration. */
export function withoutAwsTags(tags: Tags): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith("aws:")));
}

export function isIgnored(key: string, ignore: IgnoreTags): boolean {
  return ignore.keys.includes(key) || ignore.keyPrefixes.some((prefix) => key.startsWith(prefix));
}

/** `KeyValueTags.IgnoreConfig` after `IgnoreAWS`: the tags a read puts in the state. */
export function managedTags(tags: Tags, ignore: IgnoreTags): Record<string, string> {
  return Object.fromEntries(Object.entries(withoutAwsTags(tags)).filter(([key]) => !isIgnored(key, ignore)));
}

export function tagsFromList(list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { Key, Value } of list ?? []) if (Key !== undefined) tags[Key] = Value ?? "";
  return tags;
}

export function tagsToList(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export interface TagChanges {
  /** Keys in the old `tags_all` and not in the new one (`KeyValueTags.Removed`). */
  readonly remove: string[];
  /** New or changed keys (`KeyValueTags.Updated`). */
  readonly upsert: Record<string, string>;
}

/** The calls `updateTags` makes for an old and a new `tags_all`; ignored and `aws:` keys are never touched. */
export function tagChanges(oldTags: Tags, newTags: Tags, ignore: IgnoreTags): TagChanges {
  const remove = Object.keys(oldTags).filter((key) => !(key in newTags) && !key.startsWith("aws:") && !isIgnored(key, ignore));
  const upsert = Object.fromEntries(
    Object.entries(newTags).filter(([key, value]) => oldTags[key] !== value && !key.startsWith("aws:") && !isIgnored(key, ignore)),
  );
  return { remove, upsert };
}

export function sameTags(a: Tags, b: Tags): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}
