import type { ServerResponse } from "node:http";
import type { RouteSpec, Throttle } from "@orders/infra/manifest";

/** Milliseconds since some fixed point: `Date.now` in the runtime, a hand-moved clock in tests. */
export type Clock = () => number;

/** Let through, or refused with how many whole seconds to wait (at least 1). */
export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * API Gateway's throttle: a bucket of `burst` tokens, refilled at
 * `ratePerSecond`; each request takes one, and none left means 429.
 */
export class TokenBucket {
  readonly #limit: Throttle;
  readonly #now: Clock;
  #tokens: number;
  #at: number;

  constructor(limit: Throttle, now: Clock = Date.now) {
    this.#limit = limit;
    this.#now = now;
    this.#tokens = limit.burst;
    this.#at = now();
  }

  /** Takes a token if there is one. */
  take(): RateVerdict {
    const now = this.#now();
    const { ratePerSecond, burst } = this.#limit;
    this.#tokens = Math.min(burst, this.#tokens + (Math.max(0, now - this.#at) / 1_000) * ratePerSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.#tokens) / ratePerSecond)) };
  }
}

export interface RouteRateLimiterOptions {
  /** The stage's default, for every route without a throttle of its own. */
  stage: Throttle;
  /** Replaces every route's throttle and the stage's (`ORDERS_RATE_LIMIT`). */
  override?: Throttle | undefined;
  now?: Clock;
}

/**
 * The local API's throttling, as API Gateway applies the manifest's: one
 * bucket per route key, of the route's own throttle or else the stage's
 * default. Paths that match no route are not limited (they get 404).
 */
export class RouteRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(routes: readonly RouteSpec[], options: RouteRateLimiterOptions) {
    for (const route of routes) {
      const limit = options.override ?? route.throttle ?? options.stage;
      this.#buckets.set(`${route.method} ${route.path}`, new TokenBucket(limit, options.now));
    }
  }

  /** Takes a token from the route key's bucket (`GET /orders/{id}`). */
  take(routeKey: string): RateVerdict {
    return this.#buckets.get(routeKey)?.take() ?? { ok: true };
  }
}

/**
 * For the tests, benches and experiments that flood the local system on
 * purpose: API Gateway's account-level default per Region, far past what one
 * machine serves, so only the account's own limit would apply.
 */
export const FLOOD_RATE_LIMIT: Throttle = { ratePerSecond: 10_000, burst: 5_000 };

/** A malformed `ORDERS_RATE_LIMIT`, refused at start. */
export class RateLimitSettingError extends Error {
  override name = "RateLimitSettingError";
}

const RATE_LIMIT = /^((?:0|[1-9]\d{0,8})(?:\.\d{1,6})?):([1-9]\d{0,8})$/;

/**
 * Reads `ORDERS_RATE_LIMIT`, `<per second>:<burst>` (`5:10`): a positive
 * rate, decimals allowed, and a whole burst of at least 1. Anything else
 * throws, naming the variable and the form it wants.
 */
export function parseRateLimit(text: string): Throttle {
  const match = RATE_LIMIT.exec(text);
  const ratePerSecond = Number(match?.[1]);
  const burst = Number(match?.[2]);
  if (!match || !(ratePerSecond > 0) || !(burst >= 1)) {
    throw new RateLimitSettingError(
      `ORDERS_RATE_LIMIT must be <per second>:<burst>, a rate above 0 and a whole burst of at least 1 (e.g. 5:10), not ${JSON.stringify(text)}`,
    );
  }
  return { ratePerSecond, burst };
}

/**
 * API Gateway's answer to a throttled request, before any function runs, in
 * the API's error envelope and with `Retry-After` (which the deployed API
 * Gateway does not send: it answers `{"message":"Too Many Requests"}`).
 */
export function writeRateLimited(response: ServerResponse, retryAfterSeconds: number): void {
  response.writeHead(429, {
    "content-type": "application/json",
    "retry-after": String(retryAfterSeconds),
    "cache-control": "no-store",
  });
  response.end(
    JSON.stringify({
      error: "RATE_LIMITED",
      message: `Too many requests on this route: retry after ${retryAfterSeconds} s`,
    }),
  );
}
