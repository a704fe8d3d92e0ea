import { describe, expect, it } from "vitest";
import { createRdsClient, createRoute53Client } from "../../../src/adapters/aws/clients.js";
import { createAwsPorts } from "../../../src/adapters/aws/index.js";
import { AwsRds } from "../../../src/adapters/aws/rds.js";
import { AwsDns } from "../../../src/adapters/aws/route53.js";

describe("AWS clients", () => {
  it("retry with the SDK's adaptive strategy (client-side rate limiting on throttling), 4 attempts (bounded, see call-settings.test.ts)", async () => {
    const client = createRdsClient({ region: "eu-west-1" });
    expect(client.config.retryMode).toBe("adaptive");
    expect(await client.config.maxAttempts()).toBe(4);
    const strategy = await client.config.retryStrategy();
    expect(strategy.constructor.name).toBe("AdaptiveRetryStrategy");
    expect(await client.config.region()).toBe("eu-west-1");
  });

  it("use the named profile when given, and none otherwise", () => {
    expect(createRdsClient({ region: "eu-west-1", profile: "staging" }).config.profile).toBe("staging");
    expect(createRdsClient({ region: "eu-west-1" }).config.profile).toBeUndefined();
  });

  it("send Route 53 to us-east-1 whatever the echo's region, with the same retries and profile", async () => {
    const client = createRoute53Client({ region: "eu-west-1", profile: "staging" });
    expect(await client.config.region()).toBe("us-east-1");
    expect(client.config.retryMode).toBe("adaptive");
    expect(client.config.profile).toBe("staging");
  });

  it("createAwsPorts wires both adapters", () => {
    const ports = createAwsPorts({ region: "eu-west-1", signer: {} });
    expect(ports.rds).toBeInstanceOf(AwsRds);
    expect(ports.dns).toBeInstanceOf(AwsDns);
  });
});
