/**
 * The clients of the source side (see SnapshotSide): the echo's own RDS client when the source lives beside the
 * echo; otherwise one in source.copy.region, as source.assumeRole's role when there is one (STS AssumeRole through
 * the SDK's fromTemporaryCredentials, refreshed before the temporary credentials expire during a long wait).
 */
import { RDSClient } from "@aws-sdk/client-rds";
import { STSClient } from "@aws-sdk/client-sts";
import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { SourceSpec } from "../../definition/schema.js";
import { clientCallConfig, DEFAULT_AWS_CALL_SETTINGS } from "./call-settings.js";
import { awsClient, type AwsClientOptions } from "./clients.js";

/** The session name the source account's CloudTrail shows for rds-echo's calls. */
export const ROLE_SESSION_NAME = "rds-echo";

export interface SourceClientOptions extends AwsClientOptions {
  readonly source?: Pick<SourceSpec, "copy" | "assumeRole">;
}

/** The RDS client of the source side: `echo` itself when the source is in the echo's account and region. */
export function createSourceRdsClient(options: SourceClientOptions, echo: RDSClient): RDSClient {
  const region = options.source?.copy?.region ?? options.region;
  const role = options.source?.assumeRole;
  if (!role && region === options.region) return echo;
  if (!role) return awsClient((config) => new RDSClient(config), { ...options, clientRegion: region });
  const credentials = fromTemporaryCredentials({
    params: { RoleArn: role.roleArn, RoleSessionName: ROLE_SESSION_NAME, ...(role.externalId ? { ExternalId: role.externalId } : {}) },
    // The role is assumed with the credentials rds-echo itself runs with (the definition's profile, or the default chain).
    ...(options.profile !== undefined ? { masterCredentials: fromIni({ profile: options.profile }) } : {}),
    // The STS client the provider makes for AssumeRole ends its calls like every other client.
    clientConfig: { region, ...clientCallConfig(options.calls ?? DEFAULT_AWS_CALL_SETTINGS) },
  });
  const { profile: _profile, ...withoutProfile } = options;
  return awsClient((config) => new RDSClient({ ...config, credentials }), { ...withoutProfile, clientRegion: region });
}

/** STS in the echo's region, for GetCallerIdentity (which needs no permission). */
export function createStsClient(options: AwsClientOptions): STSClient {
  return awsClient((config) => new STSClient(config), options);
}
