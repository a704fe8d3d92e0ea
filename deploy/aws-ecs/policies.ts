/**
 * The IAM documents of the recipe, as plain data. The driver's own permissions are not written here: they are the
 * echo's policy/driver-policy.json as `rds-echo policy <echo>` fills it in, read from the file the team keeps. Pure.
 */

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

const document = (...Statement: Record<string, unknown>[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/** Who may assume a role: one AWS service. */
export function assumedBy(service: string): PolicyDocument {
  return document({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

/**
 * One echo's driver policy, checked: a document `rds-echo policy` printed, with no placeholder left (a raw
 * policy/driver-policy.json would grant nothing that works and hide the mistake until the first restore).
 */
export function driverPolicy(echo: string, file: string, text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`echoes.${echo}.policyFile: ${file} is not JSON (${(error as Error).message}); write it with \`rds-echo policy ${echo} > ${file}\``);
  }
  const doc = parsed as Partial<PolicyDocument>;
  if (doc.Version !== "2012-10-17" || !Array.isArray(doc.Statement) || doc.Statement.length === 0) {
    throw new Error(`echoes.${echo}.policyFile: ${file} is not an IAM policy document (Version 2012-10-17 and statements)`);
  }
  const placeholder = /\$\{[A-Za-z]+\}/.exec(text);
  if (placeholder) {
    throw new Error(`echoes.${echo}.policyFile: ${file} still has ${placeholder[0]}; fill it in with \`rds-echo policy ${echo} --account <id> > ${file}\``);
  }
  return doc as PolicyDocument;
}

/** The state bucket and its key, for the driver and the Pulumi CLI it runs (README, Shared backends; Secrets providers). */
export function statePolicy(bucketArn: string, keyArn: string): PolicyDocument {
  return document(
    { Sid: "StateObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/*` },
    { Sid: "StateListing", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    // The bucket's SSE-KMS and the awskms:// secrets provider of the generations' stacks.
    { Sid: "StateKey", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn },
  );
}

/** What ECS itself needs to start the task: read the run's secrets (pulling the image and logging: AWS's managed policy). */
export function executionSecretsPolicy(secretArns: readonly string[], keyArn: string): PolicyDocument {
  return document(
    { Sid: "RunSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [...secretArns] },
    { Sid: "RunSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn },
  );
}

/** What EventBridge Scheduler needs: run the echoes' task definitions in this cluster, and hand ECS their roles. */
export function schedulerPolicy(taskFamilies: readonly string[], clusterArn: string, roleArns: readonly string[]): PolicyDocument {
  return document(
    {
      Sid: "RunTheTasks",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: taskFamilies.map((family) => `${family}:*`),
      Condition: { ArnEquals: { "ecs:cluster": clusterArn } },
    },
    {
      Sid: "PassTheirRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [...roleArns],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  );
}
