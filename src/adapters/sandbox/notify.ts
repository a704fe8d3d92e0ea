/**
 * The sandbox's notification port: each channel's message, built as the real adapter builds it, lands in the world's
 * outbox (`rds-echo sandbox show`) instead of SNS, the webhook or SES. Faults can fail a channel (`sns.Publish`,
 * `webhook.post`, `ses.SendEmail`), to show that a failed notification is only a warning.
 */
import type { NotifySettings } from "../../definition/notify.js";
import type { Notification, NotifyOutcome, NotifyPort } from "../../ports.js";
import { slackBody } from "../webhook.js";
import type { Faults } from "./faults.js";
import type { SimWorld } from "./world.js";

export class SandboxNotifier implements NotifyPort {
  constructor(
    private readonly world: SimWorld,
    private readonly faults: Faults,
    private readonly settings: NotifySettings,
  ) {}

  async send(n: Notification): Promise<NotifyOutcome[]> {
    const { sns, webhook, email } = this.settings;
    const outcomes: NotifyOutcome[] = [];
    if (sns) outcomes.push(this.#keep(n, "sns", "sns.Publish", { from: "rds-echo", to: sns, subject: n.subject, text: n.text }));
    // The URL is a secret and not needed here: the entry names the secret instead.
    if (webhook) outcomes.push(this.#keep(n, "webhook", "webhook.post", { from: "rds-echo", to: `webhook (secret ${webhook.url.secret})`, subject: n.subject, text: JSON.stringify(slackBody(n.subject, n.text)) }));
    if (email) outcomes.push(this.#keep(n, "email", "ses.SendEmail", { from: email.from, to: email.to.join(", "), subject: n.subject, text: n.text }));
    return outcomes;
  }

  #keep(n: Notification, channel: NotifyOutcome["channel"], operation: string, entry: { from: string; to: string; subject: string; text: string }): NotifyOutcome {
    try {
      this.faults.enter(operation);
    } catch (error) {
      return { channel, error: error instanceof Error ? error.message : String(error) };
    }
    this.world.outbox.push({ ...entry, channel, event: n.event });
    return { channel };
  }
}
