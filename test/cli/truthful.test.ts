/** Issue 21, item 7: the output says what is true. Through the CLI as subprocesses, on the sandbox. */
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";
import { developmentYaml, writeExample } from "../helpers/definitions.js";

const env = { RDS_ECHO_SANDBOX_SPEED: "max", RDS_ECHO_SECRET_MASTER_PASSWORD: "s3cret-Pa55word" };

let dir: string;
const cli = (...args: string[]) => rdsEcho([...args, "--sandbox", "--dir", dir], { env });
const advance = (by: string) => rdsEcho(["sandbox", "advance", by, "--dir", dir], { env });
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-truthful-"));
  // The example has a scrub and a health check; on the sandbox without PostgreSQL neither can run (skipped, loudly).
  writeExample(dir, developmentYaml);
  // Two generations: the first promoted, the second rebooted, so that a promotion moves the CNAME and forgets one.
  expect(cli("up", "development", "--promote", "--yes").status).toBe(0);
  expect(advance("1d").status).toBe(0);
  expect(cli("up", "development", "--yes").status).toBe(0);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("say what is true (subprocess)", () => {
  it("the example has a beforePromote check (the next case is about something)", () => {
    expect(developmentYaml).toMatch(/^  beforePromote:\n/m);
  });

  it("hooks --before-promote says SKIPPED, not passed, when no check could run (text and JSON)", () => {
    const text = cli("hooks", "development", "--before-promote", "--yes");
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^beforePromote checks SKIPPED on development-\d{8}-\d{4}: no database to run them on/m);
    expect(text.stdout).not.toContain("passed");
    const json = JSON.parse(cli("hooks", "development", "--before-promote", "--yes", "--json").stdout);
    expect(json).toMatchObject({ beforePromote: "skipped", reason: expect.stringContaining("no database") });
  });

  it("preview --promote shows the CNAME's move and the forget step, as promote itself does", () => {
    const status = JSON.parse(cli("status", "development", "--json").stdout) as { generations: { generation: string; stage: string; endpoint: string }[] };
    const promoted = status.generations.find((g) => g.stage === "promoted")!;
    const rebooted = status.generations.find((g) => g.stage === "rebooted")!;
    const preview = cli("preview", "development", "--promote");
    expect(preview.status).toBe(0);
    const host = (endpoint: string) => endpoint.replace(/:\d+$/, "");
    expect(preview.stdout).toContain(`~ development.db.example.com: ${host(promoted.endpoint)} -> ${host(rebooted.endpoint)}`);
    expect(preview.stdout).toContain(`forget ${promoted.generation}: ${rebooted.generation} promoted:`);
    expect(preview.stdout).toMatch(/- aws:route53\/record:Record {2}cname {2}\(retained/);
    // And it is what promote shows before it asks.
    const promote = cli("promote", "development", "--yes");
    for (const line of [`~ development.db.example.com: ${host(promoted.endpoint)} -> ${host(rebooted.endpoint)}`, `forget ${promoted.generation}: ${rebooted.generation} promoted:`]) {
      expect(promote.stderr).toContain(line);
    }
  });

  it("history calls a demotion's retained CNAME record handed over, not deleted (text and JSON)", () => {
    const text = cli("history", "development");
    expect(text.stdout).toMatch(/forget development-\d{8}-\d{4}: development-\d{8}-\d{4} promoted {2}\[update 1, record handed over, not deleted\]/);
    expect(text.stdout).not.toMatch(/forget .*delete 1/);
    const json = JSON.parse(cli("history", "development", "--json").stdout) as { message: string; recordsHandedOver?: number }[];
    expect(json.find((e) => e.message.startsWith("forget "))).toMatchObject({ recordsHandedOver: 1 });
    expect(json.find((e) => e.message.startsWith("promote "))?.recordsHandedOver).toBeUndefined();
  });

  it("with keep: 1, a retire that does nothing says which generation is kept and why", () => {
    const r = cli("retire", "development", "--yes");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^waiting {2}development-\d{8}-\d{4} {2}forgotten, kept for a rollback: retire\.keep is 1/m);
    expect(r.stdout).toContain("--generation development-");
  });

  it("status names its columns, and a generation whose scrub stopped is not shown as just rebooted", () => {
    expect(advance("1d").status).toBe(0);
    expect(cli("up", "development", "--yes").status).toBe(0);
    // What lifecycle/hooks.ts records when hook 1 of 1 fails: how far the hooks got, and no scrubbed mark.
    const file = path.join(dir, ".rds-echo/sandbox.json");
    const world = JSON.parse(readFileSync(file, "utf8"));
    const rebooted = Object.values(world.stacks as Record<string, { name: string; settings: Record<string, unknown> }>).find((s) => s.settings["stage"] === "rebooted")!;
    delete rebooted.settings["scrubbed"];
    rebooted.settings["hooksDone"] = "";
    writeFileSync(file, JSON.stringify(world));
    const text = cli("status", "development");
    expect(text.stdout).toMatch(/^ {4}generation +stage +rds +age {2}endpoint {2}snapshot/m);
    expect(text.stdout).toContain(`${rebooted.name}  rebooted`);
    expect(text.stdout).toMatch(new RegExp(`${rebooted.name}.*SCRUB STOPPED: 0 of 1 afterRestore hook\\(s\\) succeeded`));
    const json = JSON.parse(cli("status", "development", "--json").stdout) as { generations: { generation: string; scrub?: unknown }[] };
    expect(json.generations.find((g) => g.generation === rebooted.name)?.scrub).toEqual({ state: "stopped", succeeded: 0, total: 1 });
  });
});

describe("approval counts, said one way (subprocess)", () => {
  it("the request opened and the list of requests word the count alike", async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), "rds-echo-truthful-approval-"));
    try {
      writeExample(own, developmentYaml.replace("promote:\n", "promote:\n  approval:\n    approvers: [alice@example.com, bob@example.com]\n    email: { from: rds-echo@example.com }\n"));
      const run = (...args: string[]) => rdsEcho([...args, "--sandbox", "--dir", own], { env });
      expect(run("up", "development", "--yes").status).toBe(0);
      const opened = run("promote", "development", "--request", "--yes");
      expect(opened.status, opened.stderr).toBe(0);
      expect(opened.stdout).toMatch(/: 1 approval needed from 2 approvers, links valid until/);
      const listed = run("approvals", "development");
      expect(listed.stdout).toMatch(/ 1 approval needed from 2 approvers, 0 given {2}expires/);
      expect(opened.stdout + opened.stderr + listed.stdout).not.toMatch(/approval\(s\)|\d\/\d/);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});
