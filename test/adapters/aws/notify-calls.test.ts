/**
 * The notification and approval clients (SNS, SES v2) end their calls like every other: built by awsClient with the
 * run's settings, against a loopback black hole, in process. (Not mocked: aws-sdk-client-mock would replace `send`.)
 */
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsApprovals } from "../../../src/adapters/aws/approvals.js";
import { AwsNotifier } from "../../../src/adapters/aws/notify.js";
import { notifySchema } from "../../../src/definition/notify.js";
import type { Notification } from "../../../src/ports.js";

const SHORT = { connectTimeoutMs: 300, requestTimeoutMs: 400, maxAttempts: 2 };
const sockets = new Set<Socket>();
let connections = 0;
const server = createServer((socket) => {
  connections++;
  sockets.add(socket);
});
let url = "";
const saved: Record<string, string | undefined> = {};
const ENV = ["AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_SESV2", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_ENDPOINT_URL"];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  for (const name of ENV) saved[name] = process.env[name];
  Object.assign(process.env, { AWS_ENDPOINT_URL_SNS: url, AWS_ENDPOINT_URL_SESV2: url, AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY: "dummy" });
  delete process.env["AWS_PROFILE"];
  delete process.env["AWS_ENDPOINT_URL"];
});
afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const notification: Notification = { event: "promoted", echo: "development", subject: "s", text: "t" };

describe("notification and approval clients against a black hole", () => {
  it("SNS and SES end after the run's attempts, each outcome naming the call, the endpoint and its origin", async () => {
    const settings = notifySchema.parse({ on: ["promoted"], sns: "arn:aws:sns:us-east-1:123456789012:t", email: { from: "a@example.com", to: ["b@example.com"] } });
    const before = connections;
    const outcomes = await new AwsNotifier(settings, { region: "eu-west-1", calls: SHORT }).send(notification);
    expect(outcomes).toEqual([
      { channel: "sns", error: `AwsUnreachableError: SNS Publish at ${url} (endpoint from AWS_ENDPOINT_URL_SNS): no answer within 400 ms after 2 attempts ${tail()}` },
      { channel: "email", error: `AwsUnreachableError: SESv2 SendEmail at ${url} (endpoint from AWS_ENDPOINT_URL_SESV2): no answer within 400 ms after 2 attempts ${tail()}` },
    ]);
    expect(connections - before).toBe(4);
  }, 20_000);

  it("the approval e-mails' SES client too", async () => {
    const approvals = new AwsApprovals("eu-west-1", {}, undefined, undefined, SHORT);
    const message = {
      from: "a@example.com",
      to: "b@example.com",
      echo: "development",
      generation: "development-20261125-1230",
      cname: "development.db.example.com",
      snapshot: "rds:production-db-2026-11-25-03-10",
      expiresAt: new Date("2026-11-27T12:00:00Z"),
      approve: "https://example.com/approve",
      cancel: "https://example.com/cancel",
    };
    await expect(approvals.send([message])).rejects.toThrow(`SESv2 SendEmail at ${url} (endpoint from AWS_ENDPOINT_URL_SESV2): no answer within 400 ms after 2 attempts`);
  }, 20_000);
});

function tail(): string {
  return "(connect timeout 300 ms, request timeout 400 ms, 2 attempts: RDS_ECHO_AWS_CONNECT_TIMEOUT, RDS_ECHO_AWS_REQUEST_TIMEOUT, RDS_ECHO_AWS_MAX_ATTEMPTS)";
}
