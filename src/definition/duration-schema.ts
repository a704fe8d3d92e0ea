/** The definition's durations as zod schemas (the parsing itself is in duration.ts, which loads no zod). */
import { z } from "zod";
import { parseDuration } from "./duration.js";

export const duration = z.string().superRefine((v, ctx) => {
  if (parseDuration(v) === undefined) ctx.addIssue({ code: "custom", message: 'must be a duration such as "48h", "90m", "2d" or "1d12h"' });
});

/**
 * The longest Pulumi custom timeout (and wait for a restore) accepted: the longest restores measured take about a day
 * and a half, so a month bounds typos, not real restores; beyond it `99999…d` would reach the provider as a number
 * Go's duration parser overflows on, and the driver's own deadline would mean nothing.
 */
export const MAX_RESOURCE_TIMEOUT_MINUTES = 30 * 1440;

export const resourceTimeout = duration.refine((v) => (parseDuration(v) ?? 0) <= MAX_RESOURCE_TIMEOUT_MINUTES, {
  message: "must be from 1m to 30d (a restore that takes longer than a month is not waited for)",
});
