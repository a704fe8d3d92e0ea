/**
 * The CLI's output arrives in arbitrary chunks (a chunk may hold half a line or several lines); the reporter the CLI
 * owns wants whole lines. This joins and splits them.
 */
export class LineSplitter {
  #rest = "";

  constructor(private readonly emit: (line: string) => void) {}

  /** Pass as the Automation API's `onOutput`. */
  readonly write = (chunk: string): void => {
    const parts = (this.#rest + chunk).split(/\r?\n/);
    this.#rest = parts.pop() ?? "";
    for (const line of parts) this.emit(line);
  };

  /** Emits a last line that had no newline; call once the command has finished. */
  flush(): void {
    if (this.#rest === "") return;
    const line = this.#rest;
    this.#rest = "";
    this.emit(line);
  }
}

/** What an SDK operation takes to stream its output: `onOutput`, or nothing when no one listens. */
export type OutputOption = { onOutput?: (chunk: string) => void };

/** Runs a command with its output going to `sink` line by line (and nothing when there is no sink). */
export async function withOutputLines<T>(sink: ((line: string) => void) | undefined, run: (output: OutputOption) => Promise<T>): Promise<T> {
  if (sink === undefined) return run({});
  const lines = new LineSplitter(sink);
  try {
    return await run({ onOutput: lines.write });
  } finally {
    lines.flush();
  }
}
