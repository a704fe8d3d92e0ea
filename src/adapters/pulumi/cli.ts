/**
 * Finding (or, when asked, installing) the Pulumi CLI the Automation API drives. Done once per run, before the
 * engine's first call, so a missing CLI is an EnvironmentError with a fix, not a spawn failure deep in an update.
 */
import path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { EnvironmentError } from "../../errors.js";
import { cachedPulumiCommand, rememberPulumiVersion } from "./cli-version-cache.js";
import { CLI_NOT_FOUND, isCliMissing } from "./errors.js";
import { inOwnProcessGroup } from "./process.js";
import { LOCAL_DIR } from "./workspace.js";

/**
 * The oldest CLI rds-echo drives: inline programs for `refresh` and `destroy` need 3.181 (the SDK refuses them below
 * it); everything else used (`stack history --page-size`, `preview --config-file`, `destroy --preview-only`,
 * `config refresh`) is older.
 */
export const MINIMUM_PULUMI_CLI = "3.181.0";

/** How to get a CLI: from the `--install-pulumi` flag and the project directory. */
export interface EnsurePulumiCliOptions {
  /** Download the CLI into the project (`--install-pulumi`) when none is usable. */
  readonly install: boolean;
  /** The project directory; an installed CLI lives in `<root>/.rds-echo/pulumi`. */
  readonly root: string;
}

/** Where `--install-pulumi` puts the CLI (and where later runs look for it). */
export function installRoot(root: string): string {
  return path.resolve(root, LOCAL_DIR, "pulumi");
}

/**
 * A usable Pulumi CLI: the one on PATH, else one installed earlier into the project, else (with `install`) a fresh
 * install of the version matching the SDK. Without `install`, a missing CLI is an EnvironmentError saying what to do.
 * Pass the result to the engine as `pulumiCommand`.
 */
export async function ensurePulumiCli(options: EnsurePulumiCliOptions): Promise<PulumiCommand> {
  return inOwnProcessGroup(assertMinimumVersion(await findPulumiCli(options)));
}

/** Refuses a CLI older than MINIMUM_PULUMI_CLI, naming both versions; a development build (no version) is let through. */
export function assertMinimumVersion(command: PulumiCommand): PulumiCommand {
  const version = command.version;
  if (version !== null && version.compare(MINIMUM_PULUMI_CLI) < 0) {
    throw new EnvironmentError(
      `the Pulumi CLI at ${command.command} is v${version.version}; rds-echo needs v${MINIMUM_PULUMI_CLI} or newer ` +
        "(https://www.pulumi.com/docs/install/, or rerun with --install-pulumi)",
    );
  }
  return command;
}

/** Where the version of the CLI on PATH is remembered between runs (see cli-version-cache.ts). */
export function versionCacheFile(root: string): string {
  return path.resolve(root, LOCAL_DIR, "pulumi-version.json");
}

async function findPulumiCli(options: EnsurePulumiCliOptions): Promise<PulumiCommand> {
  const local = installRoot(options.root);
  const cacheFile = versionCacheFile(options.root);
  const cached = await cachedPulumiCommand(cacheFile);
  if (cached) return cached;
  let onPath: unknown;
  try {
    const found = await PulumiCommand.get();
    await rememberPulumiVersion(cacheFile, found);
    return found;
  } catch (error) {
    onPath = error;
  }
  try {
    return await PulumiCommand.get({ root: local });
  } catch {
    // Not installed into the project either: fall through.
  }
  if (!options.install) {
    if (isCliMissing(onPath)) throw new EnvironmentError(CLI_NOT_FOUND, { cause: onPath });
    // Found but unusable (e.g. too old); the SDK says why only in text, which we show, never branch on.
    const reason = onPath instanceof Error ? onPath.message.trim() : String(onPath);
    throw new EnvironmentError(
      `the Pulumi CLI on PATH cannot be used (${reason}); install a current one (https://www.pulumi.com/docs/install/) ` +
        "or rerun with --install-pulumi",
      { cause: onPath },
    );
  }
  try {
    return await PulumiCommand.install({ root: local });
  } catch (error) {
    const reason = error instanceof Error ? error.message.trim() : String(error);
    throw new EnvironmentError(
      `could not install the Pulumi CLI into ${local} (${reason}); install it yourself: https://www.pulumi.com/docs/install/`,
      { cause: error },
    );
  }
}
