/**
 * The rds-echo container of one echo's task definition, as ECS's JSON takes it. Pure. Secrets are never values here:
 * each is a Secrets Manager ARN that ECS resolves when it starts the task, so no secret is in the task definition
 * (which anyone with ecs:DescribeTaskDefinition reads), in Pulumi's state or in the image.
 */

export interface ContainerArgs {
  readonly echo: string;
  readonly image: string;
  readonly region: string;
  readonly backendUrl: string;
  readonly logGroup: string;
  readonly promote: boolean;
  readonly retire: boolean;
  /** RDS_ECHO_SECRET_<KEY> (and PULUMI_CONFIG_PASSPHRASE) -> the Secrets Manager ARN holding it. */
  readonly secrets: Readonly<Record<string, string>>;
  /** More plain environment (RDS_ECHO_LEASE_TTL, RDS_ECHO_AWS_REQUEST_TIMEOUT, …); refused when it names a secret. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Names rds-echo or Pulumi read secrets from: these may only come through `secrets`, never as plain environment. */
export const SECRET_VARIABLE = /^(PULUMI_CONFIG_PASSPHRASE|PULUMI_ACCESS_TOKEN|RDS_ECHO_SECRET_[A-Z0-9_]+|RDS_ECHO_SIGNER_[A-Z0-9_]+|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;

export interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  command: string[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  logConfiguration: { logDriver: "awslogs"; options: Record<string, string> };
  stopTimeout: number;
}

export function container(args: ContainerArgs): ContainerDefinition {
  const extra = args.environment ?? {};
  const leaked = Object.keys(extra).filter((name) => SECRET_VARIABLE.test(name));
  if (leaked.length > 0) throw new Error(`environment: ${leaked.join(", ")} would sit in the task definition in plain text; add it to secrets instead`);
  const command = ["up", args.echo, ...(args.promote ? ["--promote"] : []), ...(args.retire ? ["--retire"] : []), "--yes"];
  const environment = Object.entries({ PULUMI_BACKEND_URL: args.backendUrl, AWS_REGION: args.region, ...extra }).map(([name, value]) => ({ name, value }));
  return {
    name: "rds-echo",
    image: args.image,
    essential: true,
    command,
    environment,
    secrets: Object.entries(args.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": args.logGroup, "awslogs-region": args.region, "awslogs-stream-prefix": args.echo },
    },
    // Fargate's longest: SIGTERM makes rds-echo cancel its Pulumi operations and wait for them, then exit 143.
    stopTimeout: 120,
  };
}
