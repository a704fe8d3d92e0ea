/**
 * The generation program as the engine runs it: the stack's config (echo, stage, pinned snapshot, secrets) plus the
 * echo's definition file. Used both by the Pulumi CLI entry point and by the Automation API's inline program.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EchoDefinition } from "../definition/schema.js";
import { generationProgram, type GenerationOutputs } from "./generation.js";
import { pointInTimeOf } from "./restore-source.js";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "./stack-config.js";
import { isProgramStage } from "./stages.js";

export function programFromStackConfig(definition: EchoDefinition): GenerationOutputs {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const stage = config.require(CONFIG_KEYS.stage);
  if (!isProgramStage(stage)) throw new Error(`stack config ${CONFIG_NAMESPACE}:${CONFIG_KEYS.stage} is "${stage}", not a stage the program declares`);
  const secret = definition.modify.masterPassword?.secret;
  const zoneId = config.get(CONFIG_KEYS.zoneId);
  // Absent in stacks pinned before rds-echo recorded the snapshot's encryption: then nothing is declared, as before.
  const storageEncrypted = config.getBoolean(CONFIG_KEYS.storageEncrypted);
  const kmsKeyId = config.get(CONFIG_KEYS.kmsKeyId);
  const pointInTime = pointInTimeOf({ restoreTime: config.get(CONFIG_KEYS.restoreTime), sourceInstance: config.get(CONFIG_KEYS.sourceInstance) });
  const adopted = config.get(CONFIG_KEYS.adopted);
  const rolledBack = config.get(CONFIG_KEYS.rolledBack);
  const cloneOf = config.get(CONFIG_KEYS.cloneOf);
  const engine = config.get(CONFIG_KEYS.engine);
  return generationProgram({
    definition,
    generation: pulumi.getStack(),
    stage,
    snapshot: config.require(CONFIG_KEYS.snapshot),
    ...(zoneId ? { zoneId } : {}),
    ...(storageEncrypted !== undefined ? { storageEncrypted } : {}),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(pointInTime ? { pointInTime } : {}),
    ...(adopted ? { adopted } : {}),
    ...(rolledBack ? { rolledBack } : {}),
    ...(cloneOf ? { cloneOf } : {}),
    ...(engine ? { engine } : {}),
    // An adopted instance keeps the original's password (the program declares none for it), and its stack, made by
    // `migrate --adopt`, holds no secret: requiring one would fail every run of it.
    ...(secret && !adopted ? { masterPassword: config.requireSecret(secret) } : {}),
  });
}
