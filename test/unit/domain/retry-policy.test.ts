import { DependencyRejectedError, PoisonMessageError } from "@orders/core/domain/errors";
import { type RetryPolicy, retryDelaySeconds } from "@orders/core/domain/retry-policy";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const policy: RetryPolicy = { baseSeconds: 1, maxSeconds: 300, maxReceiveCount: 3 };

describe("retry backoff", () => {
  it("waits about 2^attempt seconds, between half and all of it", () => {
    expect(retryDelaySeconds(1, new Error("x"), policy, () => 0)).toBe(1);
    expect(retryDelaySeconds(1, new Error("x"), policy, () => 0.999)).toBe(2);
    expect(retryDelaySeconds(2, new Error("x"), policy, () => 0.999)).toBe(4);
  });

  it("sends a poison message and a last attempt straight back", () => {
    expect(retryDelaySeconds(1, new PoisonMessageError("bad"), policy)).toBe(0);
    expect(retryDelaySeconds(3, new Error("x"), policy)).toBe(0);
  });

  it("sends a request the table refused as invalid straight back: retrying it cannot help", () => {
    expect(retryDelaySeconds(1, new DependencyRejectedError("table", "table: credit payee refused"), policy)).toBe(0);
  });

  it("never exceeds the cap nor SQS's 12-hour limit", () => {
    const generous = { baseSeconds: 10, maxSeconds: 1_000_000, maxReceiveCount: 100 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = retryDelaySeconds(attempt, new Error("x"), generous, () => r);
        return Number.isInteger(delay) && delay >= 0 && delay <= 43_200;
      }),
    );
    expect(retryDelaySeconds(2, new Error("x"), { ...policy, maxSeconds: 3 }, () => 0.999)).toBe(3);
  });
});
