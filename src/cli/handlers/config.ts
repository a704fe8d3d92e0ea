import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { assertEchoName, definitionPath } from "../../definition/load.js";
import { definitionTemplate } from "../../definition/template.js";
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

export async function writeTemplate({ root, reporter }: CommandContext, echo: string, force: boolean): Promise<void> {
  assertEchoName(echo);
  // A mistyped --dir must not silently grow a new project tree somewhere: only stacks/ itself is created.
  if (!(await isDirectory(root))) throw new UsageError(`--dir ${root}: no such directory; create it first, or pass the project root`);
  const file = definitionPath(root, echo);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // `wx` makes "refuse to overwrite" atomic: no window between a check and the write.
    await writeFile(file, definitionTemplate(echo), { flag: force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new UsageError(`${path.relative(process.cwd(), file) || file} already exists; use --force to overwrite it`);
    }
    throw error;
  }
  reporter.text(`wrote ${path.relative(process.cwd(), file) || file}; fill the required values, then run: \`rds-echo plan ${echo}\``);
  reporter.data({ file, echo });
}
