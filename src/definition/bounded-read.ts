/**
 * Reading a file a person named (a definition, a hook's SQL or script, a CA bundle) once, safely: it must be a regular
 * file no larger than a cap. `/dev/zero`, `/dev/urandom` or a 2 GB log named by mistake would otherwise be read to
 * the end (hundreds of MB before a parser even starts), and a FIFO would block the run forever. The file is opened
 * without blocking (a FIFO opens at once), checked through the same descriptor it is read from (no swap between a
 * check and the read), and read up to one byte past the cap, since some files (under /proc) report a size of 0.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Why a file cannot be used, in words for the person who named it. */
export class UnreadableFile extends Error {
  override readonly name = "UnreadableFile";
  constructor(
    readonly reason: "missing" | "not-regular" | "too-large" | "unreadable",
    message: string,
  ) {
    super(message);
  }
}

/** The text of a regular file of at most `maxBytes` bytes; throws UnreadableFile saying what is wrong. */
export async function readBoundedText(file: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UnreadableFile("missing", "does not exist");
    throw new UnreadableFile("unreadable", `cannot be read (${code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnreadableFile("not-regular", `is not a regular file (${kindOf(stat)})`);
    if (stat.size > maxBytes) throw new UnreadableFile("too-large", tooLarge(stat.size, maxBytes));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(Math.min(maxBytes + 1 - total, 1 << 20) || 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new UnreadableFile("too-large", tooLarge(total, maxBytes, true));
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (error) {
    if (error instanceof UnreadableFile) throw error;
    throw new UnreadableFile("unreadable", `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    await handle.close();
  }
}

function tooLarge(size: number, max: number, atLeast = false): string {
  return `is ${atLeast ? "more than " : ""}${atLeast ? max : size} bytes; at most ${max} bytes (${Math.round(max / 1024)} KiB) are read`;
}

function kindOf(stat: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}
