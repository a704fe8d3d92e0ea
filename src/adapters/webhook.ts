/**
 * A Slack-compatible webhook: one JSON POST (`{ "text": … }`), retried on 5xx, 429 and network errors with a growing
 * pause, each attempt bounded by a timeout. Errors never repeat the URL: it is a secret (it lets anyone post).
 */
export interface WebhookOptions {
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly attempts?: number;
  /** The pause before the second attempt; doubled before each one after. */
  readonly backoffMs?: number;
}

const DEFAULTS = { timeoutMs: 10_000, attempts: 3, backoffMs: 1_000 } as const;

/** The message as Slack (and Mattermost, Teams' Slack-compatible connectors, …) read it. */
export function slackBody(subject: string, text: string): { text: string } {
  return { text: `*${subject}*\n${text}` };
}

export async function postWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<void> {
  const { timeoutMs, attempts, backoffMs } = { ...DEFAULTS, ...options };
  let last = "no attempt made";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 2)));
    let status: number;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      // Read the answer so the connection is released (Slack answers a short "ok").
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      last = transportProblem(error, timeoutMs);
      continue;
    }
    if (status >= 200 && status < 300) return;
    last = `the webhook answered HTTP ${status}`;
    // A 4xx other than 429 will not change by asking again (a revoked URL, a bad body).
    if (status < 500 && status !== 429) throw new Error(last);
  }
  throw new Error(`${last} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`);
}

/** A transport failure in words, without the URL. */
function transportProblem(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return `the webhook could not be reached (${typeof cause?.code === "string" ? cause.code : error instanceof Error ? error.name : "error"})`;
}
