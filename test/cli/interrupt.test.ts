import { describe, expect, it } from "vitest";
import { Interrupt } from "../../src/cli/interrupt.js";

function recording() {
  const said: string[] = [];
  const exits: number[] = [];
  const interrupt = new Interrupt((text) => said.push(text), (code) => exits.push(code));
  return { interrupt, said, exits };
}

describe("Interrupt (Ctrl-C and SIGTERM)", () => {
  it("with nothing in flight, says nothing is half done and exits at once with 130 (SIGINT) or 143 (SIGTERM)", () => {
    const a = recording();
    a.interrupt.handle("SIGINT");
    expect(a.exits).toEqual([130]);
    expect(a.said.join("")).toMatch(/no Pulumi operation was in flight.*rds-echo up/s);
    const b = recording();
    b.interrupt.handle("SIGTERM");
    expect(b.exits).toEqual([143]);
  });

  it("with an operation in flight, cancels it and waits; a second signal quits now", async () => {
    const { interrupt, said, exits } = recording();
    let release!: () => void;
    const operation = interrupt.track(() => new Promise<void>((resolve) => (release = resolve)));
    interrupt.handle("SIGTERM");
    expect(interrupt.signal.aborted).toBe(true);
    expect(exits).toEqual([]);
    expect(said.join("")).toMatch(/cancelling the Pulumi operation in flight/);
    expect(interrupt.received).toBe("SIGTERM");
    expect(interrupt.cancelledMessage()).toMatch(/interrupted by SIGTERM.*lock released.*rds-echo up/);
    // The code of the signal that made it quit.
    interrupt.handle("SIGINT");
    expect(exits).toEqual([130]);
    release();
    await operation;
  });
});
