/**
 * Opening the one LocalWorkspace of a run: every check that must pass before the CLI is spawned (the passphrase,
 * the project file, the backend), in that order, then the SDK's workspace on the project root.
 */
import { mkdir } from "node:fs/promises";
import { LocalWorkspace, type PulumiCommand, type PulumiFn } from "@pulumi/pulumi/automation/index.js";
import { PROJECT } from "../../program/project.js";
import { assertBackendExists, assertPassphrase, chooseBackend, DEFAULT_SECRETS_PROVIDER, projectFileCheck, workspaceDir, workspaceEnv } from "./workspace.js";

export interface WorkspaceChoice {
  readonly root: string;
  readonly backendUrl?: string;
  readonly secretsProvider?: string;
  readonly pulumiCommand?: PulumiCommand;
}

export async function openWorkspace(choice: WorkspaceChoice, env: NodeJS.ProcessEnv, program: PulumiFn): Promise<LocalWorkspace> {
  const secretsProvider = choice.secretsProvider ?? DEFAULT_SECRETS_PROVIDER;
  // Before anything touches the disk or spawns the CLI.
  assertPassphrase(secretsProvider, env);
  const workDir = workspaceDir(choice.root);
  const projectSettings = await projectFileCheck(workDir, PROJECT);
  const backend = chooseBackend(choice.root, choice.backendUrl, env);
  if (backend.stateDir !== undefined) await mkdir(backend.stateDir, { recursive: true });
  await assertBackendExists(backend);
  // The backend reaches the CLI through PULUMI_BACKEND_URL (workspaceEnv), never through the project file.
  return LocalWorkspace.create({
    workDir,
    ...(projectSettings ? { projectSettings } : {}),
    secretsProvider,
    envVars: workspaceEnv(env, backend.url),
    program,
    ...(choice.pulumiCommand !== undefined ? { pulumiCommand: choice.pulumiCommand } : {}),
  });
}
