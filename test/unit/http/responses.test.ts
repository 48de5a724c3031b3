import { DiscardRequestSchema, MAX_DISCARD_REASON } from "@orders/core/domain/admin";
import { OrderIdSchema } from "@orders/core/domain/order";
import { describe, expect, it } from "vitest";
import { errorResponse } from "../../../packages/functions/src/http/errors.ts";
import { json } from "../../../packages/functions/src/http/responses.ts";

// Findings of the security review (#16), each held here.
describe("what every answer carries, and what ids and reasons may be", () => {
  it("marks every JSON answer, errors included, no-store and nosniff, unless a route says otherwise", () => {
    // Arrange + Act
    const answers = [
      json(200, { ok: true }),
      errorResponse(new Error("boom")),
      json(200, {}, { "cache-control": "max-age=60" }),
    ];
    // Assert
    expect(answers[0]?.headers).toMatchObject({ "cache-control": "no-store", "x-content-type-options": "nosniff" });
    expect(answers[1]?.headers).toMatchObject({ "cache-control": "no-store", "x-content-type-options": "nosniff" });
    expect(answers[2]?.headers).toMatchObject({ "cache-control": "max-age=60", "x-content-type-options": "nosniff" });
  });

  it("refuses the order ids . and .., which a URL path resolves away, and keeps ids that merely hold dots", () => {
    expect(OrderIdSchema.safeParse(".").success).toBe(false);
    expect(OrderIdSchema.safeParse("..").success).toBe(false);
    expect(OrderIdSchema.safeParse("...").success).toBe(true);
    expect(OrderIdSchema.safeParse("order.001").success).toBe(true);
  });

  it("bounds a discard's reason: said, and at most 500 characters", () => {
    expect(DiscardRequestSchema.safeParse({ reason: "duplicate of order-7" }).success).toBe(true);
    expect(DiscardRequestSchema.safeParse({ reason: "" }).success).toBe(false);
    expect(DiscardRequestSchema.safeParse({ reason: "x".repeat(MAX_DISCARD_REASON + 1) }).success).toBe(false);
  });
});
