/** The tags rds-echo puts on every instance it creates; `echo:managed` is what lets it touch an instance at all. */
export const TAG_MANAGED = "echo:managed";
export const TAG_GENERATION = "echo:generation";
export const TAG_STAGE = "echo:stage";
/** The snapshot the generation was restored from, so `status` can show it from one DescribeDBInstances page. */
export const TAG_SNAPSHOT = "echo:snapshot";
