/**
 * One rds-echo project for an engine test: a temporary directory laid out like a checkout (Pulumi.yaml, dist/ linked
 * to the built CLI, stacks/ with the suite's definition), a file backend of its own, and the moto account seeded with
 * what the definition names (the source instance and its snapshot, the parameter group, the hosted zone).
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateDBInstanceCommand, CreateDBParameterGroupCommand, CreateDBSnapshotCommand, RDSClient } from "@aws-sdk/client-rds";
import { CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { REPO_ROOT } from "./moto.js";

export const MASTER_PASSWORD = "s3cret-Echo-Passw0rd-7e1f";
export const SOURCE_SNAPSHOT = "production-db-2026-11-25";

export interface Project {
  /** The checkout's root: `--dir` for rds-echo, the working directory for the plain CLI. */
  readonly root: string;
  readonly backendUrl: string;
  readonly remove: () => void;
}

/**
 * A checkout in a fresh temporary directory; `backendUrl` lets two checkouts share one backend; `stacks` is the
 * fixture folder (under the repository) copied as its stacks/.
 */
export function makeProject(backendUrl?: string, stacks = "test/engine/fixtures/stacks"): Project {
  const root = mkdtempSync(path.join(os.tmpdir(), "rds-echo-engine-"));
  copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
  symlinkSync(path.join(REPO_ROOT, "dist"), path.join(root, "dist"));
  // The program's own imports (@pulumi/*) resolve from the checkout, as in a real one.
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
  cpSync(path.join(REPO_ROOT, stacks), path.join(root, "stacks"), { recursive: true });
  const state = path.join(root, ".rds-echo", "state");
  if (backendUrl === undefined) mkdirSync(state, { recursive: true });
  return {
    root,
    backendUrl: backendUrl ?? `file://${state}`,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** What production looks like to rds-echo: the source instance with one available snapshot, and the zone. */
export async function seedAccount(moto: { endpoint: string; region: string }): Promise<{ zoneId: string }> {
  const config = { region: moto.region, endpoint: moto.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
  const rds = new RDSClient(config);
  const route53 = new Route53Client(config);
  try {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: "production-db",
        Engine: "postgres",
        EngineVersion: "16.3",
        DBInstanceClass: "db.t3.medium",
        AllocatedStorage: 20,
        MasterUsername: "postgres",
        MasterUserPassword: "production-password",
      }),
    );
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: "production-db", DBSnapshotIdentifier: SOURCE_SNAPSHOT }));
    await rds.send(
      new CreateDBParameterGroupCommand({ DBParameterGroupName: "development-postgres16", DBParameterGroupFamily: "postgres16", Description: "development" }),
    );
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: "db.example.com", CallerReference: `engine-${Date.now()}` }));
    const zoneId = zone.HostedZone?.Id?.replace(/^\/hostedzone\//, "");
    if (!zoneId) throw new Error("moto created no hosted zone id");
    return { zoneId };
  } finally {
    rds.destroy();
    route53.destroy();
  }
}
