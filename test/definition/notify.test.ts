import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/errors.js";
import { webhookUrlProblem } from "../../src/definition/notify.js";
import { definitionFrom, developmentData } from "../helpers/definitions.js";

function issues(notify: unknown): { key: string | undefined; message: string }[] {
  const data = developmentData();
  data.notify = notify;
  try {
    definitionFrom(data);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).issues.map((i) => ({ key: i.key, message: i.message }));
  }
  throw new Error("expected the definition to be rejected");
}

describe("the notify section", () => {
  it("accepts the documented example and defaults `on` to [failure]", () => {
    const data = developmentData();
    data.notify = { sns: "arn:aws:sns:eu-west-1:123456789012:db-refresh", webhook: { url: { secret: "slackWebhook" } }, email: { from: "refresh@example.com", to: ["dba@example.com"] } };
    expect(definitionFrom(data).notify).toEqual({ ...data.notify, on: ["failure"] });
  });

  it("refuses a bad ARN, an unknown event, a literal URL, a bad address and a section without a channel, naming each key", () => {
    expect(issues({ sns: "arn:aws:sqs:eu-west-1:123456789012:q" })).toEqual([{ key: "notify.sns", message: expect.stringMatching(/must be an SNS topic ARN/) }]);
    expect(issues({ on: ["failure", "promotion"], sns: "arn:aws:sns:eu-west-1:123456789012:t" })).toEqual([
      { key: "notify.on[1]", message: 'must be one of "failure", "waiting", "promoted", "retired"' },
    ]);
    expect(issues({ webhook: { url: "https://hooks.slack.com/services/T/B/x" } })).toEqual([
      { key: "notify.webhook.url", message: expect.stringMatching(/must name a secret, never the URL itself: write `url: \{ secret: slackWebhook \}`/) },
    ]);
    expect(issues({ email: { from: "refresh", to: [] } }).map((i) => i.key)).toEqual(["notify.email.from", "notify.email.to"]);
    expect(issues({ on: ["failure"] })).toEqual([{ key: "notify", message: "names no channel: give sns, webhook or email" }]);
    expect(issues({ sns: "arn:aws:sns:eu-west-1:123456789012:t", slack: "x" }).map((i) => i.key)).toEqual(["notify.slack"]);
  });

  it("a webhook URL (the secret's value) must be http(s); the problem never repeats it", () => {
    expect(webhookUrlProblem("https://hooks.slack.com/services/T/B/x")).toBeUndefined();
    expect(webhookUrlProblem("http://127.0.0.1:8080/hook")).toBeUndefined();
    expect(webhookUrlProblem("hooks.slack.com/services/T/B/x")).toBe("is not a URL");
    expect(webhookUrlProblem("ftp://example.com/x")).toBe("is a ftp URL, not http(s)");
  });
});
