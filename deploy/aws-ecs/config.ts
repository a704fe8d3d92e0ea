/**
 * The recipe's stack configuration (Pulumi.<stack>.yaml, `pulumi config set`), checked once into RecipeArgs: every
 * problem names the key to fix, before any resource is declared.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { driverPolicy } from "./policies.js";
import type { EchoTask, RecipeArgs } from "./recipe.js";

/** What `pulumi.Config` gives: a string or parsed-JSON value per key, undefined when unset. */
export type ConfigReader = (key: string) => unknown;

/** The keys whose values are lists or maps (`pulumi config set --path`), read with getObject; the rest are text. */
export const STRUCTURED_KEYS: ReadonlySet<string> = new Set(["echoes", "subnetIds", "securityGroupIds", "secretKeys", "environment"]);

const ECHO = /^[A-Za-z][A-Za-z0-9-]*$/;
const SECRET_KEY = /^[A-Z][A-Z0-9_]*$/;

export function recipeArgs(read: ConfigReader, region: string, baseDir: string): RecipeArgs {
  const str = (key: string, fallback?: string): string => {
    const value = read(key) ?? fallback;
    if (typeof value !== "string" || value.trim() === "") throw new Error(`config ${key}: required (${describe(key)})`);
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const value = read(key);
    if (value === undefined) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw new Error(`config ${key}: true or false, not ${JSON.stringify(value)}`);
  };
  const list = (key: string, fallback?: string[]): string[] => {
    const value = read(key) ?? fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) throw new Error(`config ${key}: a list of strings (${describe(key)})`);
    return value as string[];
  };

  const rawEchoes = read("echoes");
  if (typeof rawEchoes !== "object" || rawEchoes === null || Array.isArray(rawEchoes) || Object.keys(rawEchoes).length === 0) {
    throw new Error(`config echoes: required (${describe("echoes")})`);
  }
  const echoes: Record<string, EchoTask> = {};
  for (const [echo, raw] of Object.entries(rawEchoes as Record<string, unknown>)) {
    if (!ECHO.test(echo)) throw new Error(`config echoes.${echo}: not an echo name (letters, digits and hyphens, from a letter)`);
    const entry = (raw ?? {}) as { policyFile?: unknown; schedule?: unknown; promote?: unknown; retire?: unknown };
    if (typeof entry.policyFile !== "string") throw new Error(`config echoes.${echo}.policyFile: required, the file \`rds-echo policy ${echo}\` wrote`);
    const file = path.resolve(baseDir, entry.policyFile);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`config echoes.${echo}.policyFile: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    echoes[echo] = {
      policy: driverPolicy(echo, entry.policyFile, text),
      ...(typeof entry.schedule === "string" ? { schedule: entry.schedule } : {}),
      ...(typeof entry.promote === "boolean" ? { promote: entry.promote } : {}),
      ...(typeof entry.retire === "boolean" ? { retire: entry.retire } : {}),
    };
  }

  const secretKeys = list("secretKeys", ["MASTER_PASSWORD"]);
  const badKey = secretKeys.find((k) => !SECRET_KEY.test(k));
  if (badKey) throw new Error(`config secretKeys: ${badKey} is not a key in upper snake case (MASTER_PASSWORD, SLACK_WEBHOOK)`);
  const schedule = str("schedule", "cron(0 1 * * ? *)");
  if (!/^(cron|rate|at)\(.+\)$/.test(schedule)) throw new Error(`config schedule: ${schedule} is not an EventBridge Scheduler expression such as cron(0 1 * * ? *)`);
  const retention = Number(read("logRetentionDays") ?? 30);
  if (!Number.isInteger(retention) || retention < 1) throw new Error(`config logRetentionDays: ${String(read("logRetentionDays"))} is not a number of days`);
  const environment = read("environment");
  if (environment !== undefined && (typeof environment !== "object" || environment === null || Object.values(environment).some((v) => typeof v !== "string"))) {
    throw new Error("config environment: a map of variable names to strings");
  }

  return {
    name: str("name", "rds-echo"),
    region,
    image: str("image"),
    schedule,
    timeZone: str("timeZone", "Etc/UTC"),
    promote: bool("promote", true),
    retire: bool("retire", true),
    subnetIds: list("subnetIds"),
    securityGroupIds: list("securityGroupIds"),
    assignPublicIp: bool("assignPublicIp", false),
    echoes,
    secretKeys,
    passphrase: bool("passphrase", false),
    logRetentionDays: retention,
    ...(environment ? { environment: environment as Record<string, string> } : {}),
  };
}

function describe(key: string): string {
  switch (key) {
    case "image":
      return "the rds-echo image with your definitions baked in, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/rds-echo-definitions:1";
    case "subnetIds":
      return "private subnets that reach the AWS APIs (and the databases, for hooks)";
    case "securityGroupIds":
      return "security groups for the task's network interface";
    case "echoes":
      return 'e.g. { "development": { "policyFile": "policies/development.json" } }';
    default:
      return "see deploy/aws-ecs/README.md";
  }
}
