import { spawn, spawnSync } from "node:child_process";
import { CLI } from "./cli.js";

/** Whether util-linux `script` is here to give the CLI a terminal (a pseudo-TTY), as a person at a prompt has. */
export const HAS_SCRIPT = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

export interface TtyResult {
  readonly status: number | null;
  /** Everything the terminal showed (stdout and stderr together, as on a screen). */
  readonly screen: string;
  readonly questions: number;
}

/**
 * Runs the built CLI on a pseudo-TTY and answers its `[y/N]` prompts in order, as a person would: each answer is
 * typed only once its question is on the screen.
 */
export function rdsEchoOnTty(args: readonly string[], answers: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TtyResult> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  let asked = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    screen += chunk.toString();
    const questions = screen.match(/\[y\/N\] /g)?.length ?? 0;
    while (asked < questions) child.stdin.write(`${answers[asked++] ?? "n"}\r`);
  });
  return new Promise((resolve) => child.once("exit", (status) => resolve({ status, screen, questions: asked })));
}
