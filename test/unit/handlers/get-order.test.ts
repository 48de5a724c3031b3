import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { handler } from "@orders/functions/api/get-order";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { anOrder, apiEvent, lambdaContext } from "../../helpers/factories.ts";
import { linked } from "../../helpers/linked-resources.ts";

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
afterEach(() => {
  dynamo.reset();
  s3.reset();
});

const get = (id: string) =>
  handler(apiEvent({ method: "GET", path: `/orders/${id}`, pathParameters: { id } }), lambdaContext("get-order"));

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
    dynamo.on(QueryCommand).resolves({ Items: [original, duplicate] });
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
    dynamo.on(QueryCommand).resolves({
      Items: [storedItem("order", order, "11111111-1111-4111-8111-111111111111", { s3Key: `orders/${order.id}.json` })],
    });
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error("not found"), { name: "NotFound" }));
    const body = JSON.parse((await get(order.id)).body ?? "null");
    expect(body.jsonUrl).toBeUndefined();
  });

  it("answers 404 with a hint that the order may still be queued", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const response = await get("missing-1");
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? "null")).toMatchObject({ error: "ORDER_NOT_FOUND" });
  });

  it("answers 400 for a malformed id without touching the table", async () => {
    const response = await get("bad id");
    expect(response.statusCode).toBe(400);
    expect(dynamo).not.toHaveReceivedCommand(QueryCommand);
  });

  it("answers 503 when the table fails", async () => {
    dynamo.on(QueryCommand).rejects(new Error("ResourceNotFoundException: secret table"));
    const response = await get("some-id");
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("secret");
  });
});
