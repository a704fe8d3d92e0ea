/**
 * The one place output goes through. Commands describe what happened; the reporter decides how it is shown:
 * human text on stdout, progress and notes on stderr, or one JSON document with `--json` (and nothing else on stdout).
 */
import { stringify } from "yaml";

export interface ReporterOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly out?: NodeJS.WritableStream;
  readonly err?: NodeJS.WritableStream;
}

export class Reporter {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly #out: NodeJS.WritableStream;
  readonly #err: NodeJS.WritableStream;

  constructor(options: ReporterOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.#out = options.out ?? process.stdout;
    this.#err = options.err ?? process.stderr;
  }

  /** The command's main text result; suppressed in JSON mode (use `data`). */
  text(line = ""): void {
    if (!this.json) this.#out.write(`${line}\n`);
  }

  /** Progress and notes for a person: stderr, so pipes and `--json` stay clean; silent with `--quiet`. */
  note(line: string): void {
    if (!this.quiet) this.#err.write(`${line}\n`);
  }

  /** A line for a person that even `--quiet` shows (a diff about to be confirmed). */
  always(line: string): void {
    this.#err.write(`${line}\n`);
  }

  /** A warning: shown even with `--quiet`. */
  warn(line: string): void {
    this.#err.write(`warning: ${line}\n`);
  }

  /** The machine-readable result; written only in JSON mode. */
  data(value: unknown): void {
    if (this.json) this.#out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** An error, in the mode's format. */
  error(message: string, exitCode: number): void {
    if (this.json) this.#out.write(`${JSON.stringify({ error: message, exitCode }, null, 2)}\n`);
    else this.#err.write(`rds-echo: ${message}\n`);
  }
}

/** Indented YAML for nested values in human output. */
export function block(value: unknown, indent = 4): string {
  const pad = " ".repeat(indent);
  return stringify(value, { lineWidth: 0 })
    .trimEnd()
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}
