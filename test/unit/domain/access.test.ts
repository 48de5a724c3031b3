import {
  assertMayPayFrom,
  assertMayReadAccount,
  assertMayUseId,
  cancellationFor,
  failureFor,
  listedFor,
  orderSight,
  sagaFor,
} from "@orders/core/domain/access";
import type { Caller } from "@orders/core/domain/caller";
import { AccountNotFoundError, ForbiddenError, InvalidInputError } from "@orders/core/domain/errors";
import { describe, expect, it } from "vitest";

const alice: Caller = { kind: "customer", subject: "alice", account: "1111111" };
const shop: Caller = { kind: "channel", subject: "web-shop" };
const ops: Caller = { kind: "operator", subject: "ops" };
const order = { fromAccount: "1111111", toAccount: "7777777", submittedBy: "channel:web-shop" };

describe("who may do what (domain/access.ts)", () => {
  it("sees an order in full as an operator, as payer for its payer and submitter, as payee for its payee", () => {
    expect(orderSight(ops, order)).toBe("full");
    expect(orderSight(alice, order)).toBe("payer");
    expect(orderSight(shop, order)).toBe("payer");
    expect(orderSight({ kind: "customer", subject: "m", account: "7777777" }, order)).toBe("payee");
    expect(orderSight({ kind: "customer", subject: "x", account: "2222222" }, order)).toBeUndefined();
    expect(orderSight({ kind: "channel", subject: "atm" }, order)).toBeUndefined();
    expect(orderSight(shop, { ...order, submittedBy: undefined })).toBeUndefined();
  });

  it("lets a customer pay from its own account and use ids of its own only", () => {
    expect(() => assertMayPayFrom(alice, "1111111")).not.toThrow();
    expect(() => assertMayPayFrom(alice, "2222222")).toThrow(ForbiddenError);
    expect(() => assertMayPayFrom(shop, "2222222")).not.toThrow();
    expect(() => assertMayUseId(alice, "1111111-a")).not.toThrow();
    for (const id of ["2222222-a", "1111111", "11111110-a", "order-001"]) {
      expect(() => assertMayUseId(alice, id), id).toThrow(InvalidInputError);
    }
    expect(() => assertMayUseId(shop, "order-001")).not.toThrow();
  });

  it("answers another's account as a missing one", () => {
    expect(() => assertMayReadAccount(alice, "1111111")).not.toThrow();
    expect(() => assertMayReadAccount(alice, "7777777")).toThrow(AccountNotFoundError);
    expect(() => assertMayReadAccount(shop, "1111111")).toThrow(AccountNotFoundError);
    expect(() => assertMayReadAccount(ops, "7777777")).not.toThrow();
  });

  it("shows stock levels and an operator's discard reason to operators only, and no failure to a payee", () => {
    const short = {
      code: "OUT_OF_STOCK" as const,
      message: "Not enough stock for GPU-9",
      details: [{ sku: "GPU-9", requested: 3, available: 1 }],
    };
    expect(failureFor("full", short)).toEqual(short);
    expect(failureFor("payer", short)).toEqual({ ...short, details: [{ sku: "GPU-9", requested: 3 }] });
    expect(failureFor("payee", short)).toBeUndefined();
    const discarded = {
      code: "DISCARDED" as const,
      message: "Discarded from the dead-letter queue: fraud team says so",
    };
    expect(JSON.stringify(failureFor("payer", discarded))).not.toContain("fraud");
    expect(failureFor("full", discarded)).toEqual(discarded);
  });

  it("keeps the stock left out of the saga log for anyone but an operator", () => {
    const log = [
      {
        step: "reserve" as const,
        outcome: "SHORT",
        attempt: 1,
        at: "2026-12-05T00:00:00.000Z",
        detail: "GPU-9 ×3, 1 available",
      },
      { step: "reserve" as const, outcome: "HELD", attempt: 1, at: "2026-12-05T00:00:00.000Z", detail: "KB-01 ×1" },
    ];
    expect(sagaFor("full", log)).toEqual(log);
    expect(sagaFor("payer", log).map((entry) => entry.detail)).toEqual(["GPU-9 ×3", "KB-01 ×1"]);
  });

  it("keeps a cancellation's reason from the payee", () => {
    const cancellation = { reason: "asked by the payer", requestedAt: "2026-12-05T00:00:00.000Z" };
    expect(cancellationFor("payer", cancellation)).toEqual(cancellation);
    expect(cancellationFor("payee", cancellation)).toEqual({ requestedAt: cancellation.requestedAt });
  });

  it("drops a listing row's failure for anyone but the operator and the payer", () => {
    const row = { ...order, id: "o", failure: { code: "INSUFFICIENT_FUNDS" } };
    expect(listedFor(ops, row)).toHaveProperty("failure");
    expect(listedFor(alice, row)).toHaveProperty("failure");
    expect(listedFor({ kind: "customer", subject: "m", account: "7777777" }, row)).not.toHaveProperty("failure");
  });
});
