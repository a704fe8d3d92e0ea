/** Runs `rds-echo hooks`: definition, flags, secrets and hook files checked before any cloud call; then the step. */
import path from "node:path";
import { isGenerationOf } from "../../definition/identifiers.js";
import { loadDefinition, STACKS_DIR } from "../../definition/load.js";
import { UsageError } from "../../errors.js";
import { loadHookSet } from "../../hooks/load.js";
import { loadEchoState } from "../../lifecycle/echo-state.js";
import type { HooksArgs } from "../commands/hooks.js";
import type { CommandContext } from "../context.js";
import { openPorts, sandboxSpeed } from "./ports.js";
import { secretsFor } from "./secrets.js";

export async function runHooks(command: CommandContext, args: HooksArgs): Promise<number> {
  const definition = await loadDefinition(command.root, args.echo);
  if (args.generation !== undefined && !isGenerationOf(definition.echo, args.generation)) {
    throw new UsageError(`--generation "${args.generation}" is not a generation of ${definition.echo} (expected ${definition.echo}-<yyyymmdd>-<hhmm>)`);
  }
  const phase = args.beforePromote ? "beforePromote" : "afterRestore";
  if ((definition.hooks?.[phase].length ?? 0) === 0) throw new UsageError(`${definition.echo} has no hooks.${phase} in stacks/${definition.echo}.yaml`);
  if (args.sandbox) sandboxSpeed(process.env);
  const hooks = await loadHookSet(path.join(command.root, STACKS_DIR), definition);
  const secrets = secretsFor(definition, process.env, args.sandbox, (l) => command.reporter.warn(l));
  const { ports, close } = await openPorts(command, definition, { sandbox: args.sandbox, backend: args.backend, installPulumi: args.installPulumi });
  try {
    const ctx = { ports, definition, hooks, options: { yes: args.yes, force: false, secrets } };
    const lifecycle = await import("../../lifecycle/hooks.js");
    if (args.beforePromote) {
      const state = await loadEchoState(ports, definition);
      const generation = args.generation ? state.generations.find((g) => g.name === args.generation) : state.generations.filter((g) => g.instance).at(-1);
      if (!generation?.instance) throw new UsageError(`hooks --before-promote: ${args.generation ?? definition.echo} has no live generation`);
      const outcome = await lifecycle.runBeforePromote(ctx, generation, generation.instance);
      // Skipped is not passed: nothing was checked, and the output says so (the warning above said why).
      if (outcome.checks === "skipped") {
        command.reporter.data({ echo: definition.echo, generation: generation.name, beforePromote: "skipped", reason: outcome.why });
        command.reporter.text(`beforePromote checks SKIPPED on ${generation.name}: ${outcome.why}; nothing was checked`);
        return 0;
      }
      command.reporter.data({ echo: definition.echo, generation: generation.name, beforePromote: "passed" });
      command.reporter.text(`beforePromote checks passed on ${generation.name}`);
      return 0;
    }
    // The scrub marks the generation in its stack: like any other step, it runs only while this run holds the echo
    // (the state is read under the hold: another run may be moving the echo).
    const { whileHolding, busyDetail } = await import("../../lifecycle/hold.js");
    const held = await whileHolding(ctx, async () =>
      lifecycle.runAfterRestore(ctx, await loadEchoState(ports, definition), { ...(args.generation ? { generation: args.generation } : {}), rerun: args.rerun }),
    );
    const report = held.held ? held.value : { step: "busy", generation: "-", detail: busyDetail(held.holder) };
    command.reporter.data({ echo: definition.echo, steps: [report] });
    command.reporter.text(`${report.step.padEnd(8)} ${report.generation}  ${report.detail}`);
    return 0;
  } finally {
    await close();
  }
}
