/**
 * Test fixture of the stand-in provider's engine tests: a moto server, the environment that points the AWS SDK at
 * it, a seeded source instance and snapshot, and the provider wired to it. Not part of the plugin
 * (tsconfig.json leaves it out of the build).
 */
import { CreateDBClusterCommand, CreateDBClusterSnapshotCommand, CreateDBInstanceCommand, CreateDBSnapshotCommand, RDSClient } from "@aws-sdk/client-rds";
import { startMoto, type Moto } from "../harness/moto.js";
import { standInProvider, type StandInProvider } from "./provider.js";

export const REGION = "eu-west-1";
export const IGNORED_PREFIXES = ["echo:approval:", "echo:request:", "echo:seen:"];

export interface Fixture {
  readonly moto: Moto;
  readonly provider: StandInProvider;
  readonly rds: RDSClient;
  stop(): Promise<void>;
}

/** Starts moto, points this process's AWS SDK at it (restored by `stop`), and builds a configured provider. */
export async function startFixture(): Promise<Fixture> {
  const moto = await startMoto(REGION);
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries({ ...moto.env, RDS_ECHO_STANDIN_POLL_MS: "5" })) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  const provider = standInProvider({ region: REGION, ignoreTags: { keys: [], keyPrefixes: IGNORED_PREFIXES } });
  const rds = new RDSClient({ region: REGION });
  return {
    moto,
    provider,
    rds,
    async stop() {
      rds.destroy();
      await moto.stop();
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}

/** A production-like source instance and a manual snapshot of it, as rds-echo's `new` finds them. */
export async function seedSnapshot(rds: RDSClient, name: string, options: { encrypted?: boolean } = {}): Promise<string> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: `${name}-source`,
      DBInstanceClass: "db.t3.micro",
      Engine: "postgres",
      AllocatedStorage: 20,
      MasterUsername: "admin",
      MasterUserPassword: "source-password",
      StorageEncrypted: options.encrypted ?? false,
    }),
  );
  const snapshot = `${name}-snap`;
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: `${name}-source`, DBSnapshotIdentifier: snapshot }));
  return snapshot;
}

/** A production-like Aurora source cluster (`<name>-source`) and a manual cluster snapshot of it (`<name>-snap`). */
export async function seedClusterSnapshot(rds: RDSClient, name: string): Promise<{ source: string; snapshot: string }> {
  const source = `${name}-source`;
  await rds.send(
    new CreateDBClusterCommand({ DBClusterIdentifier: source, Engine: "aurora-postgresql", MasterUsername: "admin", MasterUserPassword: "source-password", Tags: [{ Key: "team", Value: "prod" }] }),
  );
  const snapshot = `${name}-snap`;
  await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: source, DBClusterSnapshotIdentifier: snapshot }));
  return { source, snapshot };
}

export const instanceUrn = (name = "db") => `urn:pulumi:gen::rds-echo::aws:rds/instance:Instance::${name}`;
export const clusterUrn = (name = "cluster") => `urn:pulumi:gen::rds-echo::aws:rds/cluster:Cluster::${name}`;
export const clusterInstanceUrn = (name = "instance-1") => `urn:pulumi:gen::rds-echo::aws:rds/clusterInstance:ClusterInstance::${name}`;
export const recordUrn = (name = "cname") => `urn:pulumi:gen::rds-echo::aws:route53/record:Record::${name}`;
