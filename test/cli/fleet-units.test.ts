/** The pieces of a fleet run: the default --parallel, the bounded pool, the exit-code order, a signal with many echoes. */
import { describe, expect, it } from "vitest";
import { defaultParallel, parseParallel, runBounded } from "../../src/cli/fleet/parallel.js";
import { resultOf, worstExitCode } from "../../src/cli/fleet/summary.js";
import { Interrupt, InterruptedError } from "../../src/cli/interrupt.js";
import { Reporter } from "../../src/cli/reporter.js";

const GiB = 1024 ** 3;

describe("--parallel", () => {
  it("defaults to half the memory at 1 GiB an echo, at least 1, at most 8; a container's limit counts over the host's", () => {
    expect(defaultParallel(1 * GiB, undefined)).toBe(1);
    expect(defaultParallel(4 * GiB, undefined)).toBe(2);
    expect(defaultParallel(16 * GiB, undefined)).toBe(8);
    expect(defaultParallel(256 * GiB, undefined)).toBe(8);
    expect(defaultParallel(64 * GiB, 3 * GiB)).toBe(1);
    expect(defaultParallel(64 * GiB, 0)).toBe(8);
  });

  it("accepts a whole number from 1 to 64, else exit 2", () => {
    expect(parseParallel(undefined)).toBeUndefined();
    expect(parseParallel(4)).toBe(4);
    for (const bad of [0, -1, 1.5, 65, Number.NaN, "x"]) expect(() => parseParallel(bad), String(bad)).toThrow(/from 1 to 64/);
  });

  it("runs at most `limit` at once, every item once, and starts none once told to stop", async () => {
    let now = 0;
    let most = 0;
    const seen: number[] = [];
    const results = await runBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      most = Math.max(most, ++now);
      await new Promise((resolve) => setTimeout(resolve, 5 * (item % 3)));
      now--;
      seen.push(item);
      return item * 10;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    let started = 0;
    const stopped = await runBounded([1, 2, 3, 4], 2, async () => ++started, () => started < 2);
    expect(stopped).toEqual([1, 2, undefined, undefined]);
  });
});

describe("the run's exit code and each echo's result", () => {
  it("is the worst of the echoes': a signal over 2 (a person must act) over 1 (a failure) over 0", () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([0, 1, 0])).toBe(1);
    expect(worstExitCode([1, 2, 1])).toBe(2);
    expect(worstExitCode([2, 143, 1])).toBe(143);
    expect(worstExitCode([0, 130])).toBe(130);
  });

  it("names what an echo did from its own document", () => {
    expect(resultOf("up", { steps: [], waiting: [] }).result).toBe("nothing to do");
    expect(resultOf("up", { steps: [], waiting: [{}] }).result).toBe("waiting");
    expect(resultOf("up", { steps: [{ step: "busy" }] }).result).toBe("busy");
    expect(resultOf("up", { steps: [{ step: "modify" }, { step: "reboot" }], waiting: [] })).toEqual({ steps: ["modify", "reboot"], result: "done" });
    expect(resultOf("preview", { step: "promote", waiting: [] })).toEqual({ steps: ["promote"], result: "would promote" });
  });
});

describe("a reporter for one echo of many", () => {
  it("prefixes every line, a many-line message's too, and gathers its document instead of printing it", () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (into: string[]) => ({ write: (s: string) => into.push(s) }) as unknown as NodeJS.WritableStream;
    const docs: unknown[] = [];
    const reporter = new Reporter({ json: true, quiet: false, out: sink(out), err: sink(err) }).forEcho("alpha | ", (d) => docs.push(d));
    reporter.note("one\ntwo");
    reporter.warn("careful");
    reporter.data({ echo: "alpha" });
    // Each call is one write of whole lines: lines of echoes side by side never mix.
    expect(err).toEqual(["alpha | one\nalpha | two\n", "alpha | warning: careful\n"]);
    expect(out).toEqual([]);
    expect(docs).toEqual([{ echo: "alpha" }]);
  });
});

describe("a signal with many echoes in flight", () => {
  function recording() {
    const said: string[] = [];
    const exits: number[] = [];
    return { interrupt: new Interrupt((text) => said.push(text), (code) => exits.push(code)), said, exits };
  }

  it("waits for every operation in flight, then hands the signal to the run (no exit) and ends only when told", async () => {
    const { interrupt, said, exits } = recording();
    const settled = interrupt.deferExit("--all");
    let releaseA!: () => void;
    let releaseB!: () => void;
    const a = interrupt.track(() => new Promise<void>((resolve) => (releaseA = resolve)));
    const b = interrupt.track(() => new Promise<void>((resolve) => (releaseB = resolve)));
    interrupt.handle("SIGINT");
    expect(said.join("")).toMatch(/cancelling the Pulumi operation in flight.*rds-echo up --all/s);
    let handed: string | undefined;
    void settled.then((s) => (handed = s));
    releaseA();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    expect(handed).toBeUndefined();
    releaseB();
    await b;
    await new Promise((resolve) => setImmediate(resolve));
    expect(handed).toBe("SIGINT");
    expect(exits).toEqual([]);
    // Nothing new begins after the signal: another echo reaching its next operation is refused it.
    await expect(interrupt.track(async () => "started")).rejects.toBeInstanceOf(InterruptedError);
    interrupt.naming("alpha");
    expect(interrupt.cancelledMessage()).toContain("rds-echo up --all");
    interrupt.end();
    expect(exits).toEqual([130]);
  });

  it("with nothing in flight, hands the signal over at once instead of exiting", async () => {
    const { interrupt, exits } = recording();
    const settled = interrupt.deferExit("--all");
    interrupt.handle("SIGTERM");
    await expect(settled).resolves.toBe("SIGTERM");
    expect(exits).toEqual([]);
    expect(interrupt.cancelling).toBe(false);
  });
});
