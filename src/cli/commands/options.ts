/**
 * Flags shared by the lifecycle commands, declared once so every command spells and explains them the same way.
 * Each command module picks the ones that mean something for it.
 */
import path from "node:path";
import type { Argv } from "yargs";
import type { GlobalArgs } from "../context.js";
import { UsageError } from "../../errors.js";
import type { EngineFlags } from "../handlers/ports.js";
import { defaultParallel, MAX_PARALLEL, parseParallel } from "../fleet/parallel.js";

/** What every command that talks to the engine, RDS and Route 53 (real or sandbox) accepts. */
export interface EngineArgs extends GlobalArgs {
  sandbox: boolean;
  backend?: string;
  installPulumi: boolean;
}

/** `--yes` for commands that change something. */
export interface ConfirmArgs {
  yes: boolean;
}

export function engineOptions<T extends GlobalArgs>(y: Argv<T>): Argv<T & EngineArgs> {
  return y
    .option("sandbox", { type: "boolean", default: false, describe: "use the offline sandbox (.rds-echo/sandbox.json) instead of AWS and Pulumi" })
    .option("backend", { type: "string", describe: "Pulumi backend URL (default: PULUMI_BACKEND_URL, else file://.rds-echo/state)" })
    .option("install-pulumi", { type: "boolean", default: false, describe: "install the Pulumi CLI under .rds-echo/pulumi when it is missing" }) as unknown as Argv<T & EngineArgs>;
}

/** The echo positional plus the engine flags: what every lifecycle command starts from. */
export function echoCommandOptions<T extends GlobalArgs>(y: Argv<T>, optional = false): Argv<T & EngineArgs & { echo: string }> {
  const withEcho = y.positional("echo", { type: "string", ...(optional ? {} : { demandOption: true }), describe: "echo name (stacks/<echo>.yaml)" });
  return engineOptions(withEcho as unknown as Argv<T>) as unknown as Argv<T & EngineArgs & { echo: string }>;
}

export function confirmOptions<T>(y: Argv<T>): Argv<T & ConfirmArgs> {
  return y.option("yes", { alias: "y", type: "boolean", default: false, describe: "do not ask (required without a TTY)" }) as unknown as Argv<T & ConfirmArgs>;
}

/** `--promote` and `--retire`: what `up` may go on to do, and so what `preview` considers. */
export function upOptions<T>(y: Argv<T>, prefix: string): Argv<T & { promote: boolean; retire: boolean }> {
  return y
    .option("promote", { type: "boolean", default: false, describe: `${prefix}promote a rebooted generation` })
    .option("retire", { type: "boolean", default: false, describe: `${prefix}retire forgotten generations beyond retire.keep` }) as unknown as Argv<
    T & { promote: boolean; retire: boolean }
  >;
}

export function engineFlags(args: EngineArgs): EngineFlags {
  return { sandbox: args.sandbox, backend: args.backend, installPulumi: args.installPulumi };
}

/** `--all` and `--parallel`: a command over every echo of stacks/ (`up`, `preview`). */
export interface FleetArgs {
  echo?: string;
  all: boolean;
  parallel?: number;
}

export function fleetOptions<T>(y: Argv<T>): Argv<T & FleetArgs> {
  return y
    .option("all", { type: "boolean", default: false, describe: "every echo in stacks/, in one process (not with an echo)" })
    .option("parallel", {
      type: "number",
      describe: `with --all: echoes at once, 1 to ${MAX_PARALLEL} (default: half the memory at 1 GiB per echo, at most 8; ${defaultParallel()} here)`,
    }) as unknown as Argv<T & FleetArgs>;
}

/** One echo, or every echo: exactly one of them, checked before anything else (exit 2). */
export type FleetRequest = { readonly kind: "one"; readonly echo: string } | { readonly kind: "all"; readonly parallel: number };

export async function fleetRequest(verb: "up" | "preview", args: FleetArgs & GlobalArgs & { yes?: boolean }): Promise<FleetRequest> {
  if (args.all && args.echo !== undefined) throw new UsageError(`${verb}: name an echo or give --all, not both (got "${args.echo}" and --all)`);
  if (!args.all && args.echo === undefined) {
    const { listEchoes } = await import("../../definition/load.js");
    const stacks = path.join(path.resolve(args.dir), "stacks");
    const echoes = await listEchoes(path.resolve(args.dir)).catch(() => []);
    throw new UsageError(
      echoes.length > 0
        ? `${verb}: name an echo: ${echoes.join(", ")} (from ${stacks}), or give --all for every one of them`
        : `${verb}: name an echo, or give --all; there are no definitions in ${stacks} (\`rds-echo config <echo>\` writes one)`,
    );
  }
  const parallel = parseParallel(args.parallel);
  if (!args.all) {
    if (parallel !== undefined) throw new UsageError(`${verb}: --parallel goes with --all (one echo runs alone)`);
    return { kind: "one", echo: args.echo! };
  }
  // A confirmation cannot be asked for several echoes at once on one terminal (the questions and answers would mix),
  // and answering one echo at a time would hold every other echo up: --all changes nothing without --yes.
  if (verb === "up" && args.yes === false) {
    throw new UsageError("up --all needs --yes: echoes run side by side and cannot each ask for confirmation; see what it would do with `rds-echo preview --all`");
  }
  return { kind: "all", parallel: parallel ?? defaultParallel() };
}
