import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  body: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    contentType: response.headers.get("content-type"),
    body: await response.text(),
  };
}

/** `count` requests to `path` at once; the answers, and how long the burst took. */
async function burst(system: RunningSystem, path: string, count: number) {
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: count }, () => get(`${system.url}${path}`)));
  return { answers, seconds: (performance.now() - started) / 1_000 };
}

describe("rate limits of the local API, as API Gateway throttles (issue #16)", () => {
  describe("with ORDERS_RATE_LIMIT=5:10", () => {
    let system: RunningSystem;

    beforeAll(async () => {
      system = await startSystem(["--in-memory"], { ORDERS_RATE_LIMIT: "5:10", ORDERS_DEMO_DATA: "off" });
    });

    afterAll(async () => {
      await system?.stop();
    });

    it("answers a burst past the limit with 429 RATE_LIMITED and Retry-After, and recovers after it", async () => {
      // Act: 40 requests to the public /health at once.
      const { answers, seconds } = await burst(system, "/health", 40);
      const limited = answers.filter((answer) => answer.status === 429);
      const through = answers.length - limited.length;

      // Assert: the burst of 10 went through (plus what 5 a second refilled meanwhile), the rest were refused.
      expect(through).toBeGreaterThanOrEqual(10);
      expect(through).toBeLessThanOrEqual(10 + Math.ceil(5 * seconds) + 1);
      expect(limited.length).toBeGreaterThan(0);
      for (const answer of limited) {
        expect(answer.contentType).toBe("application/json");
        expect(JSON.parse(answer.body)).toEqual({ error: "RATE_LIMITED", message: expect.any(String) });
        expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
      }

      // Act: wait what the gateway said, then ask again.
      const wait = Math.max(...limited.map((answer) => Number(answer.retryAfter)));
      await sleep(wait * 1_000);
      const after = await get(`${system.url}/health`);

      // Assert
      expect(after.status).not.toBe(429);
      expect(JSON.parse(after.body)).toMatchObject({ status: expect.any(String) });
      process.stdout.write(
        `burst of 40 on GET /health at 5:10 in ${seconds.toFixed(2)} s: ${through} through, ${limited.length} × 429 (Retry-After ${wait} s); after waiting: ${after.status}\n`,
      );
    });

    it("throttles each route on its own: a flood of /health leaves another route its whole burst", async () => {
      // Arrange: empty /health's bucket.
      await burst(system, "/health", 20);
      // Act
      const { answers } = await burst(system, "/openapi.json", 10);
      // Assert
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    });

    it("answers no cross-origin preflight or request with CORS headers, as the deployed API with no listed origins", async () => {
      // Act
      const preflight = await fetch(`${system.url}/admin/dlq`, {
        method: "OPTIONS",
        headers: {
          origin: "https://elsewhere.example",
          "access-control-request-method": "GET",
          "access-control-request-headers": "authorization",
        },
      });
      const read = await fetch(`${system.url}/openapi.json`, { headers: { origin: "https://elsewhere.example" } });
      // Assert
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      expect(read.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  it("enforces the manifest's own limits when ORDERS_RATE_LIMIT is not set (GET /health: 10 a second, burst 20)", async () => {
    // Arrange
    const system = await startSystem(["--in-memory"], { ORDERS_RATE_LIMIT: "", ORDERS_DEMO_DATA: "off" });
    try {
      // Act
      const { answers, seconds } = await burst(system, "/health", 40);
      // Assert
      const through = answers.filter((answer) => answer.status !== 429).length;
      expect(through).toBeLessThan(answers.length);
      expect(through).toBeGreaterThanOrEqual(20);
      expect(through).toBeLessThanOrEqual(20 + Math.ceil(10 * seconds) + 1);
    } finally {
      await system.stop();
    }
  });

  it.each(["5", "0:10", "5:1.5", "five:10", "5:10 "])(
    "refuses ORDERS_RATE_LIMIT=%j at start, saying what it wants",
    async (value) => {
      await expect(startSystem(["--in-memory"], { ORDERS_RATE_LIMIT: value })).rejects.toThrow(
        /exited with 1[\s\S]*ORDERS_RATE_LIMIT must be <per second>:<burst>/,
      );
    },
  );
});
