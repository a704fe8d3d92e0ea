/**
 * What retired generations cost `status` and `up` through the real CLI, on `file://` and on S3 (a moto bucket), with
 * 5 and with 500 of them: listed (every retired stack kept, as before retire.archiveAfter) and archived (their
 * history in the echo's archive, their stacks removed). Wall time (median of 3 runs) and Pulumi processes of each,
 * and what archiving itself costs per generation. Writes the figures to listing.json beside $RDS_ECHO_BENCH_OUT for
 * bench/run.mjs.
 *
 * Seeded cheaply, as process-counts does: one real generation is retired through rds-echo, and its backend objects
 * (checkpoint and history, pkg/backend/diy's layout) are copied under older names, retired days ago; the 495 more
 * archived ones are copies of a real archived entry. The commands measured read copies exactly as real ones.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetMoto } from "../harness/aws.js";
import { backendFor, backendKeys, backendObject, BACKENDS, putBackendObject } from "../harness/backends.js";
import { pulumi } from "../harness/cli.js";
import { makeProject, seedAccount, type Project } from "../harness/project.js";
import { EngineEnv, suite, type Run } from "../harness/suite.js";

const ECHO = "development";
const STACKS = ".pulumi/stacks/rds-echo/";
const HISTORY = ".pulumi/history/rds-echo/";
const ARCHIVE = `.rds-echo/archive/rds-echo/${ECHO}.json`;
const figures: Record<string, { ms?: number; processes: number; commands: string[] }> = {};

afterAll(() => {
  const out = process.env["RDS_ECHO_BENCH_OUT"];
  if (out) writeFileSync(path.join(path.dirname(out), "listing.json"), JSON.stringify(figures, null, 2));
});

function commands(run: Run): string[] {
  return run.pulumiCalls.map((c) => c.argv.filter((a) => a !== "--non-interactive").slice(0, 2).join(" "));
}

/** The i-th copy's name: a generation of November 2026, hourly, older than every real one. */
function copyName(i: number): string {
  return `${ECHO}-202611${String(1 + Math.floor(i / 24)).padStart(2, "0")}-${String(i % 24).padStart(2, "0")}00`;
}

/** Runs `work` over the items, a few at once (S3 puts to moto one by one would take minutes). */
async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>, limit = 16): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe.each(BACKENDS)("retired generations listed and archived (%s backend)", (kind) => {
  let project: Project;
  let env: EngineEnv;
  const label = (what: string) => `${kind}: ${what}`;

  beforeAll(async () => {
    await resetMoto();
    await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! });
    project = makeProject(await backendFor(kind));
    env = new EngineEnv(project);
    const file = path.join(project.root, "stacks", `${ECHO}.yaml`);
    // The shortest archiveAfter: the copies were retired weeks ago, the real one a minute ago (it stays listed).
    writeFileSync(file, readFileSync(file, "utf8").replace("  keep: 0\n", "  keep: 0\n  archiveAfter: 1h\n"));
  });
  afterAll(() => {
    env?.dispose();
    project?.remove();
  });

  async function ok(args: string[]): Promise<Run> {
    const run = await env.run(args);
    expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
    return run;
  }

  /** Median wall time of three runs of a command, with the processes of the last. */
  async function measure(what: string, args: string[]): Promise<number> {
    const times: number[] = [];
    let last: Run | undefined;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      last = await ok(args);
      times.push(performance.now() - start);
    }
    const ms = times.sort((a, b) => a - b)[1]!;
    figures[label(what)] = { ms: Math.round(ms), processes: last!.pulumiCalls.length, commands: commands(last!) };
    return ms;
  }

  const stackNames = async () => (await backendKeys(project.backendUrl, STACKS)).filter((k) => k.endsWith(".json")).map((k) => k.slice(STACKS.length, -".json".length));

  /** Copies of the real retired stack's checkpoint and history, retired on 2026-11-01 (archiveAfter long past). */
  async function seedRetired(real: string, from: number, to: number): Promise<void> {
    const text = (await backendObject(project.backendUrl, `${STACKS}${real}.json`))!;
    const checkpoint = JSON.parse(text) as { checkpoint: { latest: { manifest: { time: string } } } };
    checkpoint.checkpoint.latest.manifest.time = "2026-11-01T00:00:00Z";
    const aged = JSON.stringify(checkpoint);
    const history = await Promise.all(
      (await backendKeys(project.backendUrl, `${HISTORY}${real}/`)).map(async (key) => [key.slice(`${HISTORY}${real}/`.length), (await backendObject(project.backendUrl, key))!] as const),
    );
    const writes: Array<[string, string]> = [];
    for (let i = from; i < to; i++) {
      const name = copyName(i);
      writes.push([`${STACKS}${name}.json`, aged.split(real).join(name)]);
      for (const [f, body] of history) writes.push([`${HISTORY}${name}/${f.split(real).join(name)}`, body.split(real).join(name)]);
    }
    await eachLimited(writes, ([key, body]) => putBackendObject(project.backendUrl, key, body));
  }

  /** Copies of the first archived entry under more names, until the archive holds `total` generations. */
  async function seedArchived(total: number): Promise<void> {
    const archive = JSON.parse((await backendObject(project.backendUrl, ARCHIVE))!) as { generations: { name: string }[] };
    const [first] = archive.generations;
    const names = new Set(archive.generations.map((g) => g.name));
    for (let i = 0; names.size < total; i++) {
      const name = copyName(i);
      if (names.has(name)) continue;
      names.add(name);
      archive.generations.push(JSON.parse(JSON.stringify(first).split(first!.name).join(name)) as { name: string });
    }
    archive.generations.sort((a, b) => (a.name < b.name ? -1 : 1));
    // Written around rds-echo's conditional write: the bench owns the bucket and nothing else runs meanwhile.
    await putBackendObject(project.backendUrl, ARCHIVE, JSON.stringify(archive));
  }

  it("measures status and up with 5 and 500 retired generations, listed and archived", async () => {
    // The real retired generation to copy, then the live one that `status` and `up` read (waiting for --promote).
    await ok(["new", ECHO, "--yes"]);
    const [real] = await stackNames();
    await ok(["retire", ECHO, "--generation", real!, "--force", "--yes"]);
    // Generations are named to the minute: the next one must not be born in the same minute as the one just retired.
    await new Promise((resolve) => setTimeout(resolve, 61_000 - (Date.now() % 60_000)));
    await ok(["up", ECHO, "--yes"]);

    await seedRetired(real!, 0, 5);
    const listed5 = await measure("status, 5 retired listed", ["status", ECHO]);
    const upListed5 = await measure("up, 5 retired listed", ["up", ECHO, "--yes"]);
    const archiving = await ok(["retire", ECHO, "--yes"]);
    figures[label("retire archiving 5 (once)")] = { processes: archiving.pulumiCalls.length, commands: commands(archiving) };
    expect(archiving.stdout + archiving.stderr).toContain(`archive ${copyName(0)}`);
    // Removed (`stack rm` leaves only the diy backend's `.json.bak` backups, which no listing reads).
    expect((await stackNames()).filter((n) => n.startsWith(`${ECHO}-202611`))).toEqual([]);
    // The audit trail still has every archived generation's operations.
    const trail = await ok(["history", ECHO, "--json"]);
    expect(new Set((JSON.parse(trail.stdout) as { generation: string }[]).map((e) => e.generation)).size).toBe(7);
    const archived5 = await measure("status, 5 retired archived", ["status", ECHO]);
    const all5 = await measure("status --all, 5 retired archived", ["status", ECHO, "--all"]);
    const upArchived5 = await measure("up, 5 retired archived", ["up", ECHO, "--yes"]);

    await seedArchived(500);
    const archived500 = await measure("status, 500 retired archived", ["status", ECHO]);
    const all500 = await measure("status --all, 500 retired archived", ["status", ECHO, "--all"]);
    const upArchived500 = await measure("up, 500 retired archived", ["up", ECHO, "--yes"]);

    await seedRetired(real!, 0, 500);
    const listed500 = await measure("status, 500 retired listed", ["status", ECHO]);
    const upListed500 = await measure("up, 500 retired listed", ["up", ECHO, "--yes"]);

    if (kind === "file") {
      // What one live generation's settings read costs (issue 19: could the settings come from elsewhere?), against
      // the other reads a run makes of a stack: the plain CLI, median of 3.
      const live = (await stackNames()).find((n) => n !== real && !n.startsWith(`${ECHO}-202611`))!;
      for (const [what, args] of [
        ["pulumi config refresh (one settings read)", ["config", "refresh", "--force", "-s", live]],
        ["pulumi stack export", ["stack", "export", "-s", live]],
        ["pulumi stack history --page-size 1", ["stack", "history", "--json", "--page-size", "1", "-s", live]],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const start = performance.now();
          const done = pulumi(env, args);
          times.push(performance.now() - start);
          expect(done.code, done.stderr).toBe(0);
        }
        figures[label(what)] = { ms: Math.round(times.sort((a, b) => a - b)[1]!), processes: 1, commands: [args.slice(0, 2).join(" ")] };
      }
    }

    const ratio = (a: number, b: number) => ({ processes: 0, commands: [`${(a / b).toFixed(2)}x`] });
    figures[label("ratio status 500/5 archived (goal <= 2x)")] = ratio(archived500, archived5);
    figures[label("ratio status --all 500/5 archived")] = ratio(all500, all5);
    figures[label("ratio up 500/5 archived (goal <= 2x)")] = ratio(upArchived500, upArchived5);
    figures[label("ratio status 500/5 listed (no archiving)")] = ratio(listed500, listed5);
    figures[label("ratio up 500/5 listed (no archiving)")] = ratio(upListed500, upListed5);
    for (const [what, f] of Object.entries(figures)) {
      if (what.startsWith(`${kind}: `)) process.stdout.write(`${what.padEnd(50)} ${f.ms !== undefined ? `${f.ms} ms` : ""} ${f.processes ? `${f.processes} processes` : ""} ${f.commands.slice(0, 6).join(", ")}\n`);
    }
  });
});
