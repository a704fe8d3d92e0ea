/** The tags rds-echo puts on every instance it creates; `echo:managed` is what lets it touch an instance at all. */
export const TAG_MANAGED = "echo:managed";
export const TAG_GENERATION = "echo:generation";
export const TAG_STAGE = "echo:stage";
