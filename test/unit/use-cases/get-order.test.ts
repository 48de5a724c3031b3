import { InvalidInputError, OrderNotFoundError } from "@orders/core/domain/errors";
import { createOrderValidator } from "@orders/core/domain/validation";
import { getOrder } from "@orders/core/use-cases/get-order";
import { processOrder } from "@orders/core/use-cases/process-order";
import { describe, expect, it } from "vitest";
import { anOrder, anOrderMessage } from "../../helpers/factories.ts";
import { InMemoryOrderArchive, InMemoryOrderRepository } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger, InMemoryStockLedger } from "../../helpers/ledger-fakes.ts";
import { InMemoryEventPublisher } from "../../helpers/notification-fakes.ts";

const ledgers = () => ({
  stock: new InMemoryStockLedger(),
  accounts: new InMemoryAccountLedger().fund("1111111", 1_000_000).fund("7777777", 0),
  events: new InMemoryEventPublisher(),
});

describe("getOrder", () => {
  it("returns the original, its duplicates and a download link", async () => {
    // Arrange
    const repository = new InMemoryOrderRepository();
    const archive = new InMemoryOrderArchive();
    const deps = { repository, archive, validate: createOrderValidator(), ...ledgers() };
    const order = anOrder();
    await processOrder(anOrderMessage(order), deps);
    await processOrder(anOrderMessage({ ...order }), deps);
    // Act
    const lookup = await getOrder(order.id, deps);
    // Assert
    expect(lookup.original.orderId).toBe(order.id);
    expect(lookup.duplicates).toHaveLength(1);
    expect(lookup.jsonUrl).toBe(`https://archive.test/orders/${order.id}.json?signed`);
  });

  it("has no download link for a rejected order", async () => {
    const repository = new InMemoryOrderRepository();
    const archive = new InMemoryOrderArchive();
    const order = anOrder({ amount: -5 });
    await processOrder(anOrderMessage(order), { repository, archive, validate: createOrderValidator(), ...ledgers() });
    expect((await getOrder(order.id, { repository, archive })).jsonUrl).toBeUndefined();
  });

  it("says an unknown order may still be queued", async () => {
    const deps = { repository: new InMemoryOrderRepository(), archive: new InMemoryOrderArchive() };
    const error = await getOrder("never-sent", deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    expect((error as Error).message).toMatch(/queued/);
  });

  it.each(["../x", "", "a".repeat(65), "a b", "%00"])("refuses the malformed id %j before any read", async (id) => {
    const deps = { repository: new InMemoryOrderRepository(), archive: new InMemoryOrderArchive() };
    await expect(getOrder(id, deps)).rejects.toThrow(InvalidInputError);
  });
});
