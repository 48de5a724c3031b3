import { originalRecord } from "@orders/core/domain/order-records";
import type { CancelMessage } from "@orders/core/domain/queue-message";
import { createOrderValidator } from "@orders/core/domain/validation";
import type { AccountLedger, CancelRequests, StockLedger } from "@orders/core/ports";
import { cancelOrder, runCancellation } from "@orders/core/use-cases/cancel/cancel-order";
import { requestCancellation } from "@orders/core/use-cases/cancel/request-cancellation";
import { runSaga } from "@orders/core/use-cases/run-saga";
import { anOrderMessage, anOrderWithItems } from "@orders/harness/factories";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chaos } from "../../helpers/chaos.ts";
import { InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";
import { InMemoryEventPublisher } from "../../helpers/notification-fakes.ts";

const PAYER = "1111111";
const PAYEE = "7777777";

async function setup(onHand = 5, payerCents = 10_000) {
  const repository = new InMemoryOrderRepository();
  const stock = new InMemoryStockLedger().stock("KB-01", onHand);
  const accounts = new InMemoryAccountLedger().fund(PAYER, payerCents).fund(PAYEE, 0);
  const message = anOrderMessage(anOrderWithItems([{ sku: "KB-01", quantity: 2, unitPrice: 10 }]));
  const record = originalRecord(message, createOrderValidator()(message.order), new Date());
  await repository.claimOriginal(record);
  const queued: CancelMessage[] = [];
  const cancellations: CancelRequests = { enqueueCancel: async (cancel) => void queued.push(cancel) };
  return {
    repository,
    stock,
    accounts,
    record,
    queued,
    cancellations,
    deps: { repository, stock, accounts, events: new InMemoryEventPublisher() },
  };
}

const cancel = (orderId: string): CancelMessage => ({
  kind: "cancel",
  orderId,
  reason: "changed my mind",
  requestedAt: new Date().toISOString(),
});

describe("cancelling an order", () => {
  it("compensates a PENDING order: nothing stays held, and it ends CANCELLED", async () => {
    const { deps, record, stock, accounts, repository } = await setup();
    await stock.reserve("KB-01", record.orderId, 2);
    const ended = await cancelOrder(cancel(record.orderId), deps, 1);
    expect(ended).toMatchObject({ status: "CANCELLED", failure: { code: "CANCELLED" } });
    expect(ended?.refunded).toBeUndefined();
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 5, reserved: 0 });
    expect(accounts.accounts.get(PAYER)).toMatchObject({ balance: 10_000, held: 0 });
    expect(repository.originals.get(record.orderId)?.cancellation?.reason).toBe("changed my mind");
    // Never paid: the payer is told of the cancellation only.
    expect(deps.events.published.map((event) => event.type)).toEqual(["OrderCancelled"]);
  });

  it("refunds a CONFIRMED order: the money goes back and the stock returns to onHand", async () => {
    const { deps, record, stock, accounts } = await setup();
    await runSaga(record, deps, { attempt: 1 });
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 3 });
    const ended = await cancelOrder(cancel(record.orderId), deps, 1);
    expect(ended).toMatchObject({ status: "CANCELLED", refunded: true });
    expect(ended?.reservations).toEqual([{ sku: "KB-01", quantity: 2, status: "RETURNED" }]);
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 5, reserved: 0 });
    expect(accounts.accounts.get(PAYER)).toMatchObject({ balance: 10_000, held: 0 });
    expect(accounts.accounts.get(PAYEE)).toMatchObject({ balance: 0 });
    // Delivered again: nothing moves twice.
    await cancelOrder(cancel(record.orderId), deps, 2);
    expect(accounts.total()).toBe(10_000);
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 5 });
    // Each delivery publishes what the order implies: paid, then cancelled and refunded; the same events both times.
    const published = deps.events.published;
    expect(published.map((event) => event.type)).toEqual([
      "OrderConfirmed",
      "OrderCancelled",
      "OrderConfirmed",
      "OrderCancelled",
    ]);
    expect(published.slice(0, 2)).toEqual(published.slice(2));
    expect(published[1]?.order).toMatchObject({ status: "CANCELLED", refunded: true });
  });

  it("records a refunded order's payment as REFUNDED, and logs each step of its saga once", async () => {
    // Arrange: a confirmed order.
    const { deps, record, repository } = await setup();
    await runSaga(record, deps, { attempt: 1 });

    // Act: cancelled, then the same message delivered again.
    await cancelOrder(cancel(record.orderId), deps, 1);
    await cancelOrder(cancel(record.orderId), deps, 2);

    // Assert: the record says where the money is, and the log is the saga's history, not a replay of it.
    const stored = repository.originals.get(record.orderId);
    expect(stored?.payment).toEqual({ status: "REFUNDED", amountCents: 2000 });
    const steps = (stored?.saga ?? []).map((entry) => `${entry.step} ${entry.outcome}`);
    expect(steps).toEqual([
      "accounts OK",
      "reserve HELD",
      "hold HELD",
      "post POSTED",
      "credit CREDITED",
      "commit COMMITTED",
      "confirm CONFIRMED",
      "cancel REFUNDING",
      "refund DEBITED",
      "refund CREDITED",
      "restock RETURNED",
    ]);
  });

  it("says which run ended the order, so that a second message or a redelivery is not counted again", async () => {
    const { deps, record } = await setup();
    await runSaga(record, deps, { attempt: 1 });
    // Two requests answered 202 each queue a message; a duplicate send or a redelivery makes another.
    const first = await runCancellation(cancel(record.orderId), deps, 1);
    const second = await runCancellation(cancel(record.orderId), deps, 1);
    const redelivered = await runCancellation(cancel(record.orderId), deps, 2);
    expect(first).toMatchObject({ endedHere: true, order: { status: "CANCELLED", refunded: true } });
    expect(second).toMatchObject({ endedHere: false, order: { status: "CANCELLED", refunded: true } });
    expect(redelivered.endedHere).toBe(false);
  });

  it("says a cancellation of an order that FAILED first ended nothing", async () => {
    const { deps, record } = await setup(0);
    await runSaga(record, deps, { attempt: 1 }); // no stock: FAILED
    expect(await runCancellation(cancel(record.orderId), deps, 1)).toMatchObject({
      endedHere: false,
      order: { status: "FAILED" },
    });
  });

  it("holds a refund the payee cannot cover, without moving anything", async () => {
    const { deps, record, accounts } = await setup();
    await runSaga(record, deps, { attempt: 1 });
    await accounts.debit(PAYEE, "spent", 2000, "elsewhere", new Date().toISOString());
    await expect(cancelOrder(cancel(record.orderId), deps, 1)).rejects.toMatchObject({ code: "REFUND_BLOCKED" });
    expect(accounts.accounts.get(PAYER)?.balance).toBe(10_000 - 2000);
  });

  it("answers a request: 202-style for PENDING or CONFIRMED, unchanged when under way, refused when FAILED", async () => {
    const { deps, record, repository, queued, cancellations } = await setup(0);
    const requestDeps = { repository, cancellations };
    await runSaga(record, deps, { attempt: 1 }); // no stock: FAILED
    await expect(requestCancellation(record.orderId, { reason: "x" }, requestDeps)).rejects.toMatchObject({
      code: "ORDER_NOT_CANCELLABLE",
    });
    const other = await setup();
    const started = await requestCancellation(
      other.record.orderId,
      { reason: "x" },
      {
        repository: other.repository,
        cancellations: other.cancellations,
      },
    );
    expect(started).toEqual({ id: other.record.orderId, status: "CANCELLING", started: true });
    expect(other.queued).toHaveLength(1);
    const again = await requestCancellation(
      other.record.orderId,
      { reason: "x" },
      {
        repository: other.repository,
        cancellations: other.cancellations,
      },
    );
    expect(again.started).toBe(false);
    expect(other.queued).toHaveLength(1);
    expect(queued).toHaveLength(0);
    await expect(requestCancellation(record.orderId, { reason: "" }, requestDeps)).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });
});

/**
 * The hard case: a cancellation racing the saga it cancels. Both run side by
 * side, interleaved at every port call as fast-check chooses, and either may
 * crash; then the redeliveries run clean. Whatever the interleaving, the
 * order ends CANCELLED (refunded if it had been paid), and stock and money
 * are back where they started.
 */
describe("a cancellation racing a running saga", () => {
  it("ends in one consistent state, with stock and money conserved", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ call: fc.nat(20), after: fc.boolean() }), { maxLength: 2 }),
        async (s, crashes) => {
          const { deps, record, stock, accounts, repository } = await setup();
          const chaotic = chaos(s, crashes);
          const racing = {
            repository,
            stock: chaotic<StockLedger>(stock),
            accounts: chaotic<AccountLedger>(accounts),
            events: deps.events,
          };
          const both = Promise.allSettled([
            runSaga(record, racing, { attempt: 1 }),
            cancelOrder(cancel(record.orderId), racing, 1),
          ]);
          await s.waitFor(both);
          // The redeliveries, with no faults: the saga's message, then the cancellation's.
          await runSaga(record, deps, { attempt: 2 }).catch(() => undefined);
          const ended = await cancelOrder(cancel(record.orderId), deps, 2);

          expect(ended?.status).toBe("CANCELLED");
          expect(await stock.find("KB-01")).toMatchObject({ onHand: 5, reserved: 0 });
          expect(accounts.accounts.get(PAYER)).toMatchObject({ balance: 10_000, held: 0 });
          expect(accounts.accounts.get(PAYEE)).toMatchObject({ balance: 0, held: 0 });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("a cancellation of an order that is not there", () => {
  it("fails, so that its message reaches the DLQ with the reason, rather than vanish", async () => {
    const { deps } = await setup();
    await expect(cancelOrder(cancel("no-such-order"), deps, 1)).rejects.toMatchObject({ code: "ORDER_NOT_FOUND" });
  });
});
