import type { SagaPlan } from "@orders/core/domain/fulfilment";
import { initialView, nextAction, SagaInvariantError, type SagaView } from "@orders/core/domain/saga";
import { describe, expect, it } from "vitest";

const plan: SagaPlan = {
  orderId: "order-1",
  transferId: "order:order-1",
  payer: "1111111",
  payee: "7777777",
  amountCents: 2580,
  lines: [
    { sku: "KB-01", quantity: 2, unitPriceCents: 1000 },
    { sku: "MS-02", quantity: 1, unitPriceCents: 580 },
  ],
};

const view = (overrides: Partial<SagaView>): SagaView => ({ ...initialView(plan), ...overrides });
const held = { "KB-01": "HELD", "MS-02": "HELD" } as const;

describe("the saga's next action", () => {
  it("walks the happy path: accounts, reserve, hold, post, credit, commit, confirm", () => {
    expect(nextAction(plan, view({}))).toEqual({ type: "checkAccounts" });
    expect(nextAction(plan, view({ accounts: "OK" }))).toEqual({ type: "reserve", skus: ["KB-01", "MS-02"] });
    expect(nextAction(plan, view({ accounts: "OK", lines: { ...held } }))).toEqual({ type: "hold" });
    expect(nextAction(plan, view({ accounts: "OK", lines: { ...held }, payment: "HELD" }))).toEqual({ type: "post" });
    const posted = view({ accounts: "OK", lines: { ...held }, payment: "POSTED" });
    expect(nextAction(plan, posted)).toEqual({ type: "credit" });
    expect(nextAction(plan, { ...posted, credit: "CREDITED" })).toEqual({ type: "commit", skus: ["KB-01", "MS-02"] });
    const done = {
      ...posted,
      credit: "CREDITED" as const,
      lines: { "KB-01": "COMMITTED", "MS-02": "COMMITTED" } as const,
    };
    expect(nextAction(plan, done)).toEqual({ type: "confirm" });
  });

  it("voids before it releases, then fails with every short line", () => {
    const short = view({ accounts: "OK", lines: { "KB-01": "HELD", "MS-02": { short: 0 } } });
    const voidAction = nextAction(plan, short);
    expect(voidAction).toMatchObject({ type: "void", reason: { code: "OUT_OF_STOCK" } });
    expect(voidAction.type === "void" && voidAction.reason.details).toEqual([
      { sku: "MS-02", requested: 1, available: 0 },
    ]);
    const reason = voidAction.type === "void" ? voidAction.reason : undefined;
    const voided = { ...short, payment: "VOIDED" as const, voidReason: reason };
    expect(nextAction(plan, voided)).toEqual({ type: "release", skus: ["KB-01", "MS-02"] });
    const released = { ...voided, lines: { "KB-01": "RELEASED", "MS-02": "RELEASED" } as const };
    expect(nextAction(plan, released)).toMatchObject({ type: "fail", failure: { code: "OUT_OF_STOCK" } });
  });

  it("fails an unknown account before touching stock, and insufficient funds after reserving", () => {
    const unknown = view({ accounts: { missing: ["7777777"] } });
    expect(nextAction(plan, unknown)).toMatchObject({ type: "void", reason: { code: "UNKNOWN_ACCOUNT" } });
    const poor = view({ accounts: "OK", lines: { ...held }, payment: { insufficient: 100 } });
    expect(nextAction(plan, poor)).toMatchObject({
      type: "void",
      reason: { code: "INSUFFICIENT_FUNDS", details: { requested: 25.8, available: 1 } },
    });
  });

  it("rolls forward when the void finds the payment posted: a timeout never undoes a payment", () => {
    const abort = { code: "SAGA_TIMEOUT" as const, message: "late" };
    expect(nextAction(plan, view({ abort }))).toMatchObject({ type: "void" });
    expect(nextAction(plan, view({ abort, payment: "POSTED" }))).toEqual({ type: "credit" });
  });

  it("follows another run's compensation: a released line means the payment must be voided", () => {
    const overtaken = view({ accounts: "OK", lines: { "KB-01": "RELEASED", "MS-02": "HELD" } });
    expect(nextAction(plan, overtaken)).toMatchObject({ type: "void" });
    const reason = { code: "OUT_OF_STOCK" as const, message: "short", details: [] };
    const learned = { ...overtaken, payment: "VOIDED" as const, voidReason: reason };
    expect(nextAction(plan, learned)).toEqual({ type: "release", skus: ["MS-02"] });
    const all = { ...learned, lines: { "KB-01": "RELEASED", "MS-02": "RELEASED" } as const };
    expect(nextAction(plan, all)).toEqual({ type: "fail", failure: reason });
  });

  it("refuses states the protocol forbids", () => {
    const paidButReleased = view({
      payment: "POSTED",
      credit: "CREDITED",
      lines: { "KB-01": "RELEASED", "MS-02": "HELD" },
    });
    expect(() => nextAction(plan, paidButReleased)).toThrow(SagaInvariantError);
    const voidedButSold = view({
      accounts: "OK",
      payment: "VOIDED",
      lines: { "KB-01": "COMMITTED", "MS-02": "HELD" },
    });
    expect(() => nextAction(plan, voidedButSold)).toThrow(SagaInvariantError);
  });

  it("treats an order without items as a pure transfer", () => {
    const transfer: SagaPlan = { ...plan, lines: [] };
    const start = initialView(transfer);
    expect(nextAction(transfer, { ...start, accounts: "OK" })).toEqual({ type: "hold" });
  });
});
