/**
 * Turning yargs' parse failures into messages that say what to do: which echoes there are when none was named, which
 * flag was probably meant when one is unknown. yargs reports these only as text, so this is the one place that reads
 * its messages; it only adds to them, never hides them.
 */
import { readdirSync } from "node:fs";
import path from "node:path";

/** The improved message for a yargs failure. */
export function explainUsage(message: string, argv: readonly string[], knownFlags: readonly string[]): string {
  if (/^Not enough non-option arguments/.test(message) && argv.some((a) => !a.startsWith("-"))) {
    const echoes = echoesUnder(dirOf(argv));
    return echoes.length > 0
      ? `name an echo: ${echoes.join(", ")} (from ${path.join(path.resolve(dirOf(argv)), "stacks")})`
      : `name an echo; there are no definitions in ${path.join(path.resolve(dirOf(argv)), "stacks")} (\`rds-echo config <echo>\` writes one)`;
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1];
  if (unknown) {
    const hints = unknown
      .split(", ")
      .map((flag) => [flag, closest(flag, knownFlags)] as const)
      .filter(([, near]) => near !== undefined)
      .map(([flag, near]) => `--${flag}: did you mean --${near}?`);
    if (hints.length > 0) return `${message}; ${hints.join("; ")}`;
  }
  return message;
}

function dirOf(argv: readonly string[]): string {
  const at = argv.indexOf("--dir");
  const inline = argv.find((a) => a.startsWith("--dir="));
  return inline ? inline.slice("--dir=".length) : at >= 0 && argv[at + 1] ? argv[at + 1]! : ".";
}

function echoesUnder(dir: string): string[] {
  try {
    return readdirSync(path.join(dir, "stacks"))
      .filter((n) => n.endsWith(".yaml"))
      .map((n) => n.slice(0, -".yaml".length))
      .sort();
  } catch {
    return [];
  }
}

/** The known flag nearest to a mistyped one, if it is near enough to be a typo (at most 2 edits, or a prefix). */
export function closest(flag: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.startsWith(flag) && flag.length >= 3 ? 1 : editDistance(flag, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
