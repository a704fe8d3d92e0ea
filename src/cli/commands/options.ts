/**
 * Flags shared by the lifecycle commands, declared once so every command spells and explains them the same way.
 * Each command module picks the ones that mean something for it.
 */
import type { Argv } from "yargs";
import type { GlobalArgs } from "../context.js";
import type { EngineFlags } from "../handlers/ports.js";

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
