/** The tags rds-echo puts on every instance it creates; `echo:managed` is what lets it touch an instance at all. */
export const TAG_MANAGED = "echo:managed";
export const TAG_GENERATION = "echo:generation";
export const TAG_STAGE = "echo:stage";
/** The snapshot the generation was restored from, so `status` can show it from one DescribeDBInstances page. */
export const TAG_SNAPSHOT = "echo:snapshot";
/**
 * Tags written outside the program: approval requests (by rds-echo), decisions (by clicked links), when rds-echo
 * first saw a decision, and the scrub mark (by the hooks step). The AWS provider is told to ignore them, so no update ever removes them.
 */
export const OUT_OF_BAND_TAG_PREFIXES = ["echo:approval:", "echo:request:", "echo:seen:", "echo:scrubbed"] as const;
/** The digest of the afterRestore hooks that all succeeded on this generation (mirrors its stack's `scrubbed` mark). */
export const TAG_SCRUBBED = "echo:scrubbed";
