import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { AwsNotifier } from "../../../src/adapters/aws/notify.js";
import { notifySchema } from "../../../src/definition/notify.js";
import { notificationsFor } from "../../../src/notify/messages.js";

const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
afterEach(() => {
  sns.reset();
  ses.reset();
});

const TOPIC = "arn:aws:sns:us-east-1:123456789012:db-refresh";
const settings = notifySchema.parse({ on: ["promoted"], sns: TOPIC, email: { from: "refresh@example.com", to: ["dba@example.com", "ops@example.com"] } });
const [promoted] = notificationsFor(
  { echo: "development", command: "up", cname: "development.db.example.com", snapshots: new Map([["development-20261126-0300", "rds:production-db-2026-11-26-03-10"]]) },
  [{ step: "promote", generation: "development-20261126-0300", detail: "development.db.example.com -> development-20261126-0300.abc.eu-west-1.rds.amazonaws.com" }],
);

function notifier() {
  return new AwsNotifier(settings, { region: "eu-west-1", sns: new SNSClient({ region: "us-east-1" }), ses: new SESv2Client({ region: "eu-west-1" }) });
}

describe("the AWS notifier (aws-sdk-client-mock)", () => {
  it("publishes to the topic and e-mails every recipient through SES: the CNAME, the endpoint and the snapshot", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    ses.on(SendEmailCommand).resolves({ MessageId: "e-1" });
    expect(await notifier().send(promoted!)).toEqual([{ channel: "sns" }, { channel: "email" }]);

    const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(published).toEqual({
      TopicArn: TOPIC,
      Subject: "[rds-echo] development: development-20261126-0300 promoted",
      Message: [
        "development-20261126-0300 now serves.",
        "CNAME: development.db.example.com -> development-20261126-0300.abc.eu-west-1.rds.amazonaws.com",
        "Snapshot: rds:production-db-2026-11-26-03-10",
      ].join("\n"),
    });
    const mail = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(mail.FromEmailAddress).toBe("refresh@example.com");
    expect(mail.Destination).toEqual({ ToAddresses: ["dba@example.com", "ops@example.com"] });
    expect(mail.Content?.Simple?.Subject?.Data).toBe(published.Subject);
    expect(mail.Content?.Simple?.Body?.Text?.Data).toBe(published.Message);
  });

  it("a failing channel is an outcome, not an exception, and the others still go out", async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error("User is not authorized to perform: SNS:Publish"), { name: "AuthorizationErrorException" }));
    ses.on(SendEmailCommand).resolves({ MessageId: "e-1" });
    expect(await notifier().send(promoted!)).toEqual([
      { channel: "sns", error: "AuthorizationErrorException: User is not authorized to perform: SNS:Publish" },
      { channel: "email" },
    ]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it("a webhook without its URL secret fails alone, as an outcome", async () => {
    const withWebhook = notifySchema.parse({ webhook: { url: { secret: "slackWebhook" } } });
    expect(await new AwsNotifier(withWebhook, { region: "eu-west-1" }).send(promoted!)).toEqual([{ channel: "webhook", error: "the webhook's URL secret was not given" }]);
  });
});
