/**
 * The timeouts and attempts of every AWS call, from the environment (defaults in adapters/aws/call-settings.ts),
 * parsed once here: a bad value is exit 2 before any cloud call, naming the variable and what it takes.
 */
import { DEFAULT_AWS_CALL_SETTINGS, type AwsCallSettings } from "../../adapters/aws/call-settings.js";
import { UsageError } from "../../errors.js";

export const CONNECT_TIMEOUT_ENV = "RDS_ECHO_AWS_CONNECT_TIMEOUT";
export const REQUEST_TIMEOUT_ENV = "RDS_ECHO_AWS_REQUEST_TIMEOUT";
export const MAX_ATTEMPTS_ENV = "RDS_ECHO_AWS_MAX_ATTEMPTS";

/** `250ms`, `3s`, `2m`, or a bare number of seconds (`10`, `1.5`). */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
/** A timeout shorter than this cannot reach any AWS endpoint; longer than this is no timeout. */
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 10 * 60_000;
const MAX_ATTEMPTS = 20;

export function awsCallSettingsFrom(env: NodeJS.ProcessEnv): AwsCallSettings {
  const connectTimeoutMs = timeoutFrom(env, CONNECT_TIMEOUT_ENV) ?? DEFAULT_AWS_CALL_SETTINGS.connectTimeoutMs;
  const requestTimeoutMs = timeoutFrom(env, REQUEST_TIMEOUT_ENV) ?? DEFAULT_AWS_CALL_SETTINGS.requestTimeoutMs;
  const maxAttempts = attemptsFrom(env) ?? DEFAULT_AWS_CALL_SETTINGS.maxAttempts;
  return { connectTimeoutMs, requestTimeoutMs, maxAttempts };
}

function timeoutFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === "") return undefined;
  const m = DURATION.exec(text);
  const ms = m ? Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1_000) : Number.NaN;
  if (!Number.isFinite(ms) || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw new UsageError(`${name} must be a duration from 100ms to 10m, like 250ms, 5s or 2m (a bare number is seconds); got "${text}"`);
  }
  return Math.round(ms);
}

function attemptsFrom(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[MAX_ATTEMPTS_ENV]?.trim();
  if (text === undefined || text === "") return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ATTEMPTS) {
    throw new UsageError(`${MAX_ATTEMPTS_ENV} must be a whole number of attempts from 1 (no retry) to ${MAX_ATTEMPTS}; got "${text}"`);
  }
  return n;
}
