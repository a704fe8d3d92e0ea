/**
 * Ctrl-C and SIGTERM. A Pulumi operation in flight is never abandoned: the first signal cancels it (the CLI gets one
 * SIGINT, finishes or rolls back the resource step it is in, writes its state and releases its lock) and the process
 * waits for that; a second signal quits at once. With nothing in flight (a wait for RDS, a prompt) there is nothing
 * to finish, and the process ends right away. Either way `rds-echo up` picks up where this run stopped.
 */

/** Exit codes for a run ended by a signal: the shell's convention, 128 + the signal's number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

const RESUME = "rerun `rds-echo up <echo>` to resume: it finishes what this run began";

export class Interrupt {
  readonly #controller = new AbortController();
  readonly #write: (text: string) => void;
  readonly #exit: (code: number) => void;
  #inFlight = 0;
  #received: HandledSignal | undefined;

  constructor(write: (text: string) => void = (text) => process.stderr.write(text), exit: (code: number) => void = (code) => process.exit(code)) {
    this.#write = write;
    this.#exit = exit;
  }

  /** Aborted on the first signal while an operation is in flight. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal that interrupted this run, if one did. */
  get received(): HandledSignal | undefined {
    return this.#received;
  }

  /** Runs an operation that the first signal cancels and waits for, rather than abandons. */
  readonly track = async <T>(operation: () => Promise<T>): Promise<T> => {
    this.#inFlight++;
    try {
      return await operation();
    } finally {
      this.#inFlight--;
    }
  };

  /** What to do on a signal; `install` routes SIGINT and SIGTERM here. */
  readonly handle = (signal: HandledSignal): void => {
    const code = SIGNAL_EXIT_CODES[signal];
    if (this.#received !== undefined) {
      this.#write(`\n${signal} again: quitting now. The Pulumi operation may be left unfinished (its lock too); ${RESUME}.\n`);
      return this.#exit(code);
    }
    this.#received = signal;
    if (this.#inFlight === 0) {
      this.#write(`\n${signal}: stopped; no Pulumi operation was in flight, so nothing is half done; ${RESUME}.\n`);
      return this.#exit(code);
    }
    this.#write(`\n${signal}: cancelling the Pulumi operation in flight and waiting for it to stop cleanly (signal again to quit now)…\n`);
    this.#controller.abort();
  };

  /** Routes SIGINT and SIGTERM to `handle`; returns the function that stops listening. */
  install(): () => void {
    const onInt = () => this.handle("SIGINT");
    const onTerm = () => this.handle("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    return () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  }

  /** The closing line for a run whose operation was cancelled by a signal. */
  cancelledMessage(): string {
    return `interrupted by ${this.#received}: the Pulumi operation was cancelled and its lock released; ${RESUME}`;
  }
}

/** The process's one Interrupt: main installs it, the engine is given its signal, `run` reports it. */
export const interrupt = new Interrupt();
