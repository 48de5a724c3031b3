import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { adminClient } from "../../../scripts/cli/admin-client.ts";

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server that throttles the first `throttled` requests, then answers 200; what it saw. */
async function throttlingServer(throttled: number, retryAfter?: string) {
  const seen: { method: string; at: number; body: string }[] = [];
  const listening = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      seen.push({ method: request.method ?? "", at: performance.now(), body });
      if (seen.length <= throttled) {
        response.writeHead(429, {
          "content-type": "application/json",
          ...(retryAfter ? { "retry-after": retryAfter } : {}),
        });
        return response.end(JSON.stringify({ error: "RATE_LIMITED", message: "Too many requests" }));
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ok: true }));
    });
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`, seen };
}

describe("the CLIs' admin client under throttling (issue #16)", () => {
  it("waits Retry-After and sends a throttled request again: the gateway refused it before anything ran", async () => {
    // Arrange
    const { url, seen } = await throttlingServer(2, "1");
    const client = adminClient({ url, token: "let-me-in-locally", name: "test", errorExitCode: 2 });
    // Act
    const answer = await client.call<{ ok: boolean }>("POST", "/admin/dlq/redrive", { all: true });
    // Assert
    expect(answer).toEqual({ ok: true });
    expect(seen.map((request) => request.body)).toEqual(Array(3).fill(JSON.stringify({ all: true })));
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("waits a second when the gateway gives no Retry-After, as the deployed API Gateway does not", async () => {
    const { url, seen } = await throttlingServer(1);
    const client = adminClient({ url, token: "let-me-in-locally", name: "test", errorExitCode: 2 });
    await client.call("GET", "/admin/dlq");
    expect(seen).toHaveLength(2);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });
});
