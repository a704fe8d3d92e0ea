/**
 * Where the Automation API workspace lives and what it runs with: the backend URL, the directory for the stack
 * config files, the environment, and the passphrase check that must pass before any Pulumi call. Pure, so the
 * choices are unit-tested without a CLI.
 */
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { EnvironmentError } from "../../errors.js";
import { cliSafeEnv } from "./cli-env.js";
import { fileBackendDir } from "./locks.js";

/** The project-local directory rds-echo owns (git-ignored). */
export const LOCAL_DIR = ".rds-echo";

/** The default secrets provider: a passphrase from the environment, so no cloud key service is needed. */
export const DEFAULT_SECRETS_PROVIDER = "passphrase";

/** The backend a run uses, and whether rds-echo owns (and so creates) its directory. */
export interface BackendChoice {
  readonly url: string;
  /** The directory of the embedded default file backend, to create before first use; absent for other backends. */
  readonly stateDir?: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * The backend: the explicit option, else `PULUMI_BACKEND_URL`, else the embedded `file://<root>/.rds-echo/state`.
 * The file URL carries the absolute path with forward slashes, the form `pulumi login file://…` documents.
 */
export function chooseBackend(root: string, backendUrl: string | undefined, env: NodeJS.ProcessEnv): BackendChoice {
  const chosen = nonEmpty(backendUrl) ?? nonEmpty(env["PULUMI_BACKEND_URL"]);
  if (chosen !== undefined) return { url: chosen };
  const stateDir = path.resolve(root, LOCAL_DIR, "state");
  return { url: `file://${stateDir.split(path.sep).join("/")}`, stateDir };
}

/**
 * Refuses a `file://` backend (chosen by flag or PULUMI_BACKEND_URL) whose directory does not exist. The CLI would
 * fail with "unable to open bucket"; creating it instead would make a typo in the path look like a backend without
 * generations, and `up` would start the echo over. The embedded default is rds-echo's own and is created.
 */
export async function assertBackendExists(backend: BackendChoice): Promise<void> {
  if (backend.stateDir !== undefined) return;
  const dir = fileBackendDir(backend.url);
  if (dir === undefined) return;
  try {
    await access(dir);
  } catch {
    throw new EnvironmentError(`the Pulumi backend ${backend.url} does not exist: create ${dir} (mkdir -p) or fix --backend / PULUMI_BACKEND_URL`);
  }
}

/**
 * The workspace directory is the project root itself: its `Pulumi.yaml` and one `Pulumi.<generation>.yaml` per
 * generation, so the plain CLI works on a generation from the root (`pulumi preview -s <generation>`), as Pulumi's
 * own projects do.
 */
export function workspaceDir(root: string): string {
  return path.resolve(root);
}

/** The project settings the workspace writes when the root has no `Pulumi.yaml` (an inline program needs no `main`). */
export interface GeneratedProject {
  readonly name: string;
  readonly runtime: "nodejs";
}

/**
 * Checks the root's `Pulumi.yaml` before the CLI sees it, and returns the settings to write when there is none.
 * The CLI checks that `main` exists even for inline programs and would fail mid-command with a bare "no such file";
 * a `Pulumi.yaml` of another project would put rds-echo's stacks in that project. Both are refused here, with a fix.
 */
export async function projectFileCheck(workDir: string, project: string): Promise<GeneratedProject | undefined> {
  const file = path.join(workDir, "Pulumi.yaml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { name: project, runtime: "nodejs" };
  }
  const settings: unknown = parse(text);
  const field = (key: string): unknown => (typeof settings === "object" && settings !== null ? Reflect.get(settings, key) : undefined);
  if (field("name") !== project) {
    throw new EnvironmentError(
      `${file} is the Pulumi project "${String(field("name"))}", not "${project}": run rds-echo from its own directory ` +
        "(--dir), where its Pulumi.yaml names project rds-echo",
    );
  }
  const main = field("main");
  if (typeof main === "string") {
    try {
      await access(path.resolve(workDir, main));
    } catch {
      throw new EnvironmentError(`${file} runs ${main}, which does not exist: build rds-echo first (npm ci, or npm run build)`);
    }
  }
  return undefined;
}

/** A generation's stack config file in the workspace (what `pulumi config -s <stack>` reads and writes). */
export function stackFilePath(workDir: string, stack: string): string {
  return path.join(workDir, `Pulumi.${stack}.yaml`);
}

/**
 * Refuses to start when the passphrase secrets provider has no passphrase: Pulumi would fail later, mid-way, with a
 * less helpful message. An empty PULUMI_CONFIG_PASSPHRASE is a passphrase (Pulumi accepts it); an unset one is not.
 */
export function assertPassphrase(secretsProvider: string, env: NodeJS.ProcessEnv): void {
  if (secretsProvider !== DEFAULT_SECRETS_PROVIDER) return;
  if (env["PULUMI_CONFIG_PASSPHRASE"] !== undefined || nonEmpty(env["PULUMI_CONFIG_PASSPHRASE_FILE"]) !== undefined) return;
  throw new EnvironmentError(
    "no Pulumi passphrase: export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) and use the same one every " +
      "time: it encrypts each generation's secrets (e.g. the master password), which cannot be read back without it",
  );
}

/**
 * The environment the CLI runs with: the given one (so a caller-provided env reaches the CLI) minus rds-echo's own
 * secrets (cli-env.ts), the chosen backend pinned so it wins over a stale PULUMI_BACKEND_URL, and no update check (it
 * is a network call per command).
 */
export function workspaceEnv(env: NodeJS.ProcessEnv, backendUrl: string): Record<string, string> {
  return { PULUMI_SKIP_UPDATE_CHECK: "true", ...cliSafeEnv(env), PULUMI_BACKEND_URL: backendUrl };
}

/** A generation's stack config file; a stack created elsewhere and never deployed has none here to read. */
export async function readStackFile(workDir: string, generation: string): Promise<string> {
  const file = stackFilePath(workDir, generation);
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new Error(`stack ${generation} has no config file (${file}); it was created elsewhere and never deployed`);
  }
}
