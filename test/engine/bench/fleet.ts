/**
 * For the engine bench's `up --all` figures: settled echoes seeded cheaply (copies of one real promoted generation,
 * each with its own stack, instance and CNAME), and the peak memory of a run's whole process tree.
 */
import { readFile } from "node:fs/promises";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RDSClient, RestoreDBInstanceFromDBSnapshotCommand } from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { expect } from "vitest";
import { cnameTarget, instances, tagsOf } from "../harness/aws.js";
import { pulumi } from "../harness/cli.js";
import { SOURCE_SNAPSHOT, type Project } from "../harness/project.js";
import { processTree, suite, type EngineEnv, type Run } from "../harness/suite.js";

/** The fixture as echo `echo`: its own CNAME, so each echo's generation serves its own name. */
export function writeEcho(project: Project, fixture: string, echo: string): void {
  writeFileSync(path.join(project.root, "stacks", `${echo}.yaml`), fixture.replace(/development\.db\.example\.com/g, `${echo}.db.example.com`));
}

/**
 * Echo `echo` settled as `from` is: `from`'s promoted generation `real` copied under the echo's name (its state
 * imported as a stack of its own, its history entries, its stack file, an instance restored in moto with the same
 * tags, its CNAME in Route 53 naming the copy). `up` reads a copy exactly as it reads a real one. The echo names must
 * not occur elsewhere in the state (they are replaced as text), hence names like `fleet07`.
 */
export async function settledCopy(env: EngineEnv, zoneId: string, from: string, real: string, exported: string, echo: string): Promise<void> {
  const project = env.project;
  const swap = (text: string) => text.split(from).join(echo);
  const name = swap(real);
  const file = path.join(project.root, ".rds-echo", `${name}.json`);
  writeFileSync(file, swap(exported));
  writeFileSync(path.join(project.root, `Pulumi.${name}.yaml`), swap(readFileSync(path.join(project.root, `Pulumi.${real}.yaml`), "utf8")));
  for (const args of [["stack", "init", name], ["stack", "import", "-s", name, "--file", file]]) {
    const done = pulumi(env, args);
    expect(done.code, done.stderr).toBe(0);
  }
  copyHistory(project, real, name, swap);
  const config = { region: suite().motoEnv["AWS_REGION"], endpoint: suite().motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  const rds = new RDSClient(config);
  const route53 = new Route53Client(config);
  try {
    const instance = (await instances()).find((i) => i.DBInstanceIdentifier === real)!;
    const tags = Object.fromEntries(Object.entries(tagsOf(instance)).map(([k, v]) => [k, swap(v)]));
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: name,
        DBSnapshotIdentifier: SOURCE_SNAPSHOT,
        DBInstanceClass: instance.DBInstanceClass ?? "db.t3.medium",
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    const address = (await instances()).find((i) => i.DBInstanceIdentifier === name)?.Endpoint?.Address ?? swap((await cnameTarget(zoneId, `${from}.db.example.com`))!);
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: `${echo}.db.example.com`, Type: "CNAME", TTL: 60, ResourceRecords: [{ Value: address }] } }] },
      }),
    );
  } finally {
    rds.destroy();
    route53.destroy();
  }
}

/**
 * The real generation's history entries as the copy's own (names and text swapped): `stack import` records none,
 * and a real generation always has some (`new` pins its settings with an empty refresh), which is where `up` reads
 * its settings from (src/adapters/pulumi/latest-config.ts). On a file backend only, which this bench uses.
 */
function copyHistory(project: Project, real: string, name: string, swap: (text: string) => string): void {
  if (!project.backendUrl.startsWith("file://")) return;
  const history = path.join(fileURLToPath(project.backendUrl), ".pulumi", "history", "rds-echo");
  mkdirSync(path.join(history, name), { recursive: true });
  for (const entry of readdirSync(path.join(history, real)).filter((file) => file.endsWith(".history.json"))) {
    writeFileSync(path.join(history, name, swap(entry)), swap(readFileSync(path.join(history, real, entry), "utf8")));
  }
}

/** A run of rds-echo with the peak resident memory of its whole process tree (rds-echo, CLIs, providers), sampled. */
export async function runMeasured(env: EngineEnv, args: readonly string[], everyMs = 200): Promise<{ run: Run; peakRssMb: number; peakProcesses: number }> {
  const { child, done } = env.start(args);
  let peakKb = 0;
  let peakProcesses = 0;
  let finished = false;
  const sampling = (async () => {
    while (!finished) {
      const tree = await processTree(child.pid!);
      let kb = 0;
      for (const pid of tree) {
        try {
          kb += Number(/^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        } catch {
          // Exited while we looked.
        }
      }
      peakKb = Math.max(peakKb, kb);
      peakProcesses = Math.max(peakProcesses, tree.length);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  const run = await done;
  finished = true;
  await sampling;
  return { run, peakRssMb: Math.round(peakKb / 1024), peakProcesses };
}
