import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rdsEcho } from "../helpers/cli.js";

/** The original's shipped sample (rdsecho.properties.sample of blacklocus/rds-echo v0.1.10), values as it ships them. */
const SAMPLE = `# RDS Echo
rdsecho.interactive=true
rdsecho.name=development
rdsecho.region=us-east-1
rdsecho.accountNumber=1234567890
rdsecho.snapshot.dbInstanceIdentifier=production
rdsecho.new.engine=MySQL
rdsecho.new.licenseModel=general-public-license
rdsecho.new.dbInstanceClass=db.t1.micro
rdsecho.new.multiAz=false
rdsecho.new.storageType=gp2
rdsecho.new.iops=0
rdsecho.new.port=3306
rdsecho.new.optionGroupName=default:mysql-5-6
rdsecho.new.autoMinorVersionUpgrade=true
rdsecho.new.tags=orange=false,pear=maybe
rdsecho.mod.dbParameterGroupName=default.mysql5.6
rdsecho.mod.dbSecurityGroups=development,admin
rdsecho.mod.backupRetentionPeriod=0
rdsecho.mod.applyImmediately=true
rdsecho.promote.cname=dev.domain.com.
rdsecho.promote.ttl=300
rdsecho.promote.tags=development=yes,banana=no
rdsecho.retire.skipFinalSnapshot=true
rdsecho.retire.finalDbSnapshotIdentifier=
`;

let dir: string;
const env = { RDS_ECHO_OPTS: "" };
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rds-echo-migrate-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function migrate(properties: string, args: string[] = [], opts = "") {
  const file = path.join(dir, "rdsecho.properties");
  await writeFile(file, properties);
  return rdsEcho(["migrate", file, "--dir", dir, ...args], { env: { RDS_ECHO_OPTS: opts } });
}

describe("rds-echo migrate <rdsecho.properties>", () => {
  it("writes a definition from the original's sample that plans, and warns once per property without an equivalent", async () => {
    const r = await migrate(SAMPLE);
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning: "));
    expect(warnings).toHaveLength(5);
    for (const key of ["rdsecho.new.engine", "rdsecho.accountNumber", "rdsecho.mod.dbSecurityGroups", "rdsecho.mod.applyImmediately", "rdsecho.interactive"]) {
      expect(warnings.filter((w) => w.startsWith(`warning: ${key}=`)), key).toHaveLength(1);
    }
    expect(warnings.find((w) => w.includes("dbSecurityGroups"))).toContain("Name=group-name,Values=development,admin");

    const text = await readFile(path.join(dir, "stacks/development.yaml"), "utf8");
    expect(text).toContain("region: us-east-1 # from rdsecho.region");
    expect(text).toContain("minAgeHours: 24 # the original refused a new instance while the newest was less than 24 hours old");
    expect(text).toContain("rdsecho.new.iops=0 meant no provisioned IOPS");
    const data = parse(text);
    expect(data.instance).toEqual({
      class: "db.t1.micro",
      multiAz: false,
      storageType: "gp2",
      port: 3306,
      optionGroup: "default:mysql-5-6",
      autoMinorVersionUpgrade: true,
      licenseModel: "general-public-license",
      tags: { orange: "false", pear: "maybe" },
    });
    expect(data.modify).toEqual({ parameterGroup: "default.mysql5.6", backupRetentionPeriod: 0 });
    expect(data.promote).toEqual({ cname: "dev.domain.com", zoneName: "domain.com", ttl: 300, tags: { development: "yes", banana: "no" } });
    expect(data.retire).toEqual({ skipFinalSnapshot: true });

    const plan = rdsEcho(["plan", "development", "--stage", "promoted", "--dir", dir, "--json"]);
    expect(plan.status, plan.stderr).toBe(0);
    const db = JSON.parse(plan.stdout).resources.find((x: { type: string }) => x.type === "aws:rds/instance:Instance");
    expect(db.inputs).toMatchObject({ instanceClass: "db.t1.micro", port: 3306, parameterGroupName: "default.mysql5.6", skipFinalSnapshot: true });
    expect(db.inputs.iops).toBeUndefined();
    expect(db.inputs.tags).toMatchObject({ orange: "false", development: "yes", "echo:stage": "promoted" });
  });

  it("refuses to overwrite without --force (exit 2, file unchanged), and overwrites with it", async () => {
    expect((await migrate(SAMPLE)).status).toBe(0);
    const file = path.join(dir, "stacks/development.yaml");
    await writeFile(file, "# mine\n");
    const again = await migrate(SAMPLE);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/stacks\/development\.yaml already exists; use --force to overwrite it/);
    expect(await readFile(file, "utf8")).toBe("# mine\n");
    const forced = await migrate(SAMPLE, ["--force"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(await readFile(file, "utf8")).toContain("# from rdsecho.region");
  });

  it("reads RDS_ECHO_OPTS's -D words over the file, carries sg- ids, and gives a fixed final snapshot name {generation}", async () => {
    const properties = SAMPLE.replace("rdsecho.mod.dbSecurityGroups=development,admin", "rdsecho.mod.dbSecurityGroups=sg-0123456789abcdef0, sg-89abcdef")
      .replace("rdsecho.retire.skipFinalSnapshot=true", "rdsecho.retire.skipFinalSnapshot=false")
      .replace("rdsecho.retire.finalDbSnapshotIdentifier=", "rdsecho.retire.finalDbSnapshotIdentifier=dev-final");
    const r = await migrate(properties, ["--name", "dev"], "-Xmx1g -Drdsecho.region=eu-west-1 -Drdsecho.new.iops=1000 -Drdsecho.new.storageType=io1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("dbSecurityGroups");
    const text = await readFile(path.join(dir, "stacks/dev.yaml"), "utf8");
    expect(text).toContain("region: eu-west-1 # from rdsecho.region (-D in RDS_ECHO_OPTS)");
    const data = parse(text);
    expect(data.instance).toMatchObject({ iops: 1000, storageType: "io1" });
    expect(data.modify.vpcSecurityGroupIds).toEqual(["sg-0123456789abcdef0", "sg-89abcdef"]);
    expect(data.retire).toEqual({ skipFinalSnapshot: false, finalSnapshotName: "dev-final-{generation}" });
    const plan = rdsEcho(["plan", "dev", "--generation", "dev-20261125-1230", "--dir", dir, "--json"]);
    expect(plan.status, plan.stderr).toBe(0);
    const db = JSON.parse(plan.stdout).resources.find((x: { type: string }) => x.type === "aws:rds/instance:Instance");
    expect(db.inputs.finalSnapshotIdentifier).toBe("dev-final-dev-20261125-1230");
  });

  it("exits 2 with what to do for a name rds-echo cannot take, a missing class, a missing file, and nothing given", async () => {
    const badName = await migrate(SAMPLE.replace("rdsecho.name=development", "rdsecho.name=Dev_DB"));
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('echo name "Dev_DB" (from rdsecho.name) must start with a lower-case letter; pass --name <echo>');
    const noClass = await migrate(SAMPLE.replace("rdsecho.new.dbInstanceClass=db.t1.micro\n", ""));
    expect(noClass.status).toBe(2);
    expect(noClass.stderr).toContain("rdsecho.new.dbInstanceClass is not set");
    expect(rdsEcho(["migrate", path.join(dir, "nosuch.properties"), "--dir", dir], { env }).status).toBe(2);
    const none = rdsEcho(["migrate", "--dir", dir], { env });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("name the original's properties file");
  });

  it("warns about a property the original never read, with its line", async () => {
    const r = await migrate(`${SAMPLE}rdsecho.promote.cnam=typo.domain.com\n`);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("warning: rdsecho.promote.cnam (line 26) is not a property the original read; ignored");
  });
});
