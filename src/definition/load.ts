/**
 * Loading `stacks/<echo>.yaml`: YAML parse errors and schema errors both become one DefinitionError that names the
 * file, the line and the key path of every problem.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument, isMap, isNode, type Document } from "yaml";
import type { z } from "zod";
import { DefinitionError, UsageError, type DefinitionIssue } from "../errors.js";
import { readBoundedText, UnreadableFile } from "./bounded-read.js";
import { echoNameProblem, echoPrefixConflict } from "./identifiers.js";
import { knownKeysAt } from "./known-keys.js";
import { closest } from "./nearest.js";
import { definitionSchema, type EchoDefinition } from "./schema.js";
import { clusterDefinitionSchema, clusterEchoNameProblem, looksLikeCluster } from "./cluster-schema.js";

/** The largest definition read: a generous echo is a few KiB. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/** Where definitions live, relative to the project root. */
export const STACKS_DIR = "stacks";

/** The definition file of an echo under a project root. */
export function definitionPath(root: string, echo: string): string {
  return path.join(root, STACKS_DIR, `${echo}.yaml`);
}

/** Checks an echo name given on the command line; throws a UsageError saying what is expected. */
export function assertEchoName(echo: string): void {
  const problem = echoNameProblem(echo);
  if (problem) throw new UsageError(`echo name "${echo}" ${problem}`);
}

/** Reads and validates `stacks/<echo>.yaml`. Throws DefinitionError (exit 2) with every problem found. */
export async function loadDefinition(root: string, echo: string): Promise<EchoDefinition> {
  assertEchoName(echo); // before building a path from it
  const file = definitionPath(root, echo);
  let text: string;
  try {
    text = await readBoundedText(file, MAX_DEFINITION_BYTES);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    if (error.reason === "missing") {
      if (!(await isDirectory(path.dirname(file)))) throw noStacksDir(root);
      const near = closest(echo, await listEchoes(root));
      const meant = near !== undefined ? `did you mean ${near}? Or create it` : "create one";
      throw new UsageError(`${relative(file)}: no such echo definition; ${meant} with \`rds-echo config ${echo}\``);
    }
    throw new DefinitionError(relative(file), [{ path: "", message: `the definition ${error.message}` }]);
  }
  await assertNoPrefixConflict(root, echo);
  return parseDefinition(text, relative(file), echo);
}

/**
 * Refuses an echo whose name plus `-` starts another echo's name in stacks/ (or whose name another's plus `-`
 * starts): see echoPrefixConflict. Both are refused, not only the shorter one, so the pair is fixed before either
 * runs again; the message names both files.
 */
async function assertNoPrefixConflict(root: string, echo: string): Promise<void> {
  const other = echoPrefixConflict(echo, await listEchoes(root));
  if (other === undefined) return;
  const [short, long] = other.length < echo.length ? [other, echo] : [echo, other];
  throw new UsageError(
    `${relative(definitionPath(root, short))} and ${relative(definitionPath(root, long))}: the echo name "${short}" followed by "-" starts ` +
      `the echo name "${long}", so what rds-echo names for ${long} (${long}-<yyyymmdd>-<hhmm>) also reads as ${short}'s (${short}-…), ` +
      `and IAM name patterns or name listings could let one echo act on the other's databases. Rename one of them (the ` +
      `file name is the echo's name), e.g. ${relative(definitionPath(root, `${long.slice(short.length + 1)}-${short}`))}`,
  );
}

/** Validates definition text; `file` is only used in messages. */
export function parseDefinition(text: string, file: string, echo: string): EchoDefinition {
  assertEchoName(echo);
  // Before parsing: the parser's time grows with the document (200,000 keys took over 10 s), and no echo needs more.
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_DEFINITION_BYTES) throw new DefinitionError(file, [{ path: "", message: `the definition is ${bytes} bytes; at most ${MAX_DEFINITION_BYTES} (1 MiB) are read` }]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The first syntax error only: the parser's later ones mostly follow from it (one typo gave 6 to 15), and a
    // person fixes the first, then runs again.
    const first = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])[0]!;
    const line = lines.linePos(first.pos[0]).line;
    const more = doc.errors.length > 1 ? " (the first YAML error; fix it and run again, later ones may follow from it)" : "";
    throw new DefinitionError(file, [{ path: "", line, message: `line ${line}: ${first.message.split("\n")[0]}${more}` }]);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The yaml package resolves aliases here: an undefined one, or so many that they expand like a bomb, is the file's
    // problem (exit 2), not a crash.
    if (!(error instanceof ReferenceError)) throw error;
    throw new DefinitionError(file, [{ path: "", message: `YAML aliases: ${error.message}; write the values out instead (a definition needs no aliases)` }]);
  }
  if (data === null || data === undefined) {
    throw new DefinitionError(file, [{ path: "", message: "the file is empty; run `rds-echo config` for a template" }]);
  }
  // An echo copies an instance or an Aurora cluster; each has its own schema (src/definition/cluster-schema.ts).
  const cluster = looksLikeCluster(data);
  const result = cluster ? clusterDefinitionSchema.safeParse(data) : definitionSchema.safeParse(data);
  if (!result.success) {
    const schema = cluster ? clusterDefinitionSchema : definitionSchema;
    // In file order, as a person reads and fixes them; problems of the whole document (no line) last.
    const issues = result.error.issues.flatMap((issue) => describeIssue(issue, doc, lines, schema));
    throw new DefinitionError(file, issues.map((issue, order) => ({ issue, order })).sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.order - b.order).map((x) => x.issue));
  }
  const nameProblem = cluster ? clusterEchoNameProblem(echo) : undefined;
  if (nameProblem) throw new DefinitionError(file, [{ path: "", message: `the echo name "${echo}" (the file name) ${nameProblem}` }]);
  return { echo, ...result.data } as EchoDefinition;
}

/** Run from the wrong directory: say where we looked, not "create a definition". */
export function noStacksDir(root: string): UsageError {
  return new UsageError(
    `no ${STACKS_DIR}/ directory under ${path.resolve(root)} (the project root, --dir): run rds-echo from the directory that holds ` +
      `${STACKS_DIR}/ and Pulumi.yaml, or pass --dir <that directory>`,
  );
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** Lists the echoes that have a definition under a project root. */
export async function listEchoes(root: string): Promise<string[]> {
  try {
    const names = await readdir(path.join(root, STACKS_DIR));
    return names.filter((n) => n.endsWith(".yaml")).map((n) => n.slice(0, -".yaml".length)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

type Path = readonly PropertyKey[];

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, schema: z.ZodType): DefinitionIssue[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const at = [...issue.path, key];
      const near = closest(key, known);
      const hint = near !== undefined ? `did you mean ${keyPath([...issue.path, near])}?` : "check the spelling; `rds-echo config <echo>` writes every key with comments";
      return { ...located(at, doc, lines), message: `unknown key (${hint})` };
    });
  }
  let message = issue.message.replace(/^Invalid input: /, "");
  // A record key that fails its own rule (a tag key): say what the rule says, not zod's "Invalid key in record".
  if (issue.code === "invalid_key" && issue.issues.length > 0) message = issue.issues.map((i) => i.message).join("; ");
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    message = `is required (${message.replace(/, received undefined$/, "")})`;
  } else if (issue.code === "invalid_value" && "values" in issue) {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return [{ ...located(issue.path, doc, lines), message }];
}

/** Where an issue is: the display path (with its line), and the key path and line apart, for --json. */
function located(at: Path, doc: Document, lines: LineCounter): Pick<DefinitionIssue, "path" | "key" | "line"> {
  const line = lineOf(at, doc, lines);
  return { path: dotted(at, doc, lines), key: keyPath(at), ...(line === undefined ? {} : { line }) };
}

function keyPath(at: Path): string {
  return at.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

/** `modify.vpcSecurityGroupIds[0] (line 31)`: the key path, with the line when the key exists in the file. */
function dotted(at: Path, doc: Document, lines: LineCounter): string {
  const text = at.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    "",
  );
  const line = lineOf(at, doc, lines);
  return line === undefined ? text : `${text} (line ${line})`;
}

function lineOf(at: Path, doc: Document, lines: LineCounter): number | undefined {
  // Find the deepest node that exists; for a key, point at the key itself rather than its value.
  for (let depth = at.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(at.slice(0, depth - 1) as unknown[], true);
    if (!isMap(parent)) {
      const node = doc.getIn(at.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
      continue;
    }
    const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === at[depth - 1]);
    if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
  }
  return undefined;
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}
