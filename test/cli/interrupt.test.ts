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
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([130]);
    release();
    await operation;
  });

  it("says what a restore in flight means (it goes on in RDS; the engine waits for it), names the echo, and ends the CLI on a second signal", async () => {
    const { interrupt, said, exits } = recording();
    const quits: string[] = [];
    interrupt.naming("development");
    let reaped!: () => void;
    interrupt.onQuit(() => {
      quits.push("killed the CLI");
      return new Promise<void>((resolve) => (reaped = resolve));
    });
    let release!: () => void;
    const operation = interrupt.track(() => new Promise<void>((resolve) => (release = resolve)));
    interrupt.handle("SIGINT");
    expect(said.join("")).toMatch(/a restore goes on in RDS, and rds-echo stops when the engine lets go.*`rds-echo up development` resumes/s);
    expect(quits).toEqual([]);
    interrupt.handle("SIGINT");
    expect(quits).toEqual(["killed the CLI"]);
    // It leaves only once what it killed is gone.
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    reaped();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([130]);
    expect(said.join("")).toMatch(/quitting now, and the Pulumi CLI with it.*pending.*adopted, not restored again.*rds-echo up development/s);
    release();
    await operation;
  });
});

describe("killRunningClis", () => {
  it("ends every CLI process group still running, and only those", async () => {
    const { killRunningClis, runCli } = await import("../../src/adapters/pulumi/process.js");
    const done = await runCli("/bin/sh", ["-c", "exit 0"], { cwd: process.cwd(), env: {} });
    expect(done.code).toBe(0);
    const running = runCli("/bin/sh", ["-c", "sleep 30 & wait"], { cwd: process.cwd(), env: {} });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    expect(await killRunningClis()).toBe(1);
    const result = await running;
    expect(result.code).toBe(-1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await killRunningClis()).toBe(0);
  });
});
