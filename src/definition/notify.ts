/**
 * The `notify` section: who hears about a run (SNS, a Slack-compatible webhook, SES e-mail) and about what. The
 * webhook URL is a secret (anyone holding a Slack webhook URL can post to the channel), so the file only names it:
 * `url: { secret: slackWebhook }`, its value read from RDS_ECHO_SECRET_SLACK_WEBHOOK when a command runs.
 */
import { z } from "zod";
import { CONFIG_KEY_PATTERN } from "../program/stack-config.js";
import { SECRET_FILE_SUFFIX, SECRET_FILE_SUFFIX_MESSAGE } from "./secrets-provider.js";

/** What a notification can be about. */
export const NOTIFY_EVENTS = ["failure", "waiting", "promoted", "retired"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** An SNS topic ARN: partition, region, 12-digit account, topic name (letters, digits, - _; `.fifo` for FIFO topics). */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const secretName = z.strictObject(
  { secret: z.string().regex(CONFIG_KEY_PATTERN, "must be a secret name (letters, digits, _ or -), e.g. slackWebhook").refine((key) => !SECRET_FILE_SUFFIX.test(key), { message: SECRET_FILE_SUFFIX_MESSAGE }) },
  {
    error: (issue) =>
      issue.code === "invalid_type" && typeof issue.input === "string"
        ? "must name a secret, never the URL itself: write `url: { secret: slackWebhook }` and give the URL in RDS_ECHO_SECRET_SLACK_WEBHOOK"
        : undefined,
  },
);

export const notifySchema = z
  .strictObject({
    on: z
      .array(z.enum(NOTIFY_EVENTS, { error: `must be one of ${NOTIFY_EVENTS.join(", ")}` }))
      .min(1)
      .default(["failure"]),
    sns: z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:db-refresh"').optional(),
    webhook: z.strictObject({ url: secretName }).optional(),
    email: z
      .strictObject({
        from: z.string().regex(EMAIL, "must be an e-mail address (a verified SES identity)"),
        to: z.array(z.string().regex(EMAIL, "must be an e-mail address")).min(1),
      })
      .optional(),
  })
  .refine((n) => n.sns !== undefined || n.webhook !== undefined || n.email !== undefined, { message: "names no channel: give sns, webhook or email" });

export type NotifySettings = z.output<typeof notifySchema>;

/** The region of an SNS topic ARN: SNS is published to in the topic's own region, whatever the echo's. */
export function topicRegion(arn: string): string {
  return arn.split(":")[3]!;
}

/**
 * Why a webhook URL will not do, or undefined: only http(s) URLs with a host. Checked when the secret is read, before
 * any cloud call; the message never repeats the URL (it is the secret).
 */
export function webhookUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return `is a ${parsed.protocol.replace(/:$/, "")} URL, not http(s)`;
  if (!parsed.hostname) return "has no host";
  return undefined;
}
