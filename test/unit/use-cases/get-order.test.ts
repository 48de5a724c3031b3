import { InvalidInputError, OrderNotFoundError } from "@orders/core/domain/errors";
import { createOrderValidator } from "@orders/core/domain/validation";
import { getOrder } from "@orders/core/use-cases/get-order";
import { processOrder } from "@orders/core/use-cases/process-order";
import { anOrder, anOrderMessage, TEST_OPERATOR } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
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
    const lookup = await getOrder(order.id, TEST_OPERATOR, deps);
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
    expect((await getOrder(order.id, TEST_OPERATOR, { repository, archive })).jsonUrl).toBeUndefined();
  });

  it("says an unknown order may still be queued", async () => {
    const deps = { repository: new InMemoryOrderRepository(), archive: new InMemoryOrderArchive() };
    const error = await getOrder("never-sent", TEST_OPERATOR, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    expect((error as Error).message).toMatch(/queued/);
  });

  it.each(["../x", "", "a".repeat(65), "a b", "%00"])("refuses the malformed id %j before any read", async (id) => {
    const deps = { repository: new InMemoryOrderRepository(), archive: new InMemoryOrderArchive() };
    await expect(getOrder(id, TEST_OPERATOR, deps)).rejects.toThrow(InvalidInputError);
  });

  describe("who may read it", () => {
    const alice = { kind: "customer", subject: "alice", account: "1111111" } as const;
    const payee = { kind: "customer", subject: "merchant", account: "7777777" } as const;
    const stranger = { kind: "customer", subject: "mallory", account: "2222222" } as const;
    const atm = { kind: "channel", subject: "atm-network" } as const;
    const otherChannel = { kind: "channel", subject: "web-shop" } as const;

    async function recorded() {
      const repository = new InMemoryOrderRepository();
      const archive = new InMemoryOrderArchive();
      const order = anOrder({ fromAccount: "1111111", toAccount: "7777777" });
      const message = { ...anOrderMessage(order), submittedBy: "channel:atm-network" };
      await processOrder(message, { repository, archive, validate: createOrderValidator(), ...ledgers() });
      return { order, deps: { repository, archive } };
    }

    it.each([
      ["the operator", TEST_OPERATOR, "full"],
      ["the payer", alice, "payer"],
      ["the channel that submitted it", atm, "payer"],
      ["the payee", payee, "payee"],
    ] as const)("shows it to %s, as %s", async (_name, caller, sight) => {
      const { order, deps } = await recorded();
      const lookup = await getOrder(order.id, caller, deps);
      expect(lookup.sight).toBe(sight);
      expect(lookup.jsonUrl === undefined).toBe(sight === "payee");
    });

    it.each([
      ["a stranger", stranger],
      ["another channel", otherChannel],
    ] as const)("answers %s exactly as for an order that does not exist", async (_name, caller) => {
      const { order, deps } = await recorded();
      const hidden = await getOrder(order.id, caller, deps).catch((e: unknown) => e);
      const missing = await getOrder(`${order.id}x`, caller, deps).catch((e: unknown) => e);
      expect(hidden).toBeInstanceOf(OrderNotFoundError);
      expect(missing).toBeInstanceOf(OrderNotFoundError);
      expect((hidden as Error).message.replace(order.id, "ID")).toBe(
        (missing as Error).message.replace(`${order.id}x`, "ID"),
      );
    });
  });
});
