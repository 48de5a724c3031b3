import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RouteSpec } from "../../../infra/manifest.ts";
import {
  parseRateLimit,
  RateLimitSettingError,
  RouteRateLimiter,
  TokenBucket,
} from "../../../packages/local/src/rate-limit.ts";

/** A clock the test moves by hand, in milliseconds. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Takes `count` tokens at once; how many were let through. */
function admitted(take: () => { ok: boolean }, count: number): number {
  let passed = 0;
  for (let i = 0; i < count; i++) if (take().ok) passed++;
  return passed;
}

function route(method: RouteSpec["method"], path: string, throttle?: RouteSpec["throttle"]): RouteSpec {
  return {
    method,
    path,
    access: "public",
    handler: "packages/functions/src/api/health.handler",
    links: [],
    timeoutSeconds: 10,
    memoryMb: 512,
    ...(throttle ? { throttle } : {}),
  };
}

describe("TokenBucket", () => {
  it("lets a full burst through at once, then refuses with Retry-After in whole seconds", () => {
    // Arrange
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 10 }, clock.now);
    // Act
    const passed = admitted(() => bucket.take(), 10);
    const refused = bucket.take();
    // Assert: the next token comes in 0.2 s, said as 1 s (Retry-After is an integer, at least 1).
    expect(passed).toBe(10);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("refills at its rate, never past its burst", () => {
    // Arrange
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 10 }, clock.now);
    admitted(() => bucket.take(), 10);
    // Act + Assert: one second gives five tokens back.
    clock.advance(1_000);
    expect(admitted(() => bucket.take(), 20)).toBe(5);
    // An hour idle fills it to the burst, not beyond.
    clock.advance(3_600_000);
    expect(admitted(() => bucket.take(), 20)).toBe(10);
  });

  it("says how long until the next token on a slow bucket, rounded up", () => {
    // Arrange
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.25, burst: 1 }, clock.now);
    bucket.take();
    // Act
    clock.advance(1_500);
    const refused = bucket.take();
    // Assert: 4 s a token, 1.5 s gone: 2.5 s left, said as 3.
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 3 });
  });

  it("admits again once Retry-After has passed", () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.5, burst: 2 }, clock.now);
    admitted(() => bucket.take(), 2);
    const refused = bucket.take();
    expect(refused.ok).toBe(false);
    clock.advance((refused.ok ? 0 : refused.retryAfterSeconds) * 1_000);
    expect(bucket.take().ok).toBe(true);
  });

  it("never admits more than burst + rate × elapsed, however the requests come (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 300 }),
        (rate, burst, gaps) => {
          // Arrange
          const clock = manualClock();
          const bucket = new TokenBucket({ ratePerSecond: rate, burst }, clock.now);
          // Act
          let passed = 0;
          let elapsed = 0;
          for (const gap of gaps) {
            clock.advance(gap);
            elapsed += gap;
            const verdict = bucket.take();
            if (verdict.ok) passed++;
            else expect(Number.isInteger(verdict.retryAfterSeconds) && verdict.retryAfterSeconds >= 1).toBe(true);
          }
          // Assert
          expect(passed).toBeLessThanOrEqual(burst + (rate * elapsed) / 1_000 + 1e-9);
        },
      ),
    );
  });
});

describe("RouteRateLimiter", () => {
  const routes = [
    route("GET", "/health", { ratePerSecond: 1, burst: 2 }),
    route("GET", "/orders/{id}"),
    route("POST", "/orders", { ratePerSecond: 1, burst: 3 }),
  ];
  const stage = { ratePerSecond: 1, burst: 5 };

  it("gives each route key a bucket of its own: a route's throttle, else the stage's default", () => {
    // Arrange
    const clock = manualClock();
    const limiter = new RouteRateLimiter(routes, { stage, now: clock.now });
    // Act
    const health = admitted(() => limiter.take("GET /health"), 10);
    const reads = admitted(() => limiter.take("GET /orders/{id}"), 10);
    const submits = admitted(() => limiter.take("POST /orders"), 10);
    // Assert: flooding /health took nothing from the others.
    expect([health, reads, submits]).toEqual([2, 5, 3]);
  });

  it("lets an override (ORDERS_RATE_LIMIT) replace every route's throttle and the stage's", () => {
    const clock = manualClock();
    const limiter = new RouteRateLimiter(routes, { stage, override: { ratePerSecond: 1, burst: 7 }, now: clock.now });
    const counts = routes.map((each) => admitted(() => limiter.take(`${each.method} ${each.path}`), 10));
    expect(counts).toEqual([7, 7, 7]);
  });

  it("does not limit what is no route of the API", () => {
    const limiter = new RouteRateLimiter(routes, { stage, now: manualClock().now });
    expect(admitted(() => limiter.take("DELETE /nothing"), 100)).toBe(100);
  });
});

describe("parseRateLimit (ORDERS_RATE_LIMIT)", () => {
  it.each([
    ["5:10", { ratePerSecond: 5, burst: 10 }],
    ["0.5:1", { ratePerSecond: 0.5, burst: 1 }],
    ["10000:5000", { ratePerSecond: 10_000, burst: 5_000 }],
  ])("reads %s as a rate per second and a burst", (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  it.each([
    "",
    "5",
    "5:",
    ":10",
    "0:10",
    "5:0",
    "5:1.5",
    "-1:3",
    "abc",
    " 5:10",
    "5:10 ",
    "5:10:1",
    "1e3:10",
    "Infinity:1",
    "5/10",
    "0x10:10",
    "5:99999999999999999999",
    "05:10",
    "5:010",
  ])("refuses %j, saying what it expects", (text) => {
    expect(() => parseRateLimit(text)).toThrow(RateLimitSettingError);
    expect(() => parseRateLimit(text)).toThrow(/ORDERS_RATE_LIMIT.*<per second>:<burst>/);
  });

  it("refuses whatever is not two positive numbers, the burst whole (property)", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const limit = parseRateLimit(text);
          expect(limit.ratePerSecond).toBeGreaterThan(0);
          expect(Number.isSafeInteger(limit.burst) && limit.burst >= 1).toBe(true);
          expect(parseRateLimit(`${limit.ratePerSecond}:${limit.burst}`)).toEqual(limit);
        } catch (error) {
          expect(error).toBeInstanceOf(RateLimitSettingError);
        }
      }),
    );
  });
});
