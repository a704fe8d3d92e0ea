/**
 * What the original rds-echo (github.com/blacklocus/rds-echo, Java, v0.1.10) called things: its property names
 * (EchoCfg.java), the tags it put on its instances (EchoConst.java) and the environment variable its launcher passed
 * to the JVM (src/main/bash/rdsecho.bash). Read from its source; nothing of it is copied.
 */
export const LEGACY_PREFIX = "rdsecho.";
/** `exec java ${RDS_ECHO_OPTS} -jar …`: its `-Dkey=value` words become system properties, which win over the file. */
export const LEGACY_OPTS_VARIABLE = "RDS_ECHO_OPTS";

export const P = {
  interactive: "rdsecho.interactive",
  name: "rdsecho.name",
  region: "rdsecho.region",
  accountNumber: "rdsecho.accountNumber",
  sourceInstance: "rdsecho.snapshot.dbInstanceIdentifier",
  engine: "rdsecho.new.engine",
  licenseModel: "rdsecho.new.licenseModel",
  instanceClass: "rdsecho.new.dbInstanceClass",
  multiAz: "rdsecho.new.multiAz",
  storageType: "rdsecho.new.storageType",
  iops: "rdsecho.new.iops",
  port: "rdsecho.new.port",
  optionGroup: "rdsecho.new.optionGroupName",
  autoMinorVersionUpgrade: "rdsecho.new.autoMinorVersionUpgrade",
  newTags: "rdsecho.new.tags",
  parameterGroup: "rdsecho.mod.dbParameterGroupName",
  securityGroups: "rdsecho.mod.dbSecurityGroups",
  backupRetention: "rdsecho.mod.backupRetentionPeriod",
  applyImmediately: "rdsecho.mod.applyImmediately",
  cname: "rdsecho.promote.cname",
  ttl: "rdsecho.promote.ttl",
  promoteTags: "rdsecho.promote.tags",
  skipFinalSnapshot: "rdsecho.retire.skipFinalSnapshot",
  finalSnapshot: "rdsecho.retire.finalDbSnapshotIdentifier",
} as const;

/** Every property the original read. */
export const KNOWN_PROPERTIES: ReadonlySet<string> = new Set(Object.values(P));

/** `rdsecho:<name>:managed` = `true` on every instance the original restored. */
export function legacyManagedTag(name: string): string {
  return `rdsecho:${name}:managed`;
}

/** `rdsecho:<name>:stage` = new | modified | rebooted | promoted | forgotten | retired. */
export function legacyStageTag(name: string): string {
  return `rdsecho:${name}:stage`;
}

/** The original's instance names: `<name>-yyyy-MM-dd` (UTC date of the restore). */
export const LEGACY_STAGES = ["new", "modified", "rebooted", "promoted", "forgotten", "retired"] as const;
export type LegacyStage = (typeof LEGACY_STAGES)[number];

/** The original's fixed guard: no new instance while the newest one is less than 24 hours old (EchoNew.java). */
export const LEGACY_GUARD_HOURS = 24;
