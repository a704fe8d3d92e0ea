import { createServer, type Socket } from "node:net";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { describe, expect, it } from "vitest";
import { AwsUnreachableError, endpointOrigin } from "../../../src/adapters/aws/call-context.js";
import { AWS_CALL_BOUND_MS, clientCallConfig, DEFAULT_AWS_CALL_SETTINGS, worstCaseMs } from "../../../src/adapters/aws/call-settings.js";
import { createRdsClient, createRoute53Client } from "../../../src/adapters/aws/clients.js";
import { createSourceRdsClient, createStsClient } from "../../../src/adapters/aws/source-clients.js";
import { awsCallSettingsFrom } from "../../../src/cli/handlers/aws-calls.js";
import { UsageError } from "../../../src/errors.js";

describe("the default call settings", () => {
  it("end a call to a black hole within the stated bound (60 s), with every attempt timed out and the longest backoffs", () => {
    expect(DEFAULT_AWS_CALL_SETTINGS).toEqual({ connectTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 4 });
    // 4 attempts of 10 s, plus backoffs of at most 1 + 2 + 4 s.
    expect(worstCaseMs(DEFAULT_AWS_CALL_SETTINGS)).toBe(47_000);
    expect(worstCaseMs(DEFAULT_AWS_CALL_SETTINGS)).toBeLessThanOrEqual(AWS_CALL_BOUND_MS);
  });

  it("reach the request handler every client is built with (RDS, Route 53, STS, a source in another region)", async () => {
    const options = { region: "eu-west-1" };
    const echo = createRdsClient(options);
    const clients = [echo, createRoute53Client(options), createStsClient(options), createSourceRdsClient({ ...options, source: { copy: { region: "us-east-1", kmsKeyId: "alias/x" } } as never }, echo)];
    for (const client of clients) {
      expect(await resolvedConfig(client.config.requestHandler)).toMatchObject({ connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true, socketTimeout: 10_000 });
      expect(await client.config.maxAttempts()).toBe(4);
      expect(Reflect.get(await client.config.retryStrategy(), "mode")).toBe("adaptive");
      client.destroy();
    }
  });

  it("are what clientCallConfig hands a client, overrides included", () => {
    expect(clientCallConfig({ connectTimeoutMs: 500, requestTimeoutMs: 700, maxAttempts: 2 })).toEqual({
      requestHandler: { connectionTimeout: 500, requestTimeout: 700, throwOnRequestTimeout: true, socketTimeout: 700 },
      retryMode: "adaptive",
      maxAttempts: 2,
    });
  });
});

/** The options the client's NodeHttpHandler resolved (it keeps them as a promise until its first request). */
async function resolvedConfig(handler: unknown): Promise<unknown> {
  const provider: unknown = typeof handler === "object" && handler !== null ? Reflect.get(handler, "configProvider") : undefined;
  expect(provider).toBeInstanceOf(Promise);
  return provider;
}

describe("a client's calls end: in process, against a black hole", () => {
  it("fails after maxAttempts timed-out attempts with the call, the endpoint and its origin", async () => {
    const sockets = new Set<Socket>();
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    const before = process.env["AWS_ENDPOINT_URL_RDS"];
    process.env["AWS_ENDPOINT_URL_RDS"] = `http://127.0.0.1:${port}`;
    try {
      const client = createRdsClient({ region: "eu-west-1", calls: { connectTimeoutMs: 300, requestTimeoutMs: 400, maxAttempts: 3 } });
      Object.assign(client.config, { credentials: async () => ({ accessKeyId: "AKIAEXAMPLE", secretAccessKey: "x" }) });
      const error = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "x" })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsUnreachableError);
      expect((error as AwsUnreachableError).call).toEqual({ service: "RDS", operation: "DescribeDBInstances", endpoint: `http://127.0.0.1:${port}`, origin: "AWS_ENDPOINT_URL_RDS" });
      expect((error as Error).message).toContain("no answer within 400 ms after 3 attempts");
      expect(connections).toBe(3);
      client.destroy();
    } finally {
      if (before === undefined) delete process.env["AWS_ENDPOINT_URL_RDS"];
      else process.env["AWS_ENDPOINT_URL_RDS"] = before;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("endpointOrigin follows the SDK's order", () => {
  it("names the service's variable, then AWS_ENDPOINT_URL, then the profile's endpoint_url, else the default", () => {
    const both = { AWS_ENDPOINT_URL_ROUTE_53: "http://a", AWS_ENDPOINT_URL: "http://b" };
    expect(endpointOrigin("Route 53", "http://a", both)).toBe("AWS_ENDPOINT_URL_ROUTE_53");
    expect(endpointOrigin("RDS", "http://b", both)).toBe("AWS_ENDPOINT_URL");
    expect(endpointOrigin("RDS", "http://c", { AWS_CONFIG_FILE: "/etc/aws" }, "team")).toBe('endpoint_url of the profile "team" in /etc/aws');
    expect(endpointOrigin("RDS", "http://c", { AWS_PROFILE: "ci" })).toBe('endpoint_url of the profile "ci" in ~/.aws/config');
    expect(endpointOrigin("RDS", "https://rds.eu-west-1.amazonaws.com", {})).toBe("the default endpoint of RDS");
    expect(endpointOrigin("RDS", "https://rds.eu-west-1.amazonaws.com", { ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" })).toBe("the default endpoint of RDS");
  });
});

describe("awsCallSettingsFrom (the CLI edge)", () => {
  it("reads durations with units (a bare number is seconds) and attempts; unset means the defaults", () => {
    expect(awsCallSettingsFrom({})).toEqual(DEFAULT_AWS_CALL_SETTINGS);
    expect(awsCallSettingsFrom({ RDS_ECHO_AWS_CONNECT_TIMEOUT: "250ms", RDS_ECHO_AWS_REQUEST_TIMEOUT: "1.5", RDS_ECHO_AWS_MAX_ATTEMPTS: "1" })).toEqual({ connectTimeoutMs: 250, requestTimeoutMs: 1_500, maxAttempts: 1 });
    expect(awsCallSettingsFrom({ RDS_ECHO_AWS_REQUEST_TIMEOUT: "2m" }).requestTimeoutMs).toBe(120_000);
  });

  it.each([
    ["RDS_ECHO_AWS_CONNECT_TIMEOUT", "50ms"],
    ["RDS_ECHO_AWS_CONNECT_TIMEOUT", "11m"],
    ["RDS_ECHO_AWS_REQUEST_TIMEOUT", "-1"],
    ["RDS_ECHO_AWS_REQUEST_TIMEOUT", "10 s"],
    ["RDS_ECHO_AWS_MAX_ATTEMPTS", "21"],
    ["RDS_ECHO_AWS_MAX_ATTEMPTS", "2.5"],
  ])("refuses %s=%s (exit 2, naming it)", (name, value) => {
    expect(() => awsCallSettingsFrom({ [name]: value })).toThrow(UsageError);
    expect(() => awsCallSettingsFrom({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });
});
