/**
 * The ECS recipe (deploy/aws-ecs) under Pulumi's mock runtime: the resources it declares and what they say. The
 * mocks answer every resource with its inputs and made-up ids and ARNs (their shape follows AWS's ARN formats), so
 * this proves the program's wiring and documents, not what AWS would accept; the driver policies are the ones
 * `rds-echo policy` prints, run through the CLI as the recipe's README tells a team to.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recipeArgs, STRUCTURED_KEYS } from "../../deploy/aws-ecs/config.js";
import type { ContainerDefinition } from "../../deploy/aws-ecs/container.js";
import { container } from "../../deploy/aws-ecs/container.js";
import { rdsEchoOnEcs, type RecipeArgs } from "../../deploy/aws-ecs/recipe.js";
import { taskSize } from "../../deploy/aws-ecs/sizing.js";
import { REPO_ROOT } from "../helpers/definitions.js";

interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const ACCOUNT = "123456789012";
let dir: string;
const policyText: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rds-echo-ecs-"));
  for (const echo of ["development", "analytics"]) {
    policyText[echo] = execFileSync(process.execPath, [path.join(REPO_ROOT, "dist/cli/main.js"), "policy", echo, "--account", ACCOUNT, "--zone-id", "Z0123456789ABCDEFGHIJ"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
    }).toString();
    writeFileSync(path.join(dir, `${echo}.json`), policyText[echo]!);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stack's configuration as index.ts reads it from pulumi.Config: lists and maps (STRUCTURED_KEYS) as parsed JSON,
 * every other key as the text `pulumi config set` stored (a boolean is "true").
 */
const config = (overrides: Record<string, unknown> = {}) => (key: string) => {
  const value = {
    image: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/rds-echo-definitions:7`,
    subnetIds: ["subnet-0aaa", "subnet-0bbb"],
    securityGroupIds: ["sg-0ccc"],
    secretKeys: ["MASTER_PASSWORD", "SLACK_WEBHOOK"],
    echoes: { development: { policyFile: "development.json" }, analytics: { policyFile: "analytics.json", schedule: "cron(30 2 * * ? *)", retire: false } },
    ...overrides,
  }[key];
  return value === undefined || STRUCTURED_KEYS.has(key) ? value : String(value);
};

/** Runs the recipe under the mocks and returns every resource it declared, with its resolved inputs. */
async function declare(args: RecipeArgs): Promise<Declared[]> {
  const declared: Declared[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(resource) {
        // Custom resources only: the stack itself is a component.
        if (resource.custom) declared.push({ type: resource.type, name: resource.name, inputs: resource.inputs as Record<string, unknown> });
        const service = resource.type.split(":")[1]!.split("/")[0]!;
        const arn = `arn:aws:${service}:eu-west-1:${ACCOUNT}:${resource.type.split(":").at(-1)!.toLowerCase()}/${resource.name}`;
        const state: Record<string, unknown> = { ...resource.inputs, arn, name: resource.inputs.name ?? resource.name, bucket: resource.inputs.bucket ?? `${resource.name}-abc123` };
        if (resource.type === "aws:kms/key:Key") state.keyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
        if (resource.type === "aws:ecs/taskDefinition:TaskDefinition") {
          state.arnWithoutRevision = `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/${resource.inputs.family}`;
          state.arn = `${state.arnWithoutRevision}:1`;
        }
        return { id: `${resource.name}-id`, state };
      },
      call(call) {
        throw new Error(`the recipe must not call provider functions (it called ${call.token})`);
      },
    },
    "rds-echo-ecs",
    "test",
    false,
  );
  await pulumi.runtime.runInPulumiStack(async () => {
    const out = rdsEchoOnEcs(args);
    return { backendUrl: out.backendUrl, secretsProvider: out.secretsProvider };
  });
  // Resources whose inputs wait on other resources' outputs register after the program returns: wait for them all
  // (as src/program/evaluate.ts does).
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return declared;
}

const ofType = (declared: Declared[], type: string) => declared.filter((d) => d.type === type);
const parsed = (d: Declared, key: string) => JSON.parse(d.inputs[key] as string) as Record<string, unknown>;

describe("the ECS recipe (deploy/aws-ecs) under Pulumi's mocks", () => {
  it("declares the shared state, logs, secrets and roles once, and a role, task definition and schedule per echo", async () => {
    const declared = await declare(recipeArgs(config(), "eu-west-1", dir));
    const counts: Record<string, number> = {};
    for (const d of declared) counts[d.type] = (counts[d.type] ?? 0) + 1;
    expect(counts).toEqual({
      "aws:kms/key:Key": 1,
      "aws:kms/alias:Alias": 1,
      "aws:s3/bucket:Bucket": 1,
      "aws:s3/bucketVersioning:BucketVersioning": 1,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
      "aws:cloudwatch/logGroup:LogGroup": 1,
      "aws:ecs/cluster:Cluster": 1,
      "aws:secretsmanager/secret:Secret": 2,
      // execution, scheduler, one per echo
      "aws:iam/role:Role": 4,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
      // execution secrets, scheduler, driver and state per echo
      "aws:iam/rolePolicy:RolePolicy": 6,
      "aws:ecs/taskDefinition:TaskDefinition": 2,
      "aws:scheduler/schedule:Schedule": 2,
    });
    const [versioning] = ofType(declared, "aws:s3/bucketVersioning:BucketVersioning");
    expect(versioning!.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    const [sse] = ofType(declared, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect(sse!.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: expect.stringMatching(/^arn:aws:kms:/) }, bucketKeyEnabled: true }]);
    for (const secret of ofType(declared, "aws:secretsmanager/secret:Secret")) {
      expect(secret.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
      // The program never holds a secret's value: no SecretVersion, no secretString anywhere.
      expect(JSON.stringify(secret.inputs)).not.toMatch(/secretString/);
    }
    expect(declared.map((d) => d.type)).not.toContain("aws:secretsmanager/secretVersion:SecretVersion");
  });

  it("schedules each echo's task on its timetable: Fargate, the echo's task definition, private subnets", async () => {
    const declared = await declare(recipeArgs(config(), "eu-west-1", dir));
    const schedules = Object.fromEntries(ofType(declared, "aws:scheduler/schedule:Schedule").map((s) => [s.inputs.name, s.inputs]));
    expect(Object.keys(schedules).sort()).toEqual(["rds-echo-analytics", "rds-echo-development"]);
    expect(schedules["rds-echo-development"]).toMatchObject({
      scheduleExpression: "cron(0 1 * * ? *)",
      scheduleExpressionTimezone: "Etc/UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/rds-echo`,
        roleArn: `arn:aws:iam:eu-west-1:${ACCOUNT}:role/rds-echo-scheduler`,
        ecsParameters: {
          taskDefinitionArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/rds-echo-development:1`,
          launchType: "FARGATE",
          taskCount: 1,
          networkConfiguration: { subnets: ["subnet-0aaa", "subnet-0bbb"], securityGroups: ["sg-0ccc"], assignPublicIp: false },
        },
      },
    });
    expect(schedules["rds-echo-analytics"]!.scheduleExpression).toBe("cron(30 2 * * ? *)");
    const [schedulerPolicy] = ofType(declared, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "rds-echo-scheduler");
    const statements = parsed(schedulerPolicy!, "policy").Statement as { Action: string; Resource: string[] }[];
    expect(statements.find((s) => s.Action === "ecs:RunTask")!.Resource.sort()).toEqual(
      ["analytics", "development"].map((e) => `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/rds-echo-${e}:*`),
    );
  });

  it("gives each echo's task role exactly that echo's rds-echo policy, plus the state bucket and key", async () => {
    const declared = await declare(recipeArgs(config(), "eu-west-1", dir));
    const policies = Object.fromEntries(ofType(declared, "aws:iam/rolePolicy:RolePolicy").map((p) => [p.name, p]));
    for (const echo of ["development", "analytics"]) {
      expect(parsed(policies[`rds-echo-${echo}-driver`]!, "policy")).toEqual(JSON.parse(policyText[echo]!));
      expect(policies[`rds-echo-${echo}-driver`]!.inputs.role).toBe(`rds-echo-${echo}-id`);
      const state = JSON.stringify(parsed(policies[`rds-echo-${echo}-state`]!, "policy"));
      expect(state).toContain(`"Resource":"arn:aws:s3:eu-west-1:${ACCOUNT}:bucket/rds-echo-state/*"`);
    }
    // What the driver policy holds is the echo's own: development's role names no analytics generation.
    expect(policies["rds-echo-development-driver"]!.inputs.policy).not.toContain("analytics-????????-????");
  });

  it("puts no secret in the task definition: secrets are Secrets Manager ARNs ECS resolves at start", async () => {
    const declared = await declare(recipeArgs(config({ passphrase: true }), "eu-west-1", dir));
    for (const task of ofType(declared, "aws:ecs/taskDefinition:TaskDefinition")) {
      const [c] = JSON.parse(task.inputs.containerDefinitions as string) as ContainerDefinition[];
      expect(c!.environment.map((e) => e.name)).toEqual(["PULUMI_BACKEND_URL", "AWS_REGION"]);
      expect(c!.environment[0]!.value).toBe("s3://rds-echo-state-abc123?region=eu-west-1");
      expect(c!.secrets).toEqual([
        { name: "RDS_ECHO_SECRET_MASTER_PASSWORD", valueFrom: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret/rds-echo-master-password` },
        { name: "RDS_ECHO_SECRET_SLACK_WEBHOOK", valueFrom: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret/rds-echo-slack-webhook` },
        { name: "PULUMI_CONFIG_PASSPHRASE", valueFrom: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret/rds-echo-pulumi-passphrase` },
      ]);
      expect(task.inputs).toMatchObject({ requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "512", memory: "2048" });
    }
    const [development] = ofType(declared, "aws:ecs/taskDefinition:TaskDefinition").filter((t) => t.inputs.family === "rds-echo-development");
    expect((JSON.parse(development!.inputs.containerDefinitions as string) as ContainerDefinition[])[0]!.command).toEqual(["up", "development", "--promote", "--retire", "--yes"]);
    // Only the execution role reads the secrets, only those.
    const [reads] = ofType(declared, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name === "rds-echo-execution-secrets");
    expect(((parsed(reads!, "policy").Statement as { Resource: unknown }[])[0]!.Resource as string[]).length).toBe(3);
  });

  it("refuses a secret given as plain environment, a policy file not filled in, and a missing key", () => {
    const base = { echo: "e", image: "i", region: "eu-west-1", backendUrl: "s3://b", logGroup: "g", promote: true, retire: true, secrets: {} };
    expect(() => container({ ...base, environment: { RDS_ECHO_SECRET_MASTER_PASSWORD: "hunter2hunter2" } })).toThrow(/RDS_ECHO_SECRET_MASTER_PASSWORD would sit in the task definition/);
    expect(() => container({ ...base, environment: { PULUMI_CONFIG_PASSPHRASE: "x" } })).toThrow(/add it to secrets instead/);
    writeFileSync(path.join(dir, "raw.json"), readFileSync(path.join(REPO_ROOT, "policy/driver-policy.json"), "utf8"));
    expect(() => recipeArgs(config({ echoes: { development: { policyFile: "raw.json" } } }), "eu-west-1", dir)).toThrow(/raw\.json still has \$\{Region\}; fill it in with `rds-echo policy development/);
    expect(() => recipeArgs(config({ echoes: { development: { policyFile: "missing.json" } } }), "eu-west-1", dir)).toThrow(/cannot read .*missing\.json \(ENOENT\)/);
    expect(() => recipeArgs(config({ image: undefined }), "eu-west-1", dir)).toThrow(/config image: required/);
    expect(() => recipeArgs(config({ schedule: "0 1 * * *" }), "eu-west-1", dir)).toThrow(/not an EventBridge Scheduler expression/);
  });

  it("sizes the task from the measured figures (512 MiB + 1 GiB per echo at once), to a size Fargate offers", () => {
    expect(taskSize(1)).toEqual({ cpu: 512, memoryMiB: 2048 });
    expect(taskSize(2)).toEqual({ cpu: 512, memoryMiB: 3072 });
    expect(taskSize(4)).toEqual({ cpu: 1024, memoryMiB: 5120 });
    expect(taskSize(8)).toEqual({ cpu: 2048, memoryMiB: 9216 });
    expect(() => taskSize(16)).toThrow(/more than the 16 GiB/);
  });
});
