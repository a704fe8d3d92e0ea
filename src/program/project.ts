/** The Pulumi project every generation stack belongs to (see Pulumi.yaml). */
export const PROJECT = "rds-echo";
