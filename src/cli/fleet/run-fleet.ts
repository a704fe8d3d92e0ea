/**
 * A command over every echo of `stacks/` in one process (`up --all`, `preview --all`): every definition loaded and
 * checked before any echo touches the cloud, then at most `parallel` echoes at once, each with its own ports and
 * notifications, its output lines prefixed with its name; one echo's failure or refusal never stops the others; a
 * summary at the end and the worst exit code. Each echo is the same session `up <echo>` opens (handlers/session.ts);
 * what this adds is the scheduling, the shared sandbox world, and what a signal does to a run of many.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { listEchoes, loadDefinition, noStacksDir } from "../../definition/load.js";
import type { EchoDefinition } from "../../definition/schema.js";
import { UsageError } from "../../errors.js";
import type { Prompt } from "../../ports.js";
import type { CommandContext } from "../context.js";
import type { EchoRequest, PreparedEcho } from "../handlers/session.js";
import type { EngineFlags, SharedPorts } from "../handlers/ports.js";
import { interrupt, SIGNAL_EXIT_CODES } from "../interrupt.js";
import { problemsOf } from "../reporter.js";
import { failureOf } from "../run.js";
import { runBounded } from "./parallel.js";
import { failedResult, printSummary, resultOf, type EchoOutcome } from "./summary.js";

export interface FleetPlan {
  readonly verb: "up" | "preview";
  /** The command line as the summary names it (`up --all --promote`). */
  readonly command: string;
  readonly parallel: number;
  readonly engine: EngineFlags;
  /** The request of one echo, as `<verb> <echo>` would make it. */
  readonly request: (echo: string) => EchoRequest;
  /** Runs one prepared echo through its session, printing through `command` (its own, prefixed). */
  readonly run: (command: CommandContext, prepared: PreparedEcho, shared: SharedPorts) => Promise<number>;
}

/** How long, after a signal, the echoes whose operations were cancelled get to end with their own report. */
const UNWIND_MS = 2_000;

/**
 * Echoes side by side cannot each ask on one terminal (the questions would mix, and one answer could be taken for
 * another echo's): a fleet's prompt never asks. `up --all` requires --yes for that reason, so it is never reached.
 */
const NEVER_ASKS: Prompt = { interactive: false, confirm: async () => false };

export async function runFleet(command: CommandContext, plan: FleetPlan): Promise<number> {
  const echoes = await listEchoes(command.root);
  if (echoes.length === 0) {
    throw existsSync(path.join(command.root, "stacks"))
      ? new UsageError(`--all: no definitions in ${path.join(command.root, "stacks")}; write one with \`rds-echo config <echo>\``)
      : noStacksDir(command.root);
  }
  const width = Math.max(...echoes.map((e) => e.length));
  const details = new Map<string, unknown>();
  const contexts = new Map(echoes.map((echo) => [echo, { root: command.root, reporter: command.reporter.forEcho(`${echo.padEnd(width)} | `, (value) => details.set(echo, value)) } satisfies CommandContext]));
  const outcomes = new Map<string, EchoOutcome>();
  const refuse = (echo: string, error: unknown, durationMs = 0, startedMs?: number) => {
    const { code, message } = failureOf(error);
    contexts.get(echo)!.reporter.problem(message);
    outcomes.set(echo, { echo, steps: [], result: failedResult(code), exitCode: code, ...(startedMs !== undefined ? { startedMs } : {}), durationMs, message, problems: problemsOf(error, message) });
  };

  // Every echo's input is checked before any echo's first cloud call (the house rule for bad input). A bad echo is
  // refused (exit 2) and never started; the others run, so one team's typo does not stop every other refresh.
  const prepared: PreparedEcho[] = [];
  const { prepareEcho, openPrepared } = await import("../handlers/session.js");
  for (const echo of echoes) {
    const started = Date.now();
    const context = contexts.get(echo)!;
    try {
      const definition: EchoDefinition = await loadDefinition(command.root, echo);
      prepared.push(await prepareEcho(context, definition, plan.request(echo)));
    } catch (error) {
      refuse(echo, error, Date.now() - started);
    }
  }

  const shared: SharedPorts = {
    prompt: NEVER_ASKS,
    ...(plan.engine.sandbox && prepared.length ? await sharedSandbox(command, prepared.map((p) => p.definition), plan.verb === "up") : {}),
  };
  const stopped = interrupt.deferExit("--all");
  const running = new Map<string, number>();
  const runStart = Date.now();
  const work = async (one: PreparedEcho): Promise<void> => {
    const echo = one.definition.echo;
    const context = contexts.get(echo)!;
    const started = Date.now();
    running.set(echo, started);
    try {
      const code = await plan.run(context, one, shared);
      outcomes.set(echo, { echo, ...resultOf(plan.verb, details.get(echo)), exitCode: code, startedMs: started - runStart, durationMs: Date.now() - started, detail: details.get(echo) });
    } catch (error) {
      if (interrupt.received !== undefined) outcomes.set(echo, { ...interrupted(echo, Date.now() - started, interrupt.cancelledMessage()), startedMs: started - runStart });
      else refuse(echo, error, Date.now() - started, started - runStart);
    } finally {
      running.delete(echo);
    }
  };
  const all = runBounded(prepared, plan.parallel, work, () => interrupt.received === undefined);
  const signal = await Promise.race([all.then(() => undefined), stopped]);
  if (signal !== undefined) {
    // The echo whose operation was just cancelled is still unwinding (its temporary files, its error): a moment for it.
    if (interrupt.cancelling) await Promise.race([all, new Promise((resolve) => setTimeout(resolve, UNWIND_MS).unref())]);
    // Nothing is in flight any more: an echo still running is in a wait (RDS, the clock), which stops with the
    // process, as a single echo's run does; what it began is resumed by the next run.
    const waiting = `stopped by ${signal} with no Pulumi operation of its own in flight, so nothing is half done; rerun \`rds-echo ${plan.verb} --all\` to go on`;
    for (const [echo, started] of running) if (!outcomes.has(echo)) outcomes.set(echo, { ...interrupted(echo, Date.now() - started, waiting), startedMs: started - runStart });
    for (const one of prepared) {
      const echo = one.definition.echo;
      if (!outcomes.has(echo)) outcomes.set(echo, { ...interrupted(echo, 0, `${signal} came first`), result: "not started" });
    }
  }
  // Saved only when something changed (a run that only looked must not write back the world it read); after a
  // signal only what the engine saved as it went stands. Either way the world's lock is given up.
  if (shared.sandboxFile && !(await shared.sandboxFile.close(signal === undefined ? shared.sandboxWorld : undefined))) {
    command.reporter.warn(`the sandbox changed while this run read it (another run); what this one saw was not written back to ${shared.sandboxFile.file}`);
  }
  const code = printSummary(command.reporter, plan.command, plan.parallel, echoes.map((echo) => outcomes.get(echo)!));
  // After a signal the waits still pending would keep the process alive: end it with the signal's code.
  if (signal !== undefined) interrupt.end();
  return code;
}

function interrupted(echo: string, durationMs: number, message: string): EchoOutcome {
  const signal = interrupt.received ?? "SIGINT";
  return { echo, steps: [], result: "interrupted", exitCode: SIGNAL_EXIT_CODES[signal], durationMs, message };
}

/**
 * The sandbox's one world and its one clock for every echo of the run. The world is seeded for every echo first (as
 * each echo's own run would seed it), so seeding alone saves nothing. A run that changes echoes (`up --all`) takes the
 * world's lock before reading it, for all of them: held by another run, every echo stands aside (`busy`).
 */
async function sharedSandbox(command: CommandContext, definitions: readonly EchoDefinition[], changes: boolean): Promise<Pick<SharedPorts, "sandboxWorld" | "sandboxClock" | "sandboxFile">> {
  const [{ WorldFile, SimClock }, { seed }, { sandboxSpeed }] = await Promise.all([
    import("../../adapters/sandbox/index.js"),
    import("../../adapters/sandbox/seed.js"),
    import("../handlers/ports.js"),
  ]);
  const file = new WorldFile(command.root, { onWarning: (m) => command.reporter.warn(m) });
  if (changes) await file.hold();
  const world = await file.load(definitions[0], new Date());
  for (const definition of definitions.slice(1)) seed(world, definition);
  file.baseline(world);
  return { sandboxWorld: world, sandboxFile: file, sandboxClock: new SimClock(world, sandboxSpeed(process.env)) };
}
