import type { OrderRecord } from "@orders/core/domain/order";
import { originalRecord } from "@orders/core/domain/order-records";
import { createOrderValidator } from "@orders/core/domain/validation";
import { auditLedgers } from "@orders/core/use-cases/audit/audit-ledgers";
import { runSaga } from "@orders/core/use-cases/run-saga";
import { anOrderMessage, anOrderWithItems } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { InMemoryOrderArchive, InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";

const PAYER = "1111111";
const PAYEE = "7777777";
const AT = "2026-12-05T10:00:00.000Z";

/** A funded payer (through a deposit, as the ledger requires), an empty payee, 5 KB-01, and a PENDING order buying 2. */
async function world() {
  const accounts = new InMemoryAccountLedger();
  await accounts.open(PAYER, AT);
  await accounts.open(PAYEE, AT);
  await accounts.deposit(PAYER, "seed", 10_000, AT);
  const stock = new InMemoryStockLedger().stock("KB-01", 5);
  const orders = new InMemoryOrderRepository();
  const message = anOrderMessage(
    anOrderWithItems([{ sku: "KB-01", quantity: 2, unitPrice: 10 }], { fromAccount: PAYER, toAccount: PAYEE }),
    { receivedAt: AT },
  );
  const record = originalRecord(message, createOrderValidator()(message.order), new Date(AT));
  await orders.claimOriginal(record);
  // The audit runs 5 minutes after the order arrived: well inside the 15-minute saga timeout.
  const clock = { now: () => new Date(Date.parse(AT) + 5 * 60_000) };
  const deps = { stock, accounts, orders, reports: new InMemoryOrderArchive(), sagaTimeoutMinutes: 15, clock };
  return { deps, record, transferId: `order:${record.orderId}` };
}

/** The world with the order's payment held and posted from the payer, and not (yet) credited to the payee. */
async function postedNotCredited() {
  const found = await world();
  await found.deps.accounts.hold(PAYER, found.transferId, 2000, found.record.orderId, AT);
  await found.deps.accounts.post(PAYER, found.transferId, 2000);
  return found;
}

/** Marks the order ended without touching its effects: what a lost write leaves behind. */
async function endAs(orders: InMemoryOrderRepository, record: OrderRecord, status: "CONFIRMED" | "FAILED") {
  await orders.resolve(record, { status, saga: [], reservations: [], resolvedAt: AT });
}

describe("the consistency audit, by name", () => {
  it("finds nothing after a confirmed order", async () => {
    // Arrange
    const { deps, record } = await world();
    await runSaga(record, { repository: deps.orders, stock: deps.stock, accounts: deps.accounts }, { attempt: 1 });
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toEqual([]);
    expect(report.money).toEqual({ depositsCents: 10_000, balancesAndHoldsCents: 10_000, inFlightCents: 0 });
  });

  it("names the order whose payment was posted but never credited, once it has ended", async () => {
    // Arrange: the payee's credit was lost; each account still agrees with its own entries.
    const { deps, record, transferId } = await postedNotCredited();
    await endAs(deps.orders, record, "CONFIRMED");
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toContainEqual({
      kind: "order",
      id: record.orderId,
      transferId,
      check: `transfer ${transferId} (${PAYER} → no payee): debit posted = credit`,
      expected: 2000,
      actual: 0,
    });
    expect(report.inconsistencies.filter((found) => found.kind === "account")).toEqual([]);
  });

  it("counts a running order's posted payment as in flight, not as an inconsistency", async () => {
    // Arrange: posted, the credit not yet made, the order still PENDING.
    const { deps } = await postedNotCredited();
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toEqual([]);
    expect(report.money).toEqual({ depositsCents: 10_000, balancesAndHoldsCents: 8000, inFlightCents: 2000 });
  });

  it("names a posted payment whose order has waited for its credit past the saga timeout", async () => {
    // Arrange: posted, never credited, the order still PENDING 20 minutes on (its credit keeps failing).
    const { deps, record, transferId } = await postedNotCredited();
    const later = { now: () => new Date(Date.parse(AT) + 20 * 60_000) };
    // Act
    const report = await auditLedgers({ ...deps, clock: later });
    // Assert
    expect(report.inconsistencies).toContainEqual({
      kind: "order",
      id: record.orderId,
      transferId,
      check:
        `transfer ${transferId} (${PAYER} → no payee): debit posted = credit; posted, and its order PENDING ` +
        `since ${record.receivedAt}: the credit cannot complete`,
      expected: 2000,
      actual: 0,
    });
    expect(report.money.inFlightCents).toBe(0);
  });

  it("counts a refund in flight from its cancellation's request, not from the order's arrival long before", async () => {
    // Arrange: confirmed at 10:00, cancelled at 10:28; the refund's debit of the payee is posted, its credit not yet.
    const { deps, record } = await world();
    await runSaga(record, { repository: deps.orders, stock: deps.stock, accounts: deps.accounts }, { attempt: 1 });
    const requestedAt = new Date(Date.parse(AT) + 28 * 60_000).toISOString();
    await deps.orders.markCancelling(record, { reason: "changed their mind", requestedAt });
    await deps.accounts.debit(PAYEE, `refund:${record.orderId}`, 2000, record.orderId, requestedAt);
    const later = { now: () => new Date(Date.parse(AT) + 30 * 60_000) };
    // Act
    const report = await auditLedgers({ ...deps, clock: later });
    // Assert: 30 minutes after the order arrived, but 2 after its cancellation: in flight, not stuck.
    expect(report.inconsistencies).toEqual([]);
    expect(report.money.inFlightCents).toBe(2000);
  });

  it("names a credit that no posted debit pays for: money created", async () => {
    // Arrange: the payer's hold and post were lost, the credit landed.
    const { deps, record, transferId } = await world();
    await deps.accounts.credit(PAYEE, transferId, 2000, record.orderId, AT);
    await endAs(deps.orders, record, "CONFIRMED");
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toContainEqual(
      expect.objectContaining({ kind: "order", id: record.orderId, expected: 0, actual: 2000 }),
    );
    expect(report.inconsistencies).toContainEqual(
      expect.objectContaining({ kind: "money", expected: 10_000, actual: 12_000 }),
    );
  });

  it("names the hold and the reservation an ended order left behind", async () => {
    // Arrange: reserved and held, then the order ended FAILED with neither given back.
    const { deps, record, transferId } = await world();
    await deps.stock.reserve("KB-01", record.orderId, 2);
    await deps.accounts.hold(PAYER, transferId, 2000, record.orderId, AT);
    await endAs(deps.orders, record, "FAILED");
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toEqual([
      {
        kind: "stock",
        id: "KB-01",
        check: `no units held by an ended order (order ${record.orderId}, FAILED)`,
        expected: 0,
        actual: 2,
      },
      {
        kind: "account",
        id: PAYER,
        check: `no cents held by an ended order (order ${record.orderId}, FAILED)`,
        expected: 0,
        actual: 2000,
      },
    ]);
  });

  it("leaves a running order's hold and reservation alone", async () => {
    const { deps, record, transferId } = await world();
    await deps.stock.reserve("KB-01", record.orderId, 2);
    await deps.accounts.hold(PAYER, transferId, 2000, record.orderId, AT);
    const report = await auditLedgers(deps);
    expect(report.inconsistencies).toEqual([]);
  });

  it("leaves alone a reservation whose order has reserved and not yet held: no ledger names it, but it is PENDING", async () => {
    // Arrange: the order's first step only.
    const { deps, record } = await world();
    await deps.stock.reserve("KB-01", record.orderId, 2);
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toEqual([]);
  });

  it("names a reservation whose order no ledger knows by its key", async () => {
    // Arrange: reserved, then the order's record and ledger entries are gone (nothing names it).
    const { deps } = await world();
    await deps.stock.reserve("KB-01", "ghost-order", 1);
    // Act
    const report = await auditLedgers(deps);
    // Assert
    expect(report.inconsistencies).toEqual([
      {
        kind: "stock",
        id: "KB-01",
        check: "no units held by an ended order (reservation order:ghost-order, no running order)",
        expected: 0,
        actual: 1,
      },
    ]);
  });
});
