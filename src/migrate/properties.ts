/**
 * Reading the original rds-echo's configuration the way it read it: Apache Commons Configuration 1.10's
 * `PropertiesConfiguration` (not plain `java.util.Properties`), layered under the JVM's system properties, which
 * its launcher filled from `-Dkey=value` words of the `RDS_ECHO_OPTS` environment variable
 * (`exec java ${RDS_ECHO_OPTS} -jar …`). Pure: text in, values out.
 *
 * Why no npm parser: the ones that exist follow `java.util.Properties`, which unescapes `\,` before we could see it;
 * Commons Configuration splits every value into a list at unescaped commas (and `getString` then returns the first
 * element), keeps all values of a repeated key, and interpolates `${key}`. Those differences change what the original
 * actually used, so the syntax is implemented here, with tests (test/migrate/properties.test.ts).
 */

/** One key's values, where they came from, and the line it started on (for messages). */
export interface PropertyEntry {
  readonly values: readonly string[];
  readonly source: "file" | "opts";
  readonly line?: number;
}

export type PropertyMap = ReadonlyMap<string, PropertyEntry>;

/**
 * Joins continuation lines (a line ending in an odd number of backslashes continues on the next one, whose leading
 * white space is dropped) and drops blank and comment lines (`#` or `!` first).
 */
function logicalLines(text: string): { text: string; line: number }[] {
  const physical = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const result: { text: string; line: number }[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let line = physical[i]!.replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (endsWithOddBackslashes(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i]!.replace(/^[ \t\f]+/, "");
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1);
    result.push({ text: line, line: start + 1 });
  }
  return result;
}

function endsWithOddBackslashes(line: string): boolean {
  const trailing = /\\*$/.exec(line)![0].length;
  return trailing % 2 === 1;
}

/** Splits `key<sep>value`: the first unescaped `=`, `:` or white space ends the key (white space around it is skipped). */
function splitKeyValue(line: string): { key: string; rawValue: string } {
  let i = 0;
  let key = "";
  while (i < line.length) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) {
      key += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "=" || c === ":" || c === " " || c === "\t" || c === "\f") break;
    key += c;
    i++;
  }
  while (i < line.length && /[ \t\f]/.test(line[i]!)) i++;
  if (i < line.length && (line[i] === "=" || line[i] === ":")) i++;
  while (i < line.length && /[ \t\f]/.test(line[i]!)) i++;
  return { key: unescape(key, false)[0]!, rawValue: line.slice(i) };
}

/**
 * Java escapes (`\t \n \r \f \\ \uXXXX`, any other `\x` is `x`). With `split`, unescaped commas separate list
 * elements (`\,` is a literal comma) and each element is trimmed, as Commons Configuration's list splitting does.
 */
function unescape(raw: string, split: boolean): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "," && split) {
      parts.push(current);
      current = "";
      continue;
    }
    if (c !== "\\" || i + 1 >= raw.length) {
      current += c;
      continue;
    }
    const next = raw[++i]!;
    if (next === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 1, i + 5))) {
      current += String.fromCharCode(parseInt(raw.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      current += ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[next] ?? next;
    }
  }
  parts.push(current);
  // GUESS: Commons Configuration 1.10 trims list elements; a value without commas is trimmed at its end here too
  // (a trailing blank after `true` is a typo nobody means), where java.util.Properties would keep it.
  return split ? parts.map((p) => p.trim()) : parts;
}

/** Parses properties text. A repeated key keeps every value in order (Commons Configuration adds, never replaces). */
export function parseProperties(text: string): Map<string, PropertyEntry> {
  const map = new Map<string, PropertyEntry>();
  for (const { text: line, line: number } of logicalLines(text)) {
    const { key, rawValue } = splitKeyValue(line);
    const values = unescape(rawValue, true);
    const existing = map.get(key);
    map.set(key, existing ? { ...existing, values: [...existing.values, ...values] } : { values, source: "file", line: number });
  }
  return map;
}

/**
 * The system properties an `RDS_ECHO_OPTS` value sets: its `-Dkey=value` words (`-Dkey` alone is the empty string).
 * The launcher expands the variable unquoted, so the shell splits it at white space and quotes inside it are kept as
 * characters; other words (`-Xmx512m`) are JVM options and do not matter here.
 */
export function parseJavaOpts(opts: string): Map<string, PropertyEntry> {
  const map = new Map<string, PropertyEntry>();
  for (const word of opts.split(/[ \t\n]+/)) {
    if (!word.startsWith("-D") || word.length <= 2) continue;
    const eq = word.indexOf("=");
    const key = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const value = eq < 0 ? "" : word.slice(eq + 1);
    // System properties go through the same list splitting as the file (Commons Configuration's MapConfiguration).
    map.set(key, { values: unescape(value, true), source: "opts" });
  }
  return map;
}

/** System properties first, as the original's CompositeConfiguration consulted them: `-D` overrides the file. */
export function layered(opts: PropertyMap, file: PropertyMap): Map<string, PropertyEntry> {
  const merged = new Map(file);
  for (const [key, entry] of opts) merged.set(key, entry);
  return merged;
}

/**
 * Commons Configuration's `${key}` interpolation (also `${env:NAME}`): a reference to an unknown key stays as written,
 * and a cycle stops at the first repeat.
 */
export function interpolate(value: string, properties: PropertyMap, env: NodeJS.ProcessEnv, seen: ReadonlySet<string> = new Set()): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name.startsWith("env:")) return env[name.slice(4)] ?? whole;
    const entry = properties.get(name);
    if (!entry || seen.has(name) || entry.values[0] === undefined) return whole;
    return interpolate(entry.values[0], properties, env, new Set([...seen, name]));
  });
}

/** `getBoolean`: Commons Lang's `toBooleanObject` words; undefined when the value is none of them. */
export function javaBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (["true", "yes", "on", "y", "t"].includes(v)) return true;
  if (["false", "no", "off", "n", "f"].includes(v)) return false;
  return undefined;
}

/** `getInteger`: decimal, or hexadecimal with `0x`; undefined when it is not a 32-bit integer. */
export function javaInteger(value: string): number | undefined {
  const v = value.trim();
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : /^0x[0-9a-f]+$/i.test(v) ? parseInt(v.slice(2), 16) : NaN;
  return Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}
