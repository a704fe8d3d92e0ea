/**
 * The real notification port: SNS (published in the topic's own region), SES v2 e-mail, and the webhook. Every channel
 * is tried; each one's failure is returned as its outcome, never thrown (a notification never fails a run).
 */
import type { PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import type { SendEmailCommandInput, SESv2Client } from "@aws-sdk/client-sesv2";
import { topicRegion, type NotifySettings } from "../../definition/notify.js";
import { awsClient } from "./aws-client.js";
import type { AwsCallSettings } from "./call-settings.js";
import type { Notification, NotifyOutcome, NotifyPort } from "../../ports.js";
import { postWebhook, slackBody, type WebhookOptions } from "../webhook.js";

export interface AwsNotifierOptions {
  /** The echo's region: SES sends from there (where the `from` identity is verified). */
  readonly region: string;
  readonly profile?: string;
  /** Timeouts and attempts of each SNS and SES call (see call-settings.ts). */
  readonly calls?: AwsCallSettings;
  /** The webhook URL, read from its secret at the CLI edge. */
  readonly webhookUrl?: string;
  readonly webhook?: WebhookOptions;
  /** Clients to use instead of new ones (tests). */
  readonly sns?: SNSClient;
  readonly ses?: SESv2Client;
}

/** The SNS publish of a notification. */
export function snsMessage(topicArn: string, n: Notification): PublishCommandInput {
  return { TopicArn: topicArn, Subject: n.subject, Message: n.text };
}

/** The SES v2 e-mail of a notification: one message to every recipient, plain text. */
export function notificationEmail(from: string, to: readonly string[], n: Notification): SendEmailCommandInput {
  return {
    FromEmailAddress: from,
    Destination: { ToAddresses: [...to] },
    Content: { Simple: { Subject: { Data: n.subject, Charset: "UTF-8" }, Body: { Text: { Data: n.text, Charset: "UTF-8" } } } },
  };
}

export class AwsNotifier implements NotifyPort {
  #sns: SNSClient | undefined;
  #ses: SESv2Client | undefined;
  constructor(
    private readonly settings: NotifySettings,
    private readonly options: AwsNotifierOptions,
  ) {}

  async send(n: Notification): Promise<NotifyOutcome[]> {
    const { sns, webhook, email } = this.settings;
    const outcomes: NotifyOutcome[] = [];
    if (sns) outcomes.push(await attempt("sns", () => this.#publish(sns, n)));
    if (webhook) outcomes.push(await attempt("webhook", () => this.#post(n)));
    if (email) outcomes.push(await attempt("email", () => this.#email(email.from, email.to, n)));
    return outcomes;
  }

  async #publish(topicArn: string, n: Notification): Promise<void> {
    const { SNSClient, PublishCommand } = await import("@aws-sdk/client-sns");
    this.#sns ??= this.options.sns ?? awsClient((config) => new SNSClient(config), { ...this.#clientOptions(), clientRegion: topicRegion(topicArn) });
    await this.#sns.send(new PublishCommand(snsMessage(topicArn, n)));
  }

  async #email(from: string, to: readonly string[], n: Notification): Promise<void> {
    const { SESv2Client, SendEmailCommand } = await import("@aws-sdk/client-sesv2");
    this.#ses ??= this.options.ses ?? awsClient((config) => new SESv2Client(config), this.#clientOptions());
    await this.#ses.send(new SendEmailCommand(notificationEmail(from, to, n)));
  }

  async #post(n: Notification): Promise<void> {
    const url = this.options.webhookUrl;
    if (!url) throw new Error("the webhook's URL secret was not given");
    await postWebhook(url, slackBody(n.subject, n.text), this.options.webhook);
  }

  #clientOptions(): { region: string; profile?: string; calls?: AwsCallSettings } {
    const { region, profile, calls } = this.options;
    return { region, ...(profile ? { profile } : {}), ...(calls ? { calls } : {}) };
  }
}

async function attempt(channel: NotifyOutcome["channel"], send: () => Promise<void>): Promise<NotifyOutcome> {
  try {
    await send();
    return { channel };
  } catch (error) {
    return { channel, error: error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error) };
  }
}
