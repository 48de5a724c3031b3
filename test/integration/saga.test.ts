import type { OrderMessage } from "@orders/core/domain/order";
import { createOrderValidator } from "@orders/core/domain/validation";
import { processOrder } from "@orders/core/use-cases/process-order";
import { sweepStuckSagas } from "@orders/core/use-cases/sweep-stuck-sagas";
import { anOrderMessage, anOrderWithItems, uniqueOrderId } from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { afterEach, describe, expect, inject, it } from "vitest";
import { CrashError, crashPoints } from "../helpers/crash-points.ts";

await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { accountLedger, dynamoClient, orderRepository, stockLedger } = await import(
  "@orders/functions/composition/table"
);
const { orderArchive } = await import("@orders/functions/composition/bucket");
const { orderEvents } = await import("@orders/functions/composition/topic");

const stock = stockLedger();
const accounts = accountLedger();
const repository = orderRepository();
const events = orderEvents();
const deps = { repository, stock, accounts, events, archive: orderArchive(), validate: createOrderValidator() };
const crashes = crashPoints(dynamoClient());
afterEach(() => crashes.disarm());

const at = () => new Date().toISOString();
let accountCounter = 0;

/** A fresh payer with `cents`, a fresh payee, and fresh skus with the given stock. */
async function world(onHand: number[], payerCents: number) {
  accountCounter += 1;
  const suffix = `${Date.now() % 1e9}${accountCounter}`.padStart(12, "0");
  const payer = `1${suffix}`;
  const payee = `7${suffix}`;
  await accounts.open(payer, at());
  await accounts.open(payee, at());
  if (payerCents > 0) await accounts.deposit(payer, "seed", payerCents, at());
  const skus = onHand.map((_, i) => `${uniqueOrderId("sku").slice(0, 40)}-${i}`);
  for (const [i, sku] of skus.entries()) await stock.setOnHand(sku, onHand[i] ?? 0, at());
  return { payer, payee, skus };
}

function orderOf(w: { payer: string; payee: string; skus: string[] }, quantities: number[], unitPrice = 10) {
  const items = quantities.map((quantity, i) => ({ sku: w.skus[i] as string, quantity, unitPrice }));
  return anOrderMessage(anOrderWithItems(items, { fromAccount: w.payer, toAccount: w.payee }));
}

async function snapshot(w: { payer: string; payee: string; skus: string[] }) {
  const [payer, payee] = [await accounts.find(w.payer), await accounts.find(w.payee)];
  const levels = await Promise.all(w.skus.map((sku) => stock.find(sku)));
  return {
    payer: { balance: payer?.balanceCents, held: payer?.heldCents },
    payee: { balance: payee?.balanceCents, held: payee?.heldCents },
    stock: levels.map((level) => ({ onHand: level?.onHand, reserved: level?.reserved })),
  };
}

describe("the saga against the emulators", () => {
  it("confirms an order in 2k + 5 writes, with no read before the first write", async () => {
    // Arrange
    const w = await world([5, 3], 100_000);
    const message = orderOf(w, [2, 1]);
    crashes.reset();
    // Act
    const { record } = await processOrder(message, deps);
    // Assert
    expect(record.status).toBe("CONFIRMED");
    expect(crashes.commands[0]).toBe("PutItem");
    expect(crashes.writes()).toBe(2 * 2 + 5);
    expect(await snapshot(w)).toEqual({
      payer: { balance: 100_000 - 3000, held: 0 },
      payee: { balance: 3000, held: 0 },
      stock: [
        { onHand: 3, reserved: 0 },
        { onHand: 2, reserved: 0 },
      ],
    });
  });

  it("reports each short line, releases what it reserved, and moves no money", async () => {
    const w = await world([5, 0], 100_000);
    const { record } = await processOrder(orderOf(w, [2, 1]), deps);
    expect(record).toMatchObject({
      failure: { code: "OUT_OF_STOCK", details: [{ sku: w.skus[1], requested: 1, available: 0 }] },
    });
    expect(await snapshot(w)).toMatchObject({
      payer: { balance: 100_000, held: 0 },
      stock: [{ onHand: 5, reserved: 0 }, {}],
    });
  });

  it("lets exactly one of eight concurrent orders take the last unit", async () => {
    const w = await world([1], 100_000);
    const messages = Array.from({ length: 8 }, () => orderOf(w, [1]));
    const results = await Promise.all(messages.map((message) => processOrder(message, deps)));
    const statuses = results.map(({ record }) => record.status);
    expect(statuses.filter((status) => status === "CONFIRMED")).toHaveLength(1);
    expect(results.filter(({ record }) => !record.isDuplicate && record.failure?.code === "OUT_OF_STOCK")).toHaveLength(
      7,
    );
    expect(await snapshot(w)).toEqual({
      payer: { balance: 100_000 - 1000, held: 0 },
      payee: { balance: 1000, held: 0 },
      stock: [{ onHand: 0, reserved: 0 }],
    });
  });

  it("applies a submission delivered twice at once exactly once", async () => {
    const w = await world([4], 100_000);
    const message = orderOf(w, [3]);
    const [first, second] = await Promise.all([processOrder(message, deps), processOrder(message, deps)]);
    expect(first.record.status).toBe("CONFIRMED");
    expect(second.record.status).toBe("CONFIRMED");
    expect(await snapshot(w)).toMatchObject({
      payer: { balance: 97_000 },
      payee: { balance: 3000 },
      stock: [{ onHand: 1 }],
    });
  });

  /** Every write of a run, crashed before and after it applies; the redelivery must finish the order once. */
  async function crashEveryWrite(
    onHand: number[],
    payerCents: number,
    quantities: number[],
    expectEnd: (w: Awaited<ReturnType<typeof world>>) => object,
  ) {
    const probe = await world(onHand, payerCents);
    crashes.reset();
    await processOrder(orderOf(probe, quantities), deps);
    const writes = crashes.writes();
    expect(writes).toBeGreaterThan(2);
    for (let n = 0; n < writes; n++) {
      for (const when of ["before", "after"] as const) {
        const w = await world(onHand, payerCents);
        const message: OrderMessage = orderOf(w, quantities);
        crashes.arm(n, when);
        await expect(processOrder(message, deps), `crash ${when} write ${n}`).rejects.toThrow();
        crashes.disarm();
        const { record } = await processOrder(message, deps, 2);
        expect(["CONFIRMED", "FAILED"], `crash ${when} write ${n}`).toContain(record.status);
        expect(await snapshot(w), `crash ${when} write ${n}`).toEqual(expectEnd(w));
      }
    }
    return writes;
  }

  it("confirms once whatever write the process dies at", async () => {
    const writes = await crashEveryWrite([5, 3], 100_000, [2, 1], () => ({
      payer: { balance: 97_000, held: 0 },
      payee: { balance: 3000, held: 0 },
      stock: [
        { onHand: 3, reserved: 0 },
        { onHand: 2, reserved: 0 },
      ],
    }));
    expect(writes).toBe(9);
  });

  it("compensates once whatever write the process dies at (insufficient funds)", async () => {
    await crashEveryWrite([5, 3], 1000, [2, 1], () => ({
      payer: { balance: 1000, held: 0 },
      payee: { balance: 0, held: 0 },
      stock: [
        { onHand: 5, reserved: 0 },
        { onHand: 3, reserved: 0 },
      ],
    }));
  });

  it("has the sweeper compensate a saga that died part-way, and drop it from the pending index", async () => {
    const w = await world([5], 100_000);
    const message = orderOf(w, [2]);
    crashes.arm(2, "before"); // after the claim and the reservation: the hold never happens
    await expect(processOrder(message, deps)).rejects.toMatchObject({ cause: expect.any(CrashError) });
    crashes.disarm();
    expect(await snapshot(w)).toMatchObject({ stock: [{ onHand: 5, reserved: 2 }] });
    const later = { now: () => new Date(Date.now() + 16 * 60_000) };
    const pendingBefore = await repository.findPending(later.now().toISOString(), 1000);
    expect(pendingBefore.map((order) => order.orderId)).toContain(message.order.id);

    const swept = await sweepStuckSagas(
      { repository, stock, accounts, events, clock: later },
      { timeoutMinutes: 15, limit: 1000 },
    );

    expect(swept.errors).toEqual([]);
    const history = await repository.findHistory(message.order.id);
    expect(history?.original).toMatchObject({ status: "FAILED", failure: { code: "SAGA_TIMEOUT" } });
    expect(await snapshot(w)).toMatchObject({
      payer: { balance: 100_000, held: 0 },
      stock: [{ onHand: 5, reserved: 0 }],
    });
    const pendingAfter = await repository.findPending(later.now().toISOString(), 1000);
    expect(pendingAfter.map((order) => order.orderId)).not.toContain(message.order.id);
  });
});

describe("the ledgers against the emulators", () => {
  it("keeps markers of ids that differ only in punctuation apart", async () => {
    const w = await world([10], 0);
    const [sku] = w.skus as [string];
    expect(await stock.reserve(sku, "a-b", 1)).toEqual({ status: "HELD" });
    expect(await stock.reserve(sku, "ab", 2)).toEqual({ status: "HELD" });
    expect(await stock.reserve(sku, "a-b", 1)).toEqual({ status: "HELD" });
    expect(await stock.find(sku)).toMatchObject({ reserved: 3, available: 7 });
    const found = await stock.reservationsOf("a-b", [sku]);
    expect(found.get(sku)).toEqual({ quantity: 1, status: "HELD" });
  });

  it("applies a deposit once per reference and refuses a count below what is reserved", async () => {
    const w = await world([3], 0);
    await accounts.deposit(w.payer, "dep-1", 500, at());
    await accounts.deposit(w.payer, "dep-1", 500, at());
    expect((await accounts.find(w.payer))?.balanceCents).toBe(500);
    expect(await accounts.open(w.payer, at())).toBe(false);
    const [sku] = w.skus as [string];
    await stock.reserve(sku, "order-x", 2);
    await expect(stock.setOnHand(sku, 1, at())).rejects.toMatchObject({ code: "STOCK_BELOW_RESERVED" });
    expect(await stock.setOnHand(sku, 4, at())).toMatchObject({ onHand: 4, reserved: 2, available: 2 });
  });
});
