/**
 * rds-echo on ECS: each echo's `rds-echo up` as a Fargate task that EventBridge Scheduler starts on a timetable, with
 * the shared state (an S3 bucket with versioning, encrypted under the recipe's KMS key, which is also the generations'
 * awskms:// secrets provider), a log group, the run's secrets in Secrets Manager, and IAM roles scoped to each echo.
 *
 * One task definition and task role per echo, not one for the fleet: a role's inline policies may hold 10,240
 * characters in all (IAM quotas), and one echo's filled-in driver policy is 6-7 KB, so two echoes never fit one role.
 * It also keeps each echo's run to its own echo's permissions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { container } from "./container.js";
import { assumedBy, executionSecretsPolicy, schedulerPolicy, statePolicy, type PolicyDocument } from "./policies.js";
import { taskSize } from "./sizing.js";

export interface EchoTask {
  /** The echo's filled-in driver policy (`rds-echo policy <echo>`), checked by driverPolicy(). */
  readonly policy: PolicyDocument;
  /** Overrides RecipeArgs.schedule for this echo. */
  readonly schedule?: string;
  readonly promote?: boolean;
  readonly retire?: boolean;
}

export interface RecipeArgs {
  /** Prefix of every name (the secrets' names, the task families, the KMS alias). */
  readonly name: string;
  readonly region: string;
  /** The rds-echo image with the definitions baked in (FROM rds-echo, COPY stacks/ /rds-echo/stacks/): ECS mounts no ConfigMap. */
  readonly image: string;
  /** EventBridge Scheduler's expression, e.g. cron(0 1 * * ? *). */
  readonly schedule: string;
  readonly timeZone: string;
  readonly promote: boolean;
  readonly retire: boolean;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: boolean;
  readonly echoes: Readonly<Record<string, EchoTask>>;
  /** RDS_ECHO_SECRET_<KEY> for each KEY (MASTER_PASSWORD, SLACK_WEBHOOK): one Secrets Manager secret each. */
  readonly secretKeys: readonly string[];
  /** A PULUMI_CONFIG_PASSPHRASE secret; false: the definitions use the recipe's key (secretsProvider output). */
  readonly passphrase: boolean;
  readonly logRetentionDays: number;
  readonly environment?: Readonly<Record<string, string>>;
}

export interface RecipeOutputs {
  readonly backendUrl: pulumi.Output<string>;
  /** What the definitions' `secretsProvider:` should say (when passphrase is false). */
  readonly secretsProvider: pulumi.Output<string>;
  readonly bucket: pulumi.Output<string>;
  readonly logGroup: pulumi.Output<string>;
  readonly cluster: pulumi.Output<string>;
  /** Secrets Manager secret names, to be given their values once (`aws secretsmanager put-secret-value`). */
  readonly secretNames: pulumi.Output<string>[];
  readonly schedules: pulumi.Output<string>[];
}

const json = (doc: pulumi.Input<PolicyDocument>) => pulumi.jsonStringify(doc);

export function rdsEchoOnEcs(args: RecipeArgs): RecipeOutputs {
  const n = args.name;
  const size = taskSize(1);

  const key = new aws.kms.Key(`${n}-state`, { description: `${n}: state bucket, run secrets, generations' stack secrets`, enableKeyRotation: true, deletionWindowInDays: 30 });
  const alias = new aws.kms.Alias(`${n}-state`, { name: `alias/${n}-state`, targetKeyId: key.keyId });

  const bucket = new aws.s3.Bucket(`${n}-state`, { bucketPrefix: `${n}-state-`, forceDestroy: false });
  // Every earlier state and lease stays recoverable (README, Shared backends).
  new aws.s3.BucketVersioning(`${n}-state`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${n}-state`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
  });
  new aws.s3.BucketPublicAccessBlock(`${n}-state`, { bucket: bucket.id, blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });
  const backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${args.region}`;

  const logGroup = new aws.cloudwatch.LogGroup(`${n}-runs`, { name: `/${n}/runs`, retentionInDays: args.logRetentionDays });
  const cluster = new aws.ecs.Cluster(`${n}`, { settings: [{ name: "containerInsights", value: "disabled" }] });

  // The secrets' values are never in this program: put them once with the CLI (README), so neither Pulumi's state nor
  // the task definition ever holds one.
  const secretVariables = [...args.secretKeys.map((k) => `RDS_ECHO_SECRET_${k}`), ...(args.passphrase ? ["PULUMI_CONFIG_PASSPHRASE"] : [])];
  const secrets = secretVariables.map(
    (variable) =>
      [variable, new aws.secretsmanager.Secret(`${n}-${slug(variable)}`, { name: `${n}/${slug(variable)}`, kmsKeyId: key.arn, recoveryWindowInDays: 7 })] as const,
  );

  const execution = new aws.iam.Role(`${n}-execution`, { assumeRolePolicy: json(assumedBy("ecs-tasks.amazonaws.com")) });
  new aws.iam.RolePolicyAttachment(`${n}-execution`, { role: execution.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" });
  if (secrets.length > 0) {
    new aws.iam.RolePolicy(`${n}-execution-secrets`, {
      role: execution.id,
      policy: json(pulumi.all([pulumi.all(secrets.map(([, s]) => s.arn)), key.arn]).apply(([arns, keyArn]) => executionSecretsPolicy(arns, keyArn))),
    });
  }

  const families: pulumi.Output<string>[] = [];
  const taskRoles: pulumi.Output<string>[] = [];
  const tasks: [string, aws.ecs.TaskDefinition, EchoTask][] = [];
  for (const [echo, task] of Object.entries(args.echoes)) {
    const role = new aws.iam.Role(`${n}-${echo}`, { assumeRolePolicy: json(assumedBy("ecs-tasks.amazonaws.com")) });
    new aws.iam.RolePolicy(`${n}-${echo}-driver`, { role: role.id, policy: JSON.stringify(task.policy) });
    new aws.iam.RolePolicy(`${n}-${echo}-state`, { role: role.id, policy: json(pulumi.all([bucket.arn, key.arn]).apply(([b, k]) => statePolicy(b, k))) });
    const definition = new aws.ecs.TaskDefinition(`${n}-${echo}`, {
      family: `${n}-${echo}`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(size.cpu),
      memory: String(size.memoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: execution.arn,
      taskRoleArn: role.arn,
      containerDefinitions: pulumi
        .all([backendUrl, logGroup.name, pulumi.all(secrets.map(([, s]) => s.arn))])
        .apply(([url, group, arns]) =>
          JSON.stringify([
            container({
              echo,
              image: args.image,
              region: args.region,
              backendUrl: url,
              logGroup: group,
              promote: task.promote ?? args.promote,
              retire: task.retire ?? args.retire,
              secrets: Object.fromEntries(secrets.map(([variable], i) => [variable, arns[i]!])),
              ...(args.environment ? { environment: args.environment } : {}),
            }),
          ]),
        ),
    });
    families.push(definition.arnWithoutRevision);
    taskRoles.push(role.arn);
    tasks.push([echo, definition, task]);
  }

  const schedulerRole = new aws.iam.Role(`${n}-scheduler`, { assumeRolePolicy: json(assumedBy("scheduler.amazonaws.com")) });
  new aws.iam.RolePolicy(`${n}-scheduler`, {
    role: schedulerRole.id,
    policy: json(
      pulumi.all([pulumi.all(families), cluster.arn, execution.arn, pulumi.all(taskRoles)]).apply(([fams, clusterArn, exec, roles]) =>
        schedulerPolicy(fams, clusterArn, [exec, ...roles]),
      ),
    ),
  });

  const schedules = tasks.map(([echo, definition, task]) => {
    const schedule = new aws.scheduler.Schedule(`${n}-${echo}`, {
      name: `${n}-${echo}`,
      description: `rds-echo up ${echo}`,
      scheduleExpression: task.schedule ?? args.schedule,
      scheduleExpressionTimezone: args.timeZone,
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: cluster.arn,
        roleArn: schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: definition.arn,
          launchType: "FARGATE",
          platformVersion: "LATEST",
          taskCount: 1,
          networkConfiguration: { subnets: [...args.subnetIds], securityGroups: [...args.securityGroupIds], assignPublicIp: args.assignPublicIp },
        },
        // A start ECS refused (capacity, throttling) is retried for up to an hour; a later one waits for the next day.
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
    return schedule.name;
  });

  return {
    backendUrl,
    secretsProvider: pulumi.interpolate`awskms://${alias.name}?region=${args.region}`,
    bucket: bucket.bucket,
    logGroup: logGroup.name,
    cluster: cluster.name,
    secretNames: secrets.map(([, s]) => s.name),
    schedules,
  };
}

/** RDS_ECHO_SECRET_MASTER_PASSWORD -> master-password, PULUMI_CONFIG_PASSPHRASE -> pulumi-passphrase. */
function slug(variable: string): string {
  return variable
    .replace(/^RDS_ECHO_SECRET_/, "")
    .replace(/^PULUMI_CONFIG_/, "pulumi-")
    .toLowerCase()
    .replace(/_/g, "-");
}
