/**
 * The S3 client for a backend's bucket, configured from the backend URL first (as the Pulumi CLI is: endpoint, path
 * style, region, profile), then from the environment the CLI gets. Bounded: a connect timeout, a request timeout and
 * the SDK's standard retries, so a bucket that never answers fails the run instead of hanging it.
 */
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3Location } from "./s3-url.js";

/** Loaded on first use: a run on a file backend never loads the S3 client. */
export async function s3ClientFor(location: S3Location, env: Readonly<Record<string, string | undefined>>): Promise<S3Client> {
  const { S3Client } = await import("@aws-sdk/client-s3");
  const region = location.region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1";
  const endpoint = location.endpoint ?? env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"];
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  const sessionToken = env["AWS_SESSION_TOKEN"];
  const config: S3ClientConfig = {
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: location.forcePathStyle,
    maxAttempts: 3,
    // GUESS: 5 s to connect and 20 s per request are ample for objects of a few hundred bytes on a healthy bucket.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  };
  if (location.profile !== undefined) {
    const { fromIni } = await import("@aws-sdk/credential-providers");
    config.credentials = fromIni({ profile: location.profile });
  } else if (accessKeyId && secretAccessKey) {
    config.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return new S3Client(config);
}
