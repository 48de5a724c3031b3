import { anOrderRecord, apiEvent, lambdaContext, uniqueOrderId } from "@orders/harness/factories";
import { localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, inject, it } from "vitest";

await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler } = await import("@orders/functions/admin/search-orders");
const { orderRepository } = await import("@orders/functions/composition/table");

const HOUR = 3_600_000;
// Hours of their own, years ahead, so that no other test's order falls in the window.
const base = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 5_000) * HOUR;
/** A time `minutes` into hour `h` of the window. */
const at = (h: number, minutes: number) => new Date(base + h * HOUR + minutes * 60_000).toISOString();

async function search(query: Record<string, string>) {
  const event: APIGatewayProxyEventV2 = {
    ...apiEvent({ method: "GET", path: "/admin/orders", headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
    queryStringParameters: query,
  };
  const response = await handler(event, lambdaContext("search-orders"));
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}
const idsOf = (body: { orders: { id: string }[] }) => body.orders.map((order) => order.id);

/**
 * Six originals over four hours (the third empty), written as the processor
 * writes them: the hand-built claim and resolve, and ElectroDB's patch of a
 * cancellation, which sets `receivedAt` again (and so the derived hour).
 */
async function seed() {
  const repository = orderRepository();
  const id = (n: number) => `${uniqueOrderId("search")}-${n}`;
  const pending = (n: number, receivedAt: string, overrides = {}) =>
    anOrderRecord({ orderId: id(n), receivedAt, status: "PENDING", resolvedAt: undefined, ...overrides });
  const orders = [
    pending(1, at(0, 10)),
    pending(2, at(0, 40)),
    pending(3, at(1, 5)),
    pending(4, at(1, 50), { status: "REJECTED", valid: false, fromAccount: undefined, toAccount: undefined }),
    pending(5, at(3, 0)),
    pending(6, at(3, 59)),
  ];
  for (const order of orders) expect((await repository.claimOriginal(order)).outcome).toBe("claimed");
  const [o1, o2, o3, , , o6] = orders;
  if (!o1 || !o2 || !o3 || !o6) throw new Error("seed");
  const end = (status: "CONFIRMED" | "FAILED") => ({
    status,
    failure: status === "FAILED" ? { code: "OUT_OF_STOCK" as const, message: "short", details: [] } : undefined,
    saga: [],
    reservations: [],
    resolvedAt: at(4, 0),
  });
  await repository.resolve(o1, end("CONFIRMED"));
  await repository.resolve(o2, end("FAILED"));
  await repository.resolve(o3, end("CONFIRMED"));
  await repository.markCancelling(o3, { reason: "search test", requestedAt: at(4, 1) });
  await repository.resolve(o6, end("CONFIRMED"));
  return orders.map((order) => order.orderId);
}

const [o1, o2, o3, o4, o5, o6] = await seed();
const window = { from: at(0, 0), to: at(4, 0) };

describe("GET /admin/orders on the table: the search by status and time", () => {
  it("finds every original received in the window, newest first, across hours, whatever its status", async () => {
    // Act
    const { status, body } = await search(window);
    // Assert
    expect(status).toBe(200);
    expect(idsOf(body)).toEqual([o6, o5, o4, o3, o2, o1]);
    expect(body).toMatchObject({ from: window.from, to: window.to });
    expect(body.cursor).toBeUndefined();
    expect(body.orders[0]).toEqual({
      id: o6,
      status: "CONFIRMED",
      amount: 25.8,
      fromAccount: "1111111",
      toAccount: "7777777",
      receivedAt: at(3, 59),
      resolvedAt: at(4, 0),
    });
  });

  it("filters by status, and keeps an order found after a cancellation rewrote its received time", async () => {
    expect(idsOf((await search({ ...window, status: "CONFIRMED" })).body)).toEqual([o6, o1]);
    expect(idsOf((await search({ ...window, status: "CANCELLING" })).body)).toEqual([o3]);
    expect(idsOf((await search({ ...window, status: "REJECTED" })).body)).toEqual([o4]);
    expect(idsOf((await search({ ...window, status: "CANCELLED" })).body)).toEqual([]);
  });

  it("keeps to the window: from inclusive, to exclusive", async () => {
    expect(idsOf((await search({ from: at(1, 5), to: at(3, 59) })).body)).toEqual([o5, o4, o3]);
  });

  it("pages through the window with cursors, each order once, an empty hour on the way", async () => {
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await search({ ...window, limit: "2", ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      seen.push(...idsOf(body));
      cursor = body.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    // Assert
    expect(seen).toEqual([o6, o5, o4, o3, o2, o1]);
    expect(pages).toBe(3);
  });

  it("refuses a window that ends before it starts or spans more than a week, and a cursor of another search", async () => {
    expect((await search({ from: window.to, to: window.from })).status).toBe(400);
    expect((await search({ from: at(0, 0), to: at(24 * 7 + 1, 0) })).status).toBe(400);
    expect((await search({ ...window, status: "PAID" })).status).toBe(400);
    const { body } = await search({ ...window, limit: "1" });
    expect((await search({ ...window, status: "FAILED", cursor: body.cursor })).status).toBe(400);
  });
});
