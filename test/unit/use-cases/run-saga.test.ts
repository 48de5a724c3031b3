import type { OrderRecord } from "@orders/core/domain/order";
import { originalRecord } from "@orders/core/domain/order-records";
import { createOrderValidator } from "@orders/core/domain/validation";
import type { AccountLedger, StockLedger } from "@orders/core/ports";
import { runSaga } from "@orders/core/use-cases/run-saga";
import { sweepStuckSagas } from "@orders/core/use-cases/sweep-stuck-sagas";
import { anOrderMessage, anOrderWithItems } from "@orders/harness/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chaos } from "../../helpers/chaos.ts";
import { InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";
import { InMemoryEventPublisher } from "../../helpers/notification-fakes.ts";

const PAYER = "1111111";
const PAYEE = "7777777";
const lines = [
  { sku: "KB-01", quantity: 2, unitPrice: 10 },
  { sku: "MS-02", quantity: 1, unitPrice: 5.8 },
];

/** A PENDING original in a fresh repository, as the processor's claim leaves it. */
async function pendingOrder(items = lines, overrides: Record<string, unknown> = {}) {
  const repository = new InMemoryOrderRepository();
  const message = anOrderMessage(anOrderWithItems(items, overrides));
  const record = originalRecord(message, createOrderValidator()(message.order), new Date());
  await repository.claimOriginal(record);
  return { repository, record };
}

function world(onHand: Record<string, number>, payerCents: number) {
  const stock = new InMemoryStockLedger();
  for (const [sku, count] of Object.entries(onHand)) stock.stock(sku, count);
  const accounts = new InMemoryAccountLedger().fund(PAYER, payerCents).fund(PAYEE, 0);
  return { stock, accounts };
}

describe("runSaga", () => {
  it("confirms an order that fits: stock sold, money moved, in 2k + 5 writes", async () => {
    // Arrange
    const { repository, record } = await pendingOrder();
    const { stock, accounts } = world({ "KB-01": 5, "MS-02": 1 }, 10_000);
    // Act
    const ended = await runSaga(record, { repository, stock, accounts }, { attempt: 1 });
    // Assert
    expect(ended.status).toBe("CONFIRMED");
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect(await stock.find("MS-02")).toMatchObject({ onHand: 0, reserved: 0 });
    expect(accounts.accounts.get(PAYER)).toMatchObject({ balance: 10_000 - 2580, held: 0 });
    expect(accounts.accounts.get(PAYEE)).toMatchObject({ balance: 2580 });
    // claim + resolve on the order, k reserves + k commits, hold + post + credit
    expect(2 + stock.writes + accounts.writes).toBe(2 * lines.length + 5);
    expect(ended.payment).toEqual({ status: "POSTED", amountCents: 2580 });
    expect(ended.reservations?.map((r) => r.status)).toEqual(["COMMITTED", "COMMITTED"]);
    expect(ended.saga?.map((entry) => entry.step)).toEqual([
      "accounts",
      "reserve",
      "reserve",
      "hold",
      "post",
      "credit",
      "commit",
      "commit",
      "confirm",
    ]);
  });

  it("fails OUT_OF_STOCK with each short line, and holds nothing afterwards", async () => {
    const { repository, record } = await pendingOrder();
    const { stock, accounts } = world({ "KB-01": 1 }, 10_000);
    const ended = await runSaga(record, { repository, stock, accounts }, { attempt: 1 });
    expect(ended.status).toBe("FAILED");
    expect(ended.failure).toMatchObject({
      code: "OUT_OF_STOCK",
      details: [
        { sku: "KB-01", requested: 2, available: 1 },
        { sku: "MS-02", requested: 1, available: 0 },
      ],
    });
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 1, reserved: 0 });
    expect(accounts.accounts.get(PAYER)).toMatchObject({ balance: 10_000, held: 0 });
    expect(ended.payment).toBeUndefined();
  });

  it("fails INSUFFICIENT_FUNDS and releases the stock it had reserved", async () => {
    const { repository, record } = await pendingOrder();
    const { stock, accounts } = world({ "KB-01": 5, "MS-02": 5 }, 100);
    const ended = await runSaga(record, { repository, stock, accounts }, { attempt: 1 });
    expect(ended.failure?.code).toBe("INSUFFICIENT_FUNDS");
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 5, reserved: 0 });
    expect(ended.reservations?.every((r) => r.status === "RELEASED")).toBe(true);
    expect(ended.payment).toEqual({ status: "VOIDED", amountCents: 2580 });
  });

  it("fails UNKNOWN_ACCOUNT without reserving anything", async () => {
    const { repository, record } = await pendingOrder(lines, { toAccount: "9999999" });
    const { stock, accounts } = world({ "KB-01": 5, "MS-02": 5 }, 10_000);
    const ended = await runSaga(record, { repository, stock, accounts }, { attempt: 1 });
    expect(ended.failure).toMatchObject({ code: "UNKNOWN_ACCOUNT", details: [{ accountId: "9999999" }] });
    expect(await stock.find("KB-01")).toMatchObject({ reserved: 0 });
  });

  it("appends a part-done run's log to the order and rethrows", async () => {
    const { repository, record } = await pendingOrder();
    const { stock, accounts } = world({ "KB-01": 5, "MS-02": 5 }, 10_000);
    const broken = { ...accounts, post: () => Promise.reject(new Error("table down")) } as unknown as AccountLedger;
    const hold = accounts.hold.bind(accounts);
    broken.hold = hold;
    broken.missing = accounts.missing.bind(accounts);
    await expect(runSaga(record, { repository, stock, accounts: broken }, { attempt: 1 })).rejects.toThrow(
      "table down",
    );
    const stored = repository.originals.get(record.orderId);
    expect(stored?.status).toBe("PENDING");
    expect(stored?.saga?.map((entry) => entry.step)).toEqual(["accounts", "reserve", "reserve", "hold"]);
  });

  it("has the sweeper compensate a stuck saga, and roll a paid one forward", async () => {
    const { repository, record } = await pendingOrder();
    const { stock, accounts } = world({ "KB-01": 5, "MS-02": 5 }, 10_000);
    // The first run died after reserving.
    await stock.reserve("KB-01", record.orderId, 2);
    const later = { now: () => new Date(Date.now() + 16 * 60_000) };
    const events = new InMemoryEventPublisher();
    const swept = await sweepStuckSagas(
      { repository, stock, accounts, events, clock: later },
      { timeoutMinutes: 15, limit: 10 },
    );
    expect(swept).toMatchObject({ swept: 1, failed: 1, confirmed: 0 });
    expect(repository.originals.get(record.orderId)?.failure?.code).toBe("SAGA_TIMEOUT");
    // The sweep publishes the outcome it decided.
    expect(events.published.map((event) => [event.type, event.orderId])).toEqual([["OrderFailed", record.orderId]]);
    expect(await stock.find("KB-01")).toMatchObject({ reserved: 0, onHand: 5 });
  });
});

/**
 * The laws under concurrency and crashes: two runs of the same order (a
 * duplicate delivery, or a run racing the sweeper) interleave at every port
 * call in an order fast-check chooses, and any call may crash before or
 * after it applies. A final clean run stands for the redelivery. Whatever
 * happened, the order ends once, and stock and money move exactly once or
 * not at all.
 */
describe("runSaga under interleaving and crashes", () => {
  it("conserves stock and money and applies each effect once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.record({
          kb: fc.integer({ min: 0, max: 3 }),
          ms: fc.integer({ min: 0, max: 2 }),
          funds: fc.constantFrom(0, 2000, 2580, 5000),
          abortSecond: fc.boolean(),
          crashes: fc.array(fc.record({ call: fc.nat(12), after: fc.boolean() }), { maxLength: 3 }),
        }),
        async (s, setup) => {
          const { repository, record } = await pendingOrder();
          const { stock, accounts } = world({ "KB-01": setup.kb, "MS-02": setup.ms }, setup.funds);
          const chaotic = chaos(s, setup.crashes);
          const deps = { repository, stock: chaotic<StockLedger>(stock), accounts: chaotic<AccountLedger>(accounts) };
          const abort = setup.abortSecond ? { code: "SAGA_TIMEOUT" as const, message: "swept" } : undefined;
          const runs = Promise.allSettled([
            runSaga(record, deps, { attempt: 1 }),
            runSaga(record, deps, { attempt: 1, abort }),
          ]);
          await s.waitFor(runs);
          // The redelivery, with no faults.
          const ended: OrderRecord = await runSaga(record, { repository, stock, accounts }, { attempt: 2 });

          expect(["CONFIRMED", "FAILED"]).toContain(ended.status);
          const kb = await stock.find("KB-01");
          const ms = await stock.find("MS-02");
          expect(kb?.reserved).toBe(0);
          expect(ms?.reserved).toBe(0);
          const payer = accounts.accounts.get(PAYER);
          const payee = accounts.accounts.get(PAYEE);
          expect(payer?.held).toBe(0);
          expect(accounts.total()).toBe(setup.funds);
          if (ended.status === "CONFIRMED") {
            expect(kb?.onHand).toBe(setup.kb - 2);
            expect(ms?.onHand).toBe(setup.ms - 1);
            expect(payee?.balance).toBe(2580);
          } else {
            expect(kb?.onHand).toBe(setup.kb);
            expect(ms?.onHand).toBe(setup.ms);
            expect(payee?.balance).toBe(0);
            // Without a timeout or a crash, a failure must have a real cause.
            if (!setup.abortSecond && setup.crashes.length === 0) {
              expect(setup.kb < 2 || setup.ms < 1 || setup.funds < 2580).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
