import { InvalidInputError } from "@orders/core/domain/errors";
import { listAccountOrders } from "@orders/core/use-cases/accounts/list-account-orders";
import { anOrderRecord } from "@orders/harness/factories";
import { describe, expect, it } from "vitest";
import { InMemoryOrderRepository } from "../../helpers/fakes.ts";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString();

/** Five orders paid by 1111111 (one to 2222222), one paid to it; received a minute apart. */
async function anAccountsOrders() {
  const repository = new InMemoryOrderRepository();
  const records = [
    anOrderRecord({ orderId: "o-1", receivedAt: at(1) }),
    anOrderRecord({
      orderId: "o-2",
      receivedAt: at(2),
      status: "FAILED",
      resolvedAt: at(3),
      failure: { code: "OUT_OF_STOCK", message: "short", details: [] },
    }),
    anOrderRecord({ orderId: "o-3", receivedAt: at(3), toAccount: "2222222", amountCents: 1, amount: 0.01 }),
    anOrderRecord({ orderId: "o-4", receivedAt: at(4), status: "CANCELLED", refunded: true }),
    anOrderRecord({ orderId: "o-5", receivedAt: at(5), status: "PENDING", resolvedAt: undefined }),
    anOrderRecord({ orderId: "in-1", receivedAt: at(6), fromAccount: "7777777", toAccount: "1111111" }),
  ];
  for (const record of records) await repository.claimOriginal(record);
  return { repository };
}

describe("listAccountOrders", () => {
  it("lists the payer's orders newest first, in the listing's shape", async () => {
    // Arrange
    const deps = await anAccountsOrders();
    // Act
    const page = await listAccountOrders("1111111", {}, deps);
    // Assert
    expect(page.orders.map((order) => order.id)).toEqual(["o-5", "o-4", "o-3", "o-2", "o-1"]);
    expect(page.cursor).toBeUndefined();
    expect(page.orders[3]).toEqual({
      id: "o-2",
      status: "FAILED",
      amount: 25.8,
      fromAccount: "1111111",
      toAccount: "7777777",
      receivedAt: at(2),
      resolvedAt: at(3),
      failure: { code: "OUT_OF_STOCK" },
    });
    expect(page.orders[1]).toMatchObject({ id: "o-4", refunded: true });
    expect(page.orders[2]?.amount).toBe(0.01);
  });

  it("lists the payee's orders with role=payee, and filters by status", async () => {
    // Arrange
    const deps = await anAccountsOrders();
    // Act
    const payee = await listAccountOrders("1111111", { role: "payee" }, deps);
    const failed = await listAccountOrders("1111111", { status: "FAILED" }, deps);
    const to2222222 = await listAccountOrders("2222222", { role: "payee" }, deps);
    // Assert
    expect(payee.orders.map((order) => order.id)).toEqual(["in-1"]);
    expect(failed.orders.map((order) => order.id)).toEqual(["o-2"]);
    expect(to2222222.orders.map((order) => order.id)).toEqual(["o-3"]);
  });

  it("pages with an opaque cursor, with no duplicate and no gap", async () => {
    // Arrange
    const deps = await anAccountsOrders();
    const seen: string[] = [];
    // Act
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAccountOrders("1111111", { limit: "2", ...(cursor ? { cursor } : {}) }, deps);
      seen.push(...page.orders.map((order) => order.id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    // Assert
    expect(seen).toEqual(["o-5", "o-4", "o-3", "o-2", "o-1"]);
    expect(pages).toBe(3);
  });

  it("answers an account with no orders with an empty list", async () => {
    // Arrange
    const deps = await anAccountsOrders();
    // Act
    const page = await listAccountOrders("3333333", {}, deps);
    // Assert
    expect(page).toEqual({ orders: [] });
  });

  it.each([
    ["a malformed account id", "12", {}, "id"],
    ["an unknown role", "1111111", { role: "buyer" }, "role"],
    ["an unknown status", "1111111", { status: "DONE" }, "status"],
    ["a duplicate's status", "1111111", { status: "DUPLICATE" }, "status"],
    ["a limit of 0", "1111111", { limit: "0" }, "limit"],
    ["a limit over 100", "1111111", { limit: "101" }, "limit"],
    ["a limit that is not a number", "1111111", { limit: "ten" }, "limit"],
    ["a fractional limit", "1111111", { limit: "2.5" }, "limit"],
    ["an unknown parameter", "1111111", { rol: "payee" }, "query"],
    ["a cursor that does not decode", "1111111", { cursor: "not-a-cursor" }, "cursor"],
  ])("refuses %s with INVALID_INPUT and details", async (_, id, query, field) => {
    // Arrange
    const deps = await anAccountsOrders();
    // Act
    const listing = listAccountOrders(id, query as Record<string, string>, deps);
    // Assert
    await expect(listing).rejects.toBeInstanceOf(InvalidInputError);
    await expect(listing).rejects.toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it.each([
    ["another account", "7777777", {}],
    ["another role", "1111111", { role: "payee" }],
    ["another status filter", "1111111", { status: "CONFIRMED" }],
  ])("refuses a cursor made for %s", async (_, id, query) => {
    // Arrange
    const deps = await anAccountsOrders();
    const { cursor } = await listAccountOrders("1111111", { limit: "1" }, deps);
    // Act
    const listing = listAccountOrders(id, { ...query, cursor: cursor ?? "" }, deps);
    // Assert
    await expect(listing).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: [expect.objectContaining({ field: "cursor", code: "invalid_cursor" })],
    });
  });
});
