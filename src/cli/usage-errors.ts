/**
 * Turning yargs' parse failures into messages that say what to do: which echoes there are when none was named, which
 * flag was probably meant when one is unknown. yargs reports these only as text, so this is the one place that reads
 * its messages; it only adds to them, never hides them.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { closest } from "../definition/nearest.js";


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
      // A flag other commands have (`--sandbox` on `sandbox advance`) is no typo: it is not one of this command's.
      .map(([flag, near]) => (near === flag ? `--${flag} is not an option of this command` : `--${flag}: did you mean --${near}?`));
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

/**
 * A value that looks like a short flag: `sandbox advance -5h`, `--expires -1d`. yargs takes `-5h` for the flags `-5`
 * and `-h` (help, exit 0: the command silently did nothing) and `-1d` for flags too, so they are refused before it
 * parses (exit 2). No value of rds-echo is negative: durations, counts and ports all count up from 0.
 */
export function negativeValueProblem(argv: readonly string[]): string | undefined {
  const at = argv.findIndex((a) => /^-\d/.test(a));
  if (at < 0) return undefined;
  const value = argv[at]!;
  const flag = at > 0 && argv[at - 1]!.startsWith("--") ? `${argv[at - 1]} ` : "";
  return `${flag}${value}: no value of rds-echo is negative (durations, counts and ports count up from 0); did you mean ${flag}${value.slice(1)}?`;
}
