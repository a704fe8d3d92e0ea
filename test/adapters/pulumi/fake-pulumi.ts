/**
 * A scripted stand-in for the `pulumi` binary, installed where `--install-pulumi` would put it
 * (`<root>/.rds-echo/pulumi/bin/pulumi`). It lets the real Automation SDK drive the engine with no Pulumi CLI:
 * each call is recorded (arguments, working directory, the environment that matters, the files it was handed) and
 * answered from a script keyed by the command's first words, up to two (`stack ls`, `stack init`, `config`, `up`).
 * It reports version 3.200.0, which supports inline programs and still takes engine events through an `--event-log`
 * file, so a reply can carry the events the real CLI would emit.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";

export interface FakeReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly code?: number;
  readonly events?: readonly EngineEvent[];
}

/** Replies by command; a list answers successive calls in order (the last one repeats). */
export type FakeScript = Record<string, FakeReply | readonly FakeReply[]>;

export interface FakeCall {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  readonly env: { PULUMI_BACKEND_URL?: string; PULUMI_CONFIG_PASSPHRASE?: string };
  /** The name of every variable in the CLI's environment (what its plugins inherit). */
  readonly envNames: string[];
  /** Contents of the file given with `--config-file` (preview) or `--file` (stack import). */
  readonly configFile?: string;
  readonly file?: string;
  /** The permission bits of the `--file` file while the CLI read it. */
  readonly fileMode?: number;
  /** For `up`: the stack's config file in the workspace as the CLI read it. */
  readonly stackFile?: string;
  /** What a `config set --raw` read on standard input. */
  readonly stdin?: string;
}

const SOURCE = String.raw`
"use strict";
const fs = require("fs");
const path = require("path");
const args = process.argv.slice(2);
if (args[0] === "version") { process.stdout.write("v3.200.0\n"); process.exit(0); }
const dir = process.env.FAKE_PULUMI_DIR;
if (!dir) { process.stderr.write("fake pulumi: FAKE_PULUMI_DIR is not set\n"); process.exit(2); }
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const words = [];
for (const a of args) { if (a.startsWith("-") || words.length === 2) break; words.push(a); }
const command = words.join(" ");
const call = { command, args, cwd: process.cwd(), env: { PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE }, envNames: Object.keys(process.env).sort() };
const configFile = flag("--config-file");
if (configFile) call.configFile = fs.readFileSync(configFile, "utf8");
const file = flag("--file");
if (file) { call.file = fs.readFileSync(file, "utf8"); call.fileMode = fs.statSync(file).mode & 0o777; }
if (args.includes("--raw")) call.stdin = fs.readFileSync(0, "utf8");
// What the real CLI keeps in the workspace: the stack file \`stack init\` writes, and the one \`up\` reads.
const stackFile = (name) => path.join(process.cwd(), "Pulumi." + name + ".yaml");
if (command === "stack init" && !fs.existsSync(stackFile(args[2]))) fs.writeFileSync(stackFile(args[2]), "encryptionsalt: v1:ZmFrZQ==:v1:ZmFrZS1zYWx0\n");
if (command === "up" && flag("--stack") && fs.existsSync(stackFile(flag("--stack")))) call.stackFile = fs.readFileSync(stackFile(flag("--stack")), "utf8");
fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(call) + "\n");
const countsFile = path.join(dir, "counts.json");
const counts = fs.existsSync(countsFile) ? JSON.parse(fs.readFileSync(countsFile, "utf8")) : {};
const n = counts[command] || 0;
counts[command] = n + 1;
fs.writeFileSync(countsFile, JSON.stringify(counts));
const script = JSON.parse(fs.readFileSync(path.join(dir, "script.json"), "utf8"));
const entry = script[command];
const reply = Array.isArray(entry) ? entry[Math.min(n, entry.length - 1)] : entry;
if (!reply) { process.stderr.write("error: the fake pulumi has no reply for '" + command + "'\n"); process.exit(1); }
const log = flag("--event-log");
if (log && reply.events) fs.appendFileSync(log, reply.events.map((e) => JSON.stringify(e)).join("\n") + "\n");
if (reply.stdout) process.stdout.write(reply.stdout);
if (reply.stderr) process.stderr.write(reply.stderr);
// Give the SDK's event-log tail (it polls every 200 ms) time to read the events before the command ends.
setTimeout(() => process.exit(reply.code || 0), log ? 450 : 0);
`;

/** Installs the fake under `<root>/.rds-echo/pulumi/bin/pulumi`; returns the directory holding its script and log. */
export function installFakePulumi(root: string): string {
  const bin = path.join(root, ".rds-echo", "pulumi", "bin");
  mkdirSync(bin, { recursive: true });
  const cli = path.join(bin, "pulumi");
  writeFileSync(cli, `#!${process.execPath}\n${SOURCE}`);
  chmodSync(cli, 0o755);
  const dir = path.join(root, "fake");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "script.json"), "{}");
  return dir;
}

export function setScript(dir: string, script: FakeScript): void {
  writeFileSync(path.join(dir, "script.json"), JSON.stringify(script));
  writeFileSync(path.join(dir, "counts.json"), "{}");
  writeFileSync(path.join(dir, "calls.jsonl"), "");
}

/** Every call the fake received since the script was set, in order. */
export function calls(dir: string): FakeCall[] {
  const file = path.join(dir, "calls.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as FakeCall);
}
