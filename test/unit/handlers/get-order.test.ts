import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { handler } from "@orders/functions/api/get-order";
import { anOrder, anOrderWithItems, apiEvent, lambdaContext, TEST_OPERATOR } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo, s3 } = mockedClients({ dynamo: DynamoDBDocumentClient, s3: S3Client });

/** The order's partition, as the query reads it; the original alone is read first, by key. */
let partition: Record<string, unknown>[] = [];
beforeEach(() => {
  partition = [];
  dynamo.on(GetCommand).callsFake(() => ({ Item: partition.find((item) => item.__edb_e__ === "order") }));
});
function stored(answer: { Items: Record<string, unknown>[] }) {
  partition = answer.Items;
  dynamo.on(QueryCommand).resolves(answer);
}

const get = (id: string) =>
  handler(
    apiEvent({ method: "GET", path: `/orders/${id}`, pathParameters: { id }, caller: TEST_OPERATOR }),
    lambdaContext("get-order"),
  );

/** A stored item as ElectroDB writes it. */
function storedItem(entity: "order" | "orderDuplicate", order: { id: string }, submissionId: string, extra = {}) {
  return {
    pk: `$orders#orderid_${order.id}`,
    sk: entity === "order" ? "$orderhistory#order_1" : `$orderhistory#orderduplicate_1#submissionid_${submissionId}`,
    __edb_e__: entity,
    __edb_v__: "1",
    orderId: order.id,
    submissionId,
    channel: "web",
    payload: JSON.stringify(order),
    valid: true,
    isDuplicate: entity === "orderDuplicate",
    errors: [],
    status: entity === "order" ? "ACCEPTED" : "DUPLICATE",
    receivedAt: "2026-01-01T00:00:00.000Z",
    processedAt: "2026-01-01T00:00:01.000Z",
    ...extra,
  };
}

describe("GET /orders/{id} handler", () => {
  it("returns the order, its duplicates and a presigned link valid 15 minutes", async () => {
    // Arrange
    const order = anOrder();
    const original = storedItem("order", order, "11111111-1111-4111-8111-111111111111", {
      s3Key: `orders/${order.id}.json`,
    });
    const duplicate = storedItem("orderDuplicate", order, "22222222-2222-4222-8222-222222222222", {
      sameAsOriginal: true,
    });
    stored({ Items: [original, duplicate] });
    s3.on(HeadObjectCommand).resolves({});
    // Act
    const response = await get(order.id);
    // Assert
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? "null");
    expect(body.order).toMatchObject({ id: order.id, amount: 2580, valid: true, isDuplicate: false });
    expect(body.duplicates).toEqual([
      { submissionId: duplicate.submissionId, receivedAt: duplicate.receivedAt, sameAsOriginal: true, valid: true },
    ]);
    const url = new URL(body.jsonUrl);
    expect(url.pathname).toContain(`orders/${order.id}.json`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { TableName: linked.OrdersTable.name });
  });

  it("leaves out jsonUrl while the archive is missing", async () => {
    const order = anOrder();
    stored({
      Items: [storedItem("order", order, "11111111-1111-4111-8111-111111111111", { s3Key: `orders/${order.id}.json` })],
    });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error("not found"), { name: "NotFound" }));
    const body = JSON.parse((await get(order.id)).body ?? "null");
    expect(body.jsonUrl).toBeUndefined();
  });

  it("shows a confirmed order's items as sent, its payment in currency units, reservations and saga log", async () => {
    // Arrange
    const order = anOrderWithItems([
      { sku: "KB-01", quantity: 2, unitPrice: 10 },
      { sku: "MS-02", quantity: 1, unitPrice: 5.8 },
    ]);
    const step = (name: string, outcome: string, at: string, detail?: string) => ({
      step: name,
      outcome,
      attempt: 1,
      at: `2026-01-01T00:00:0${at}.000Z`,
      ...(detail ? { detail } : {}),
    });
    const saga = [
      step("accounts", "OK", "1"),
      step("reserve", "HELD", "2", "KB-01 ×2"),
      step("reserve", "HELD", "2", "MS-02 ×1"),
      step("hold", "HELD", "3", "25.8 from 1111111"),
      // A later run's entries may sit before an earlier one's: the view orders by time.
      step("confirm", "CONFIRMED", "6"),
      step("post", "POSTED", "4"),
      step("credit", "CREDITED", "5", "25.8 to 7777777"),
    ];
    const reservations = [
      { sku: "KB-01", quantity: 2, status: "COMMITTED" },
      { sku: "MS-02", quantity: 1, status: "COMMITTED" },
    ];
    stored({
      Items: [
        storedItem("order", order, "11111111-1111-4111-8111-111111111111", {
          status: "CONFIRMED",
          amountCents: 2580,
          saga,
          payment: { status: "POSTED", amountCents: 2580 },
          reservations,
        }),
      ],
    });
    // Act
    const body = JSON.parse((await get(order.id)).body ?? "null");
    // Assert
    expect(body.order).toMatchObject({ status: "CONFIRMED", amount: 25.8, items: order.items });
    expect(body.order).not.toHaveProperty("failure");
    expect(body.payment).toEqual({ status: "POSTED", amount: 25.8 });
    expect(body.reservations).toEqual(reservations);
    expect(body.saga.map((entry: { step: string }) => entry.step)).toEqual([
      "accounts",
      "reserve",
      "reserve",
      "hold",
      "post",
      "credit",
      "confirm",
    ]);
    expect(body.saga[1]).toEqual(step("reserve", "HELD", "2", "KB-01 ×2"));
  });

  it("shows a failed order's failure with its details, and no payment when none was held", async () => {
    const order = anOrderWithItems([{ sku: "GPU-9", quantity: 3, unitPrice: 5 }]);
    const failure = {
      code: "OUT_OF_STOCK",
      message: "Not enough stock for GPU-9",
      details: [{ sku: "GPU-9", requested: 3, available: 1 }],
    };
    stored({
      Items: [
        storedItem("order", order, "11111111-1111-4111-8111-111111111111", {
          status: "FAILED",
          failure,
          saga: [
            { step: "fail", outcome: "FAILED", attempt: 1, at: "2026-01-01T00:00:01.000Z", detail: "OUT_OF_STOCK" },
          ],
          reservations: [{ sku: "GPU-9", quantity: 3, status: "RELEASED" }],
        }),
      ],
    });
    const body = JSON.parse((await get(order.id)).body ?? "null");
    expect(body.order).toMatchObject({ status: "FAILED", failure });
    expect(body.payment).toBeUndefined();
    expect(body.reservations).toEqual([{ sku: "GPU-9", quantity: 3, status: "RELEASED" }]);
  });

  it("shows a PENDING order without payment or reservations, which the saga writes at its end", async () => {
    const order = anOrder();
    stored({
      Items: [storedItem("order", order, "11111111-1111-4111-8111-111111111111", { status: "PENDING" })],
    });
    const body = JSON.parse((await get(order.id)).body ?? "null");
    expect(body.order.status).toBe("PENDING");
    expect(body).not.toHaveProperty("payment");
    expect(body).not.toHaveProperty("reservations");
    expect(body).not.toHaveProperty("saga");
    expect(body.order).not.toHaveProperty("items");
  });

  it("answers 404 with a hint that the order may still be queued", async () => {
    stored({ Items: [] });
    const response = await get("missing-1");
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? "null")).toMatchObject({ error: "ORDER_NOT_FOUND" });
  });

  it("answers 400 for a malformed id without touching the table", async () => {
    const response = await get("bad id");
    expect(response.statusCode).toBe(400);
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
    expect(dynamo).not.toHaveReceivedCommand(GetCommand);
  });

  it("answers 503 when the table fails", async () => {
    dynamo.on(GetCommand).rejects(new Error("ResourceNotFoundException: secret table"));
    dynamo.on(QueryCommand).rejects(new Error("ResourceNotFoundException: secret table"));
    const response = await get("some-id");
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("secret");
  });
});

describe("GET /orders/{id} handler, by caller (#16)", () => {
  const asCaller = (id: string, caller: Parameters<typeof apiEvent>[0]["caller"]) =>
    handler(apiEvent({ method: "GET", path: `/orders/${id}`, pathParameters: { id }, caller }), lambdaContext());

  /** An order from account 1111111 to 7777777, stored. */
  const storedFromPayerToPayee = () => {
    const order = anOrder({ fromAccount: "1111111", toAccount: "7777777" });
    const accounts = { fromAccount: "1111111", toAccount: "7777777" };
    stored({ Items: [storedItem("order", order, "11111111-1111-4111-8111-111111111111", accounts)] });
    return order;
  };

  it("answers a stranger exactly as for an order that does not exist, and reads no more than the original", async () => {
    const order = storedFromPayerToPayee();
    const stranger = { kind: "customer", subject: "mallory", account: "2222222" } as const;
    const hidden = await asCaller(order.id, stranger);
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
    partition = [];
    const missing = await asCaller(order.id, stranger);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).toBe(missing.body);
    expect(hidden.headers).toEqual(missing.headers);
  });

  it("shows the payer its order and the payee only the order and its status", async () => {
    const order = storedFromPayerToPayee();
    const payer = JSON.parse(
      (await asCaller(order.id, { kind: "customer", subject: "a", account: "1111111" })).body ?? "null",
    );
    const payee = JSON.parse(
      (await asCaller(order.id, { kind: "customer", subject: "m", account: "7777777" })).body ?? "null",
    );
    expect(payer.sight).toBe("payer");
    expect(payee).toEqual({
      sight: "payee",
      order: expect.objectContaining({ id: order.id }),
      duplicates: [],
      notifications: [],
    });
  });
});
