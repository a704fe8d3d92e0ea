/** Durations written as `2d`, `48h`, `90m`, `1d12h` or `1h30m`. */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** Parses a duration into minutes; undefined when the text is not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === "") return undefined;
  const [, d = "0", h = "0", min = "0"] = m;
  const minutes = Number(d) * 1440 + Number(h) * 60 + Number(min);
  // `99999999999999999999d` is a number only approximately (or Infinity): not a duration anything can wait for.
  return minutes > 0 && Number.isSafeInteger(minutes) ? minutes : undefined;
}

/** Minutes as Pulumi's custom-timeout text (`2880m`), which every Pulumi provider accepts. */
export function pulumiTimeout(minutes: number): string {
  return `${minutes}m`;
}

/** The longest a restore may take, in minutes: `timeouts.create` (validated at load; 48 h, its default, otherwise). */
export function createTimeoutMinutes(timeouts: { readonly create: string }): number {
  return parseDuration(timeouts.create) ?? 2880;
}
