/**
 * Ctrl-C and SIGTERM. A Pulumi operation in flight is never abandoned: the first signal cancels it (the CLI gets one
 * SIGINT, finishes or rolls back the resource step it is in, writes its state and releases its lock) and the process
 * waits for that; a second signal quits at once. With nothing in flight (a wait for RDS, a prompt) there is nothing
 * to finish, and the process ends right away. Either way `rds-echo up` picks up where this run stopped.
 */

/** Exit codes for a run ended by a signal: the shell's convention, 128 + the signal's number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

const resume = (echo: string | undefined) => `rerun \`rds-echo up ${echo ?? "<echo>"}\` to resume: it finishes what this run began`;

export class Interrupt {
  readonly #controller = new AbortController();
  readonly #write: (text: string) => void;
  readonly #exit: (code: number) => void;
  #inFlight = 0;
  #received: HandledSignal | undefined;
  #echo: string | undefined;
  #quitting = false;
  #pinned = false;
  #cancelling = false;
  readonly #onQuit: (() => unknown)[] = [];
  /** Set by a fleet run (`deferExit`): told when a signal came and nothing is in flight, instead of exiting here. */
  #settled: ((signal: HandledSignal) => void) | undefined;
  /** Gives the hints' commands the run's flags (--sandbox, --dir): see ../cli/hints.ts. */
  #hint: (text: string) => string = (text) => text;
  /** Set by a command that handles the signals itself (`sandbox serve`): there is no run to resume. */
  #standingAside = false;

  constructor(write: (text: string) => void = (text) => process.stderr.write(text), exit: (code: number) => void = (code) => process.exit(code)) {
    this.#write = write;
    this.#exit = exit;
  }

  #say(text: string): void {
    this.#write(this.#hint(text));
  }

  /** Aborted on the first signal while an operation is in flight. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** How the hints' commands get the run's flags (the reporter's `hint`). */
  hintsWith(hint: (text: string) => string): void {
    this.#hint = hint;
  }

  /**
   * For a command that is no lifecycle run (`sandbox serve`) and ends itself on SIGINT and SIGTERM: this says nothing
   * and exits nothing, so the command's own ending is the only one (no "rerun up" hint: there is nothing to resume).
   */
  standAside(): void {
    this.#standingAside = true;
  }

  /** The echo this run works on, named in the hints (`rds-echo up <echo>`). */
  naming(echo: string): void {
    if (!this.#pinned) this.#echo = echo;
  }

  /**
   * For a run over many echoes (`up --all`): the hints name `what` (`--all`) whichever echo is opened, and on a
   * signal the process does not exit here; the promise resolves once a signal came and no Pulumi operation is in
   * flight any more, so the run can print its summary, then call `end`.
   */
  deferExit(what: string): Promise<HandledSignal> {
    this.#echo = what;
    this.#pinned = true;
    return new Promise((resolve) => (this.#settled = resolve));
  }

  /** Ends the process with the signal's exit code (after a deferred exit's summary). */
  end(): void {
    if (this.#received !== undefined) this.#exit(SIGNAL_EXIT_CODES[this.#received]);
  }

  /** Runs right before a second signal quits at once (ending the CLI processes still running); awaited, briefly. */
  onQuit(action: () => unknown): void {
    // Every echo of an `up --all` registers the same action: it runs once.
    if (!this.#onQuit.includes(action)) this.#onQuit.push(action);
  }

  /** The signal that interrupted this run, if one did. */
  get received(): HandledSignal | undefined {
    return this.#received;
  }

  /** Runs an operation that the first signal cancels and waits for, rather than abandons. */
  readonly track = async <T>(operation: () => Promise<T>): Promise<T> => {
    // After a signal nothing new begins: another echo of the run may reach its next operation while the one in
    // flight is being cancelled.
    if (this.#received !== undefined) throw new InterruptedError(this.#received);
    this.#inFlight++;
    try {
      return await operation();
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#received !== undefined) this.#settled?.(this.#received);
    }
  };

  /** What to do on a signal; `install` routes SIGINT and SIGTERM here. */
  readonly handle = (signal: HandledSignal): void => {
    if (this.#standingAside) return;
    const code = SIGNAL_EXIT_CODES[signal];
    if (this.#received !== undefined) {
      this.#quitting = true;
      const quitting = Promise.allSettled(this.#onQuit.map((action) => action()));
      this.#say(
        `\n${signal} again: quitting now, and the Pulumi CLI with it. What it had begun stays recorded as pending (a restore ` +
          `goes on in RDS and is adopted, not restored again); its lock is released by the next run on this host; ${resume(this.#echo)}.\n`,
      );
      void quitting.then(() => this.#exit(code));
      return;
    }
    this.#received = signal;
    if (this.#inFlight === 0) {
      this.#say(`\n${signal}: stopped; no Pulumi operation was in flight, so nothing is half done; ${resume(this.#echo)}.\n`);
      if (this.#settled) return this.#settled(signal);
      return this.#exit(code);
    }
    // The AWS provider cannot cancel a resource step under way (the bridge's Cancel does nothing): the engine waits
    // for it, and a restore's wait lasts as long as the restore.
    this.#say(
      `\n${signal}: cancelling the Pulumi operation in flight. A resource step already under way finishes first: a ` +
        "restore goes on in RDS, and rds-echo stops when the engine lets go (for a restore, when RDS has finished it); " +
        `\`rds-echo up ${this.#echo ?? "<echo>"}\` resumes. Signal again to quit now (the restore is then adopted by the next run)…\n`,
    );
    this.#cancelling = true;
    this.#controller.abort();
  };

  /** Whether the first signal found operations in flight, and so cancelled them (they may still be unwinding). */
  get cancelling(): boolean {
    return this.#cancelling;
  }

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
    if (this.#quitting) return `interrupted twice: the Pulumi CLI was ended, what it had begun is pending; ${resume(this.#echo)}`;
    return `interrupted by ${this.#received}: the Pulumi operation was cancelled and its lock released; ${resume(this.#echo)}`;
  }
}

/** An operation not begun because a signal had come. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  constructor(readonly signal: HandledSignal) {
    super(`not started: interrupted by ${signal}`);
  }
}

/** The process's one Interrupt: main installs it, the engine is given its signal, `run` reports it. */
export const interrupt = new Interrupt();
