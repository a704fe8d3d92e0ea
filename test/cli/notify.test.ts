import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { developmentYamlWithoutHooks } from "../helpers/definitions.js";
import { rdsEcho, type CliResult } from "../helpers/cli.js";

let dir: string;
const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:db-refresh";
const CNAME = "development.db.example.com";
const NOTIFY = `
notify:
  on: [failure, waiting, promoted, retired]
  sns: ${TOPIC}
  webhook: { url: { secret: slackWebhook } }
  email: { from: refresh@example.com, to: [dba@example.com] }
`;

function cli(args: string[], extra: Record<string, string> = {}): CliResult {
  return rdsEcho([...args, "--dir", dir], { env: { ...env, ...extra } });
}

interface Sent {
  channel?: string;
  event?: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

function outbox(): Sent[] {
  const r = cli(["sandbox", "show", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).outbox as Sent[];
}

/** The notifications sent since `from`, one per channel: sns, webhook, email, in that order. */
function sentSince(from: number): Sent[] {
  return outbox().slice(from);
}

function expectAllChannels(sent: Sent[], event: string, subject: string): void {
  expect(sent.map((m) => [m.channel, m.event, m.subject])).toEqual([
    ["sns", event, subject],
    ["webhook", event, subject],
    ["email", event, subject],
  ]);
  expect(sent.map((m) => m.to)).toEqual([TOPIC, "webhook (secret slackWebhook)", "dba@example.com"]);
  expect(JSON.parse(sent[1]!.text)).toEqual({ text: `*${subject}*\n${sent[0]!.text}` });
}

const definitionFile = () => path.join(dir, "stacks/development.yaml");

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-notify-"));
  await mkdir(path.join(dir, "stacks"));
  await writeFile(definitionFile(), developmentYamlWithoutHooks.replace("keep: 1", "keep: 0") + NOTIFY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("notifications through the CLI on the sandbox (subprocess): each event lands in the outbox", () => {
  it("a webhook secret that is not an http(s) URL is refused before anything is done, naming the key, never the value", () => {
    const r = cli(["up", "development", "--sandbox", "--yes"], { RDS_ECHO_SECRET_SLACK_WEBHOOK: "hooks.slack.com/T0/B0/very-secret" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("notify.webhook.url: the value of RDS_ECHO_SECRET_SLACK_WEBHOOK is not a URL");
    expect(r.stdout + r.stderr).not.toContain("very-secret");
    expect(outbox()).toEqual([]);
  });

  let a: string;
  it("waiting: the run that reboots a generation says it waits for --promote", () => {
    const up = cli(["up", "development", "--sandbox", "--yes", "--json"], { RDS_ECHO_SECRET_SLACK_WEBHOOK: "https://hooks.example.com/T0/B0/very-secret" });
    expect(up.status, up.stderr).toBe(0);
    a = JSON.parse(up.stdout).steps[0].generation;
    const sent = sentSince(0);
    expectAllChannels(sent, "waiting", `[rds-echo] development: ${a} waits for --promote`);
    expect(sent[0]!.text).toContain(`${a} is ready to serve ${CNAME}.`);
    // A later run that finds it still waiting does not say it again.
    expect(cli(["up", "development", "--sandbox", "--yes"]).status).toBe(0);
    expect(outbox()).toHaveLength(3);
  });

  it("promoted: with the CNAME, the endpoint and the snapshot", () => {
    const up = cli(["up", "development", "--sandbox", "--promote", "--yes", "--json"]);
    expect(up.status, up.stderr).toBe(0);
    const sent = sentSince(3);
    expectAllChannels(sent, "promoted", `[rds-echo] development: ${a} promoted`);
    expect(sent[0]!.text).toMatch(new RegExp(`^${a} now serves\\.\\nCNAME: ${CNAME.replace(/\./g, "\\.")} -> ${a}\\.[a-z0-9]+\\.eu-west-1\\.rds\\.amazonaws\\.com\\nSnapshot: rds:production-db-\\d{4}-\\d\\d-\\d\\d-03-10$`));
  });

  it("retired: once the next generation serves and the TTL has passed", () => {
    expect(cli(["sandbox", "advance", "21h"]).status).toBe(0);
    const next = cli(["up", "development", "--sandbox", "--promote", "--retire", "--yes", "--json"]);
    expect(next.status, next.stderr).toBe(0);
    const b = JSON.parse(next.stdout).steps[0].generation;
    expect(sentSince(6).map((m) => `${m.event} ${m.subject}`)).toEqual(Array(3).fill(`promoted [rds-echo] development: ${b} promoted`));
    expect(cli(["sandbox", "advance", "2m"]).status).toBe(0);
    expect(cli(["up", "development", "--sandbox", "--retire", "--yes"]).status).toBe(0);
    const sent = sentSince(9);
    expectAllChannels(sent, "retired", `[rds-echo] development: ${a} retired`);
    expect(sent[0]!.text).toContain(`${a} was destroyed (final snapshot taken)`);
  });

  it("failure: a run that fails says so, and the message holds no secret", async () => {
    expect(cli(["sandbox", "advance", "21h"]).status).toBe(0);
    await writeFile(definitionFile(), (await readFile(definitionFile(), "utf8")).replace("source:\n", "source:\n  snapshot: gone-snapshot\n"));
    const failed = cli(["up", "development", "--sandbox", "--yes"]);
    expect(failed.status).toBe(1);
    const sent = sentSince(12);
    expectAllChannels(sent, "failure", "[rds-echo] development: up failed");
    expect(sent[0]!.text).toMatch(/^rds-echo up development failed \(exit 1\):\n.*gone-snapshot/);
    expect(sent[0]!.text).toContain("Rerun `rds-echo up development` to converge.");
    expect(JSON.stringify(outbox())).not.toContain(env.RDS_ECHO_SECRET_MASTER_PASSWORD);
    expect(JSON.stringify(outbox())).not.toContain("very-secret");
  });
});
