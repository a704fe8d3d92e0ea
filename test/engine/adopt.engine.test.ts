/**
 * `rds-echo migrate --adopt` through the real CLI: moto holds what the original (Java) rds-echo leaves (an instance
 * restored from the production snapshot, named `<echo>-yyyy-MM-dd`, tagged `rdsecho:<name>:managed=true` and
 * `rdsecho:<name>:stage=promoted`, and the CNAME on it with the definition's TTL). Adopting imports it into a
 * generation stack and changes nothing in AWS but the `echo:` tags; the normal lifecycle then promotes a new
 * generation past it and retires it with its final snapshot, the CNAME naming an available instance throughout.
 */
import { DeleteDBInstanceCommand, ModifyDBInstanceCommand, RDSClient, RestoreDBInstanceFromDBSnapshotCommand, type DBInstance } from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cnameTarget, instances, resetMoto, snapshotIds, tagsOf } from "./harness/aws.js";
import { pulumi, stackHistory, stackList } from "./harness/cli.js";
import { MASTER_PASSWORD, makeProject, seedAccount, SOURCE_SNAPSHOT, type Project } from "./harness/project.js";
import { EngineEnv, nextMinute, suite, waitFor } from "./harness/suite.js";
import { plannedUpdate } from "./provider/provider.js";
import { checkInstance, INSTANCE_TYPE } from "./provider/rds-instance.js";
import { UNKNOWN } from "./provider/values.js";

const CNAME = "development.db.example.com";
const TTL = 1; // the fixture's promote.ttl: adopt refuses a record whose live TTL differs
/** The original's instance name: `<rdsecho.name>-yyyy-MM-dd`, the UTC date of its restore. */
const LEGACY_ID = `development-${new Date().toISOString().slice(0, 10)}`;

function clients() {
  const { motoEnv, motoEndpoint } = suite();
  const config = { region: motoEnv["AWS_REGION"], endpoint: motoEndpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  return { rds: new RDSClient(config), route53: new Route53Client(config) };
}

/** What the original's new, modify, promote leave: its restore, its ModifyDBInstance, its tags, the CNAME UPSERT. */
async function seedLegacy(zoneId: string): Promise<void> {
  const { rds, route53 } = clients();
  try {
    const restored = await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: LEGACY_ID,
        DBSnapshotIdentifier: SOURCE_SNAPSHOT,
        DBInstanceClass: "db.t3.medium",
        AvailabilityZone: "eu-west-1a",
        Port: 5432,
        PubliclyAccessible: false,
        Tags: [
          { Key: "team", Value: "platform" },
          { Key: "rdsecho:development:managed", Value: "true" },
          { Key: "rdsecho:development:stage", Value: "promoted" },
        ],
      }),
    );
    if (!restored.DBInstance) throw new Error("moto restored nothing");
    await rds.send(
      new ModifyDBInstanceCommand({ DBInstanceIdentifier: LEGACY_ID, DBParameterGroupName: "development-postgres16", BackupRetentionPeriod: 1, ApplyImmediately: true }),
    );
    const [legacy] = (await instances()).filter((i) => i.DBInstanceIdentifier === LEGACY_ID);
    // MOTO: moto 5.2.5 gives every instance the same DbiResourceId (see MOTO_SHARED_DBI_RESOURCE_ID in
    // provider/rds-wait.ts), and an import's Read carries nothing but that id: with the source instance beside it,
    // the stand-in cannot tell which one is imported (real RDS answers exactly one). So the source instance goes,
    // its snapshots stay (the latest-snapshot source needs only those); the legacy instance is then the only one.
    await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: "production-db", SkipFinalSnapshot: true, DeleteAutomatedBackups: false }));
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { Name: CNAME, Type: "CNAME", TTL, ResourceRecords: [{ Value: legacy!.Endpoint!.Address! }] } }] },
      }),
    );
  } finally {
    rds.destroy();
    route53.destroy();
  }
}

const legacyInstance = async () => (await instances()).find((i) => i.DBInstanceIdentifier === LEGACY_ID);
const withoutEchoTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith("echo:")));
/** Everything RDS reports of an instance but its tags (and LatestRestorableTime: moto reports the current time). */
const withoutTags = (instance: DBInstance) => ({ ...instance, TagList: undefined, LatestRestorableTime: undefined });

/**
 * Watches the CNAME while commands run: every reading must name an existing, available instance. Returns what it
 * saw wrong (empty when never dangling) when stopped.
 */
function watchCname(zoneId: string): { stop: () => Promise<string[]> } {
  const wrong: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const [target, all] = await Promise.all([cnameTarget(zoneId, CNAME), instances()]);
      const served = all.find((i) => i.Endpoint?.Address === target);
      if (!served || served.DBInstanceStatus !== "available") wrong.push(`${new Date().toISOString()} ${CNAME} -> ${target ?? "(none)"} (${served?.DBInstanceStatus ?? "no instance"})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return wrong;
    },
  };
}

interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly provider?: string;
  readonly outputs?: Record<string, unknown>;
}

/**
 * The db resource as the import left it: the file backend keeps one checkpoint per operation
 * (.pulumi/history/<project>/<stack>/*.checkpoint.json, named by time); the import's is the one before the last
 * (the tags' update).
 */
function importedDb(project: Project, stack: string): { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> } | undefined {
  const dir = path.join(project.root, ".rds-echo", "state", ".pulumi", "history", "rds-echo", stack);
  const checkpoints = readdirSync(dir).filter((f) => f.endsWith(".checkpoint.json")).sort();
  const file = checkpoints.at(-2);
  if (!file) return undefined;
  const checkpoint = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { checkpoint: { latest?: { resources?: (ExportedResource & { inputs?: Record<string, unknown> })[] } } };
  return checkpoint.checkpoint.latest?.resources?.find((r) => r.type === "aws:rds/instance:Instance");
}

function exportedResources(env: EngineEnv, stack: string): ExportedResource[] {
  const run = pulumi(env, ["stack", "export", "-s", stack]);
  if (run.code !== 0) throw new Error(`pulumi stack export failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
}

describe("migrate --adopt through the real engine", () => {
  let project: Project;
  let env: EngineEnv;
  let zoneId: string;
  let before: DBInstance;
  let adopted: string | undefined;
  beforeAll(async () => {
    await resetMoto();
    ({ zoneId } = await seedAccount({ endpoint: suite().motoEndpoint, region: suite().motoEnv["AWS_REGION"]! }));
    await seedLegacy(zoneId);
    before = (await legacyInstance())!;
    project = makeProject();
    env = new EngineEnv(project);
  });
  afterAll(() => {
    env?.dispose();
    project?.remove();
  });

  it("adopts the original's instance and CNAME into a generation stack; in AWS only echo: tags are added", async () => {
    expect(tagsOf(before)).toEqual({ team: "platform", "rdsecho:development:managed": "true", "rdsecho:development:stage": "promoted" });
    expect(await cnameTarget(zoneId, CNAME)).toBe(before.Endpoint?.Address);
    const watch = watchCname(zoneId);
    const run = await env.run(["migrate", "--adopt", "development", "--yes"]);
    expect(await watch.stop()).toEqual([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);

    // The backend: a generation stack named after the instance's creation minute, holding the instance (its id the
    // DbiResourceId, under the program's explicit provider) and the CNAME record.
    const generation = stackList(env).map((s) => s.name).find((name) => /^development-\d{8}-\d{4}$/.test(name));
    expect(generation, JSON.stringify(stackList(env))).toBeDefined();
    adopted = generation!;
    const resources = exportedResources(env, adopted);
    const instance = resources.find((r) => r.type === "aws:rds/instance:Instance");
    const record = resources.find((r) => r.type === "aws:route53/record:Record");
    const provider = resources.find((r) => r.type === "pulumi:providers:aws");
    expect(instance?.id).toBe(before.DbiResourceId);
    expect(instance?.outputs?.["identifier"]).toBe(LEGACY_ID);
    expect(instance?.provider).toBe(`${provider!.urn}::${provider!.id}`);
    expect(provider!.urn).not.toContain("::default");
    expect(record?.id).toBe(`${zoneId}_${CNAME}_CNAME`);
    expect(record?.provider).toBe(`${provider!.urn}::${provider!.id}`);
    // The import left what RDS never reports unset, as the real provider does (resourceInstanceRead sets none of
    // it, resourceInstanceImport only these two), and the bridge's import inputs hold no default: the update after it
    // set the state-only inputs (the plan named applyImmediately, finalSnapshotIdentifier, skipFinalSnapshot, tags,
    // tagsAll, all of which the adoption accepts), and nothing else.
    const imported = importedDb(project, adopted);
    expect(imported?.outputs, "the import's checkpoint").toMatchObject({ skipFinalSnapshot: true, deleteAutomatedBackups: true });
    for (const key of ["applyImmediately", "finalSnapshotIdentifier", "snapshotIdentifier"]) expect(imported?.outputs, key).not.toHaveProperty(key);
    expect(imported?.inputs).toMatchObject({ identifier: LEGACY_ID, skipFinalSnapshot: true });
    expect(imported?.inputs).not.toHaveProperty("deleteAutomatedBackups");
    expect(instance?.outputs?.["applyImmediately"]).toBe(false);
    // Its retirement follows the definition: a final snapshot named after the generation.
    expect(instance?.outputs?.["skipFinalSnapshot"]).toBe(false);
    expect(instance?.outputs?.["finalSnapshotIdentifier"]).toBe(`${adopted}-final`);

    // moto: the same instance, nothing changed but the echo: tags added.
    const after = (await legacyInstance())!;
    expect(withoutTags(after)).toEqual(withoutTags(before));
    expect(withoutEchoTags(tagsOf(after))).toEqual(tagsOf(before));
    expect(tagsOf(after)).toMatchObject({ "echo:managed": "development", "echo:generation": adopted, "echo:stage": "promoted" });
    expect(await cnameTarget(zoneId, CNAME)).toBe(before.Endpoint?.Address);
    // The backend's audit trail, oldest first: the settings pinned (an empty refresh), the provider's targeted
    // update, the import (kind resource-import), the tags' update.
    const history = stackHistory(env, adopted).map((h) => `${h.kind} ${h.result}`);
    expect(history.reverse()).toEqual(["refresh succeeded", "update succeeded", "resource-import succeeded", "update succeeded"]);
    // rds-echo's own history reads the import as one.
    const audit = await env.run(["history", "development", "--json"]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout, audit.stdout).toMatch(/"kind":\s*"import"/);
  });

  it("the plain CLI: pulumi preview -s <adopted generation> shows only `same`", () => {
    expect(adopted, "the adoption case leaves a generation").toBeDefined();
    const run = pulumi(env, ["preview", "-s", adopted!, "--json"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const preview = JSON.parse(run.stdout) as { changeSummary: Record<string, number> };
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
    expect(preview.changeSummary["same"]).toBe(4);
  });

  it("the normal lifecycle promotes a new generation past it and retires it with its final snapshot, never dangling", async () => {
    expect(adopted, "the adoption case leaves a generation").toBeDefined();
    await nextMinute();
    const watch = watchCname(zoneId);
    const forced = await env.run(["new", "development", "--force", "--yes"]);
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    const second = await env.run(["up", "development", "--promote", "--retire", "--yes"]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const b = (await instances()).find((i) => i.DBInstanceIdentifier?.startsWith("development-") && i.DBInstanceIdentifier !== LEGACY_ID)!;
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);
    expect(tagsOf(b)).toMatchObject({ "echo:stage": "promoted" });

    // The adopted one was demoted less than a TTL ago in that run, or retired in it: after a TTL a further run
    // retires it, and only it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const third = await env.run(["up", "development", "--retire", "--yes"]);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    await waitFor("the adopted instance to be gone", async () => (await legacyInstance()) === undefined, 30_000);
    expect(await watch.stop()).toEqual([]);
    expect((await instances()).map((i) => i.DBInstanceIdentifier)).toEqual([b.DBInstanceIdentifier]);
    expect(await snapshotIds()).toContain(`${adopted}-final`);
    expect(await cnameTarget(zoneId, CNAME)).toBe(b.Endpoint?.Address);
    const messages = stackHistory(env, adopted!).map((h) => `${h.kind} ${h.result} ${h.message}`);
    for (const step of ["forget", "retire"]) {
      expect(messages.some((m) => m.includes(` ${step} ${adopted}`) && m.includes("succeeded")), `${step} in ${messages.join("; ")}`).toBe(true);
    }
    for (const run of [forced, second, third]) {
      for (const call of run.pulumiCalls) expect(call.argv.join(" ")).not.toContain(MASTER_PASSWORD);
      expect(run.stdout + run.stderr).not.toContain(MASTER_PASSWORD);
    }
    expect(env.leftInTmp()).toEqual([]);
  });
});

describe("the stand-in's rules this case relies on", () => {
  it("a previewed update keeps the prior outputs it does not change (address), sets the configured ones, tags_all to the tags", () => {
    const olds = { identifier: "development-2026-11-23", address: "development-2026-11-23.x.rds.amazonaws.com", instanceClass: "db.t3.medium", tags: { a: "1" }, tagsAll: { a: "1" } };
    const news = { identifier: "development-2026-11-23", instanceClass: "db.t3.large", tags: { a: "1", "echo:stage": "promoted" } };
    expect(plannedUpdate(INSTANCE_TYPE, olds, news)).toEqual({ ...olds, instanceClass: "db.t3.large", tags: news.tags, tagsAll: news.tags });
    // A rename: the endpoint is unknown until applied.
    expect(plannedUpdate(INSTANCE_TYPE, olds, { ...news, identifier: "renamed" })).toMatchObject({ address: UNKNOWN, endpoint: UNKNOWN });
  });

  it("the restore-only limit applies to creates: an existing (imported) instance needs no snapshotIdentifier", () => {
    const news = { identifier: "development-2026-11-23", instanceClass: "db.t3.medium" };
    expect((checkInstance(news).failures ?? []).map((f) => f.property)).toEqual(["snapshotIdentifier"]);
    expect(checkInstance(news, { identifier: "development-2026-11-23", instanceClass: "db.t3.medium" }).failures).toEqual([]);
  });
});
