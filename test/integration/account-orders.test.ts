import { anOrderRecord, apiEvent, lambdaContext, uniqueOrderId } from "@orders/harness/factories";
import { localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, inject, it } from "vitest";

await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const { handler } = await import("@orders/functions/admin/account-orders");
const { orderRepository } = await import("@orders/functions/composition/table");

// Accounts of their own, so that no other order of the stage is listed.
const PAYER = "5550001";
const PAYEE = "5550002";
const OTHER = "5550003";

async function list(id: string, query: Record<string, string> = {}) {
  const event: APIGatewayProxyEventV2 = {
    ...apiEvent({
      method: "GET",
      path: `/accounts/${id}/orders`,
      pathParameters: { id },
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    }),
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
  };
  const response = await handler(event, lambdaContext("account-orders"));
  return { status: response.statusCode, body: JSON.parse(response.body ?? "null") };
}

/** Every page of a listing, following cursors. */
async function allPages(id: string, query: Record<string, string>) {
  const pages: { orders: { id: string }[]; cursor?: string }[] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await list(id, { ...query, ...(cursor ? { cursor } : {}) });
    expect(status).toBe(200);
    pages.push(body);
    cursor = body.cursor;
  } while (cursor && pages.length < 20);
  return pages;
}

const at = (second: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, second)).toISOString();

/**
 * Seven originals written as the processor writes them (the hand-built
 * claim, resolve and cancel), oldest first: six paid by PAYER (two received
 * in the same millisecond), one paid to it, and a rejected one with no payer.
 */
async function seed() {
  const repository = orderRepository();
  const id = (n: number) => `${uniqueOrderId("list")}-${n}`;
  const pending = (n: number, second: number, overrides = {}) =>
    anOrderRecord({
      orderId: id(n),
      receivedAt: at(second),
      status: "PENDING",
      resolvedAt: undefined,
      fromAccount: PAYER,
      toAccount: PAYEE,
      ...overrides,
    });
  const orders = [
    pending(1, 1),
    pending(2, 2),
    pending(3, 3),
    pending(4, 3),
    pending(5, 4),
    pending(6, 5, { fromAccount: PAYEE, toAccount: PAYER }),
    pending(7, 6, { status: "REJECTED", valid: false, fromAccount: undefined, toAccount: PAYER }),
  ];
  for (const order of orders) expect((await repository.claimOriginal(order)).outcome).toBe("claimed");
  const [o1, o2, o3, , o5] = orders;
  const end = (status: "CONFIRMED" | "FAILED") => ({
    status,
    failure: status === "FAILED" ? { code: "OUT_OF_STOCK" as const, message: "short", details: [] } : undefined,
    saga: [{ step: "accounts" as const, outcome: "OK", attempt: 1, at: at(9) }],
    payment: undefined,
    reservations: [],
    resolvedAt: at(9),
  });
  if (!o1 || !o2 || !o3 || !o5) throw new Error("seed");
  await repository.resolve(o1, end("CONFIRMED"));
  await repository.resolve(o2, end("FAILED"));
  await repository.resolve(o3, end("CONFIRMED"));
  await repository.markCancelling(o3, { reason: "listing test", requestedAt: at(10) });
  await repository.appendSagaLog(o5.orderId, [{ step: "reserve", outcome: "HELD", attempt: 1, at: at(11) }]);
  return orders.map((order) => order.orderId);
}

const ids = await seed();
const [o1, o2, o3, o4, o5, o6, o7] = ids;

describe("GET /accounts/{id}/orders on the table", () => {
  it("lists an account's orders as payer, newest first, ties broken by order id, in the listing's shape", async () => {
    // Act
    const { status, body } = await list(PAYER);
    // Assert
    expect(status).toBe(200);
    const [tieFirst, tieSecond] = [o4, o3].sort().reverse();
    expect(body.orders.map((order: { id: string }) => order.id)).toEqual([o5, tieFirst, tieSecond, o2, o1]);
    expect(body.cursor).toBeUndefined();
    expect(body.orders.find((order: { id: string }) => order.id === o2)).toEqual({
      id: o2,
      status: "FAILED",
      amount: 25.8,
      fromAccount: PAYER,
      toAccount: PAYEE,
      receivedAt: at(2),
      resolvedAt: at(9),
      failure: { code: "OUT_OF_STOCK" },
    });
    expect(body.orders.find((order: { id: string }) => order.id === o3)).toMatchObject({ status: "CANCELLING" });
  });

  it("lists the orders paid to it with role=payee, a rejected one with no payer included", async () => {
    // Act
    const { status, body } = await list(PAYER, { role: "payee" });
    // Assert
    expect(status).toBe(200);
    expect(body.orders.map((order: { id: string }) => order.id)).toEqual([o7, o6]);
    expect(body.orders[0]).toMatchObject({ status: "REJECTED", toAccount: PAYER });
  });

  it("filters by status", async () => {
    // Act
    const confirmed = await list(PAYER, { status: "CONFIRMED" });
    const pending = await list(PAYER, { status: "PENDING", limit: "1" });
    // Assert
    expect(confirmed.body.orders.map((order: { id: string }) => order.id)).toEqual([o1]);
    const pages = await allPages(PAYER, { status: "PENDING", limit: "1" });
    expect(pending.body.orders.map((order: { id: string }) => order.id)).toEqual([o5]);
    expect(pages.flatMap((page) => page.orders.map((order) => order.id))).toEqual([o5, o4]);
  });

  it("pages by 2 with no duplicate and no gap, and the last page has no cursor", async () => {
    // Act
    const pages = await allPages(PAYER, { limit: "2" });
    // Assert
    const listed = pages.flatMap((page) => page.orders.map((order) => order.id));
    expect(listed).toHaveLength(5);
    expect(new Set(listed).size).toBe(5);
    expect(listed).toEqual((await list(PAYER)).body.orders.map((order: { id: string }) => order.id));
    expect(pages.map((page) => page.orders.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)?.cursor).toBeUndefined();
  });

  it("refuses a cursor from another account or role with 400, and answers an unknown account with []", async () => {
    // Arrange
    const { body } = await list(PAYER, { limit: "2" });
    // Act
    const otherAccount = await list(PAYEE, { limit: "2", cursor: body.cursor });
    const otherRole = await list(PAYER, { role: "payee", limit: "2", cursor: body.cursor });
    const nobody = await list(OTHER);
    // Assert
    expect(otherAccount.status).toBe(400);
    expect(otherAccount.body).toMatchObject({ error: "INVALID_INPUT", details: [{ field: "cursor" }] });
    expect(otherRole.status).toBe(400);
    expect(nobody).toEqual({ status: 200, body: { orders: [] } });
  });
});
