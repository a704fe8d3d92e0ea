import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { postWebhook, slackBody } from "../../src/adapters/webhook.js";

interface Received {
  method: string;
  type: string | undefined;
  body: string;
}

let server: Server | undefined;

/** A loopback HTTP server answering each request with the next of `answers` (a status, or "hang" to never answer). */
async function serve(answers: (number | "hang")[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ method: req.method ?? "", type: req.headers["content-type"], body });
      const answer = answers[received.length - 1] ?? 200;
      if (answer === "hang") return;
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer === 200 ? "ok" : "error");
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-token`, received };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe("the webhook (loopback HTTP server)", () => {
  it("POSTs Slack-compatible JSON: one text field with the subject in bold, then the lines", async () => {
    const { url, received } = await serve([200]);
    await postWebhook(url, slackBody("[rds-echo] development: A promoted", "A now serves.\nCNAME: db -> a"));
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe("POST");
    expect(received[0]!.type).toBe("application/json");
    expect(JSON.parse(received[0]!.body)).toEqual({ text: "*[rds-echo] development: A promoted*\nA now serves.\nCNAME: db -> a" });
  });

  it("retries on 5xx and 429 with a pause, and succeeds when the server recovers", async () => {
    const { url, received } = await serve([503, 429, 200]);
    const started = Date.now();
    await postWebhook(url, { text: "x" }, { attempts: 3, backoffMs: 50 });
    expect(received).toHaveLength(3);
    expect(received.every((r) => r.body === '{"text":"x"}')).toBe(true);
    // 50 ms before the second attempt, 100 ms before the third.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("gives up after the last attempt on 5xx, and at once on another 4xx; the error never holds the URL", async () => {
    const failing = await serve([500, 502, 500]);
    const error = await postWebhook(failing.url, { text: "x" }, { attempts: 3, backoffMs: 1 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("the webhook answered HTTP 500 (after 3 attempts)");
    expect(failing.received).toHaveLength(3);
    expect((error as Error).message).not.toContain("secret-token");
  });

  it("a 404 (a revoked URL) is not retried", async () => {
    const { url, received } = await serve([404]);
    await expect(postWebhook(url, { text: "x" }, { attempts: 3, backoffMs: 1 })).rejects.toThrow(/^the webhook answered HTTP 404$/);
    expect(received).toHaveLength(1);
  });

  it("times out a server that never answers, per attempt, and says so without the URL", async () => {
    const { url, received } = await serve(["hang", "hang"]);
    const started = Date.now();
    const error = (await postWebhook(url, { text: "x" }, { attempts: 2, timeoutMs: 150, backoffMs: 1 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("no answer within 0.15 s (after 2 attempts)");
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a closed port is a transport error naming its code, not the URL", async () => {
    const { url } = await serve([]);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = (await postWebhook(url, { text: "x" }, { attempts: 1 }).catch((e: Error) => e)) as Error;
    expect(error.message).toBe("the webhook could not be reached (ECONNREFUSED) (after 1 attempt)");
  });
});
