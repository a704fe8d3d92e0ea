/**
 * The one place output goes through. Commands describe what happened; the reporter decides how it is shown:
 * human text on stdout, progress and notes on stderr, or one JSON document with `--json` (and nothing else on stdout).
 */
import { stringify } from "yaml";
import { DefinitionError, PreflightError } from "../errors.js";
import { hintRewriter, withRunFlags } from "./hints.js";

export interface ReporterOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  /** `--dir` as given: commands suggested in messages (`rds-echo …` in backquotes) get it, so they work as printed. */
  readonly dir?: string;
  /** `--sandbox`: suggested commands get it too, so a pasted hint never acts on real AWS. */
  readonly sandbox?: boolean;
  readonly out?: NodeJS.WritableStream;
  readonly err?: NodeJS.WritableStream;
  /**
   * Put before every line written (`alpha | `): echoes run side by side in one process (`up --all`) each get their
   * own. Each line goes out in one write, so lines of parallel echoes never mix mid-line.
   */
  readonly prefix?: string;
  /** Receives `data` instead of stdout: a fleet run gathers each echo's document into its one summary. */
  readonly collect?: (value: unknown) => void;
}

export class Reporter {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly #out: NodeJS.WritableStream;
  readonly #err: NodeJS.WritableStream;

  readonly #hint: ((command: string) => string) | undefined;
  readonly #options: ReporterOptions;
  readonly #prefix: string;

  constructor(options: ReporterOptions) {
    this.#options = options;
    this.json = options.json;
    this.quiet = options.quiet;
    this.#out = options.out ?? process.stdout;
    this.#err = options.err ?? process.stderr;
    this.#prefix = options.prefix ?? "";
    this.#hint = hintRewriter({ dir: options.dir, sandbox: options.sandbox });
  }

  /** The same reporter for one echo of a fleet run: its lines prefixed, its document handed to `collect`. */
  forEcho(prefix: string, collect: (value: unknown) => void): Reporter {
    return new Reporter({ ...this.#options, prefix: this.#prefix + prefix, collect });
  }

  /** The command's main text result; suppressed in JSON mode (use `data`). */
  text(line = ""): void {
    if (!this.json) this.#out.write(this.#lines(this.hint(line)));
  }

  /** Progress and notes for a person: stderr, so pipes and `--json` stay clean; silent with `--quiet`. */
  note(line: string): void {
    if (!this.quiet) this.#err.write(this.#lines(this.hint(line)));
  }

  /** A line for a person that even `--quiet` shows (a diff about to be confirmed). */
  always(line: string): void {
    this.#err.write(this.#lines(line));
  }

  /** A warning: shown even with `--quiet`. */
  warn(line: string): void {
    this.#err.write(this.#lines(`warning: ${this.hint(line)}`));
  }

  /** The machine-readable result; written only in JSON mode (or handed to `collect`, in any mode). */
  data(value: unknown): void {
    if (this.#options.collect) this.#options.collect(value);
    else if (this.json) this.#out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * An error, in the mode's format. With --json: `{ error, exitCode, problems }`, where `problems` lists each
   * problem apart (`file`, `path`, `line` where known, `message`): a definition's every issue, or the one message.
   */
  error(message: string, exitCode: number, cause?: unknown): void {
    const text = this.hint(message);
    if (this.json) this.#out.write(`${JSON.stringify({ error: text, exitCode, problems: problemsOf(cause, text) }, null, 2)}\n`);
    else this.#err.write(this.#lines(`rds-echo: ${text}`));
  }

  /** A problem that does not end the command (one bad definition among several): stderr, like an error. */
  problem(message: string): void {
    this.#err.write(this.#lines(`rds-echo: ${this.hint(message)}`));
  }

  /** The text as whole lines, each prefixed, in one string: written in one call, so never split by another's. */
  #lines(text: string): string {
    if (!this.#prefix) return `${text}\n`;
    return `${text.split("\n").map((l) => this.#prefix + l).join("\n")}\n`;
  }

  /** The line with its suggested commands given this run's --dir and --sandbox (see hints.ts). */
  hint(line: string): string {
    return withRunFlags(line, this.#hint);
  }

}

export interface Problem {
  readonly file?: string;
  readonly path?: string;
  readonly line?: number;
  readonly message: string;
}

/** The problems of an error, one per issue of a definition error or item of the preflight, else its one message. */
export function problemsOf(cause: unknown, message = cause instanceof Error ? cause.message : String(cause)): Problem[] {
  if (cause instanceof PreflightError) return cause.items.map((item) => ({ message: item }));
  if (cause instanceof DefinitionError) {
    return cause.issues.map((i) => ({ file: cause.file, path: i.key ?? i.path, ...(i.line !== undefined ? { line: i.line } : {}), message: i.message }));
  }
  return [{ message }];
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
