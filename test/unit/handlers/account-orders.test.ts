import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { claimWrite } from "@orders/core/adapters/table-writes";
import { handler } from "@orders/functions/admin/account-orders";
import { anOrderRecord, apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });

const admin = { authorization: `Bearer ${linked.AdminToken.value}` };
const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "null");

const list = (id: string, query: Record<string, string> = {}, headers: Record<string, string> = admin) =>
  handler(
    {
      ...apiEvent({ method: "GET", path: `/accounts/${id}/orders`, pathParameters: { id }, headers }),
      rawQueryString: new URLSearchParams(query).toString(),
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    },
    lambdaContext("account-orders"),
  );

/** The stored item of an original, and its entry in the keys-only payer index. */
function stored(orderId: string, receivedAt: string) {
  const { Item } = claimWrite(linked.OrdersTable.name, { ...anOrderRecord({ orderId, receivedAt }), sweepShard: 0 });
  const item = Item as Record<string, string>;
  return { item, entry: { pk: item.pk, sk: item.sk, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk } };
}

describe("GET /accounts/{id}/orders handler", () => {
  it("queries the payer index newest first and reads the page's items back by key", async () => {
    // Arrange
    const newer = stored("o-2", "2026-12-01T12:02:00.000Z");
    const older = stored("o-1", "2026-12-01T12:01:00.000Z");
    dynamo.on(QueryCommand).resolves({ Items: [newer.entry, older.entry] });
    // DynamoDB always answers UnprocessedKeys, empty when it read every key (ElectroDB requires it).
    dynamo
      .on(BatchGetCommand)
      .resolves({ Responses: { [linked.OrdersTable.name]: [older.item, newer.item] }, UnprocessedKeys: {} });
    // Act
    const response = await list("1111111", { limit: "5" });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      orders: [
        expect.objectContaining({ id: "o-2", status: "CONFIRMED", amount: 25.8, fromAccount: "1111111" }),
        expect.objectContaining({ id: "o-1", receivedAt: "2026-12-01T12:01:00.000Z" }),
      ],
    });
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: "gsi2",
      ScanIndexForward: false,
      ExpressionAttributeValues: expect.objectContaining({ ":pk": "$orders#fromAccount_1111111" }),
    });
  });

  it("answers 400 INVALID_INPUT with details for a bad role, without reading the table", async () => {
    // Act
    const response = await list("1111111", { role: "buyer" });
    // Assert
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: "INVALID_INPUT", details: [{ field: "role" }] });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it("answers 400 for a malformed account id", async () => {
    // Act
    const response = await list("abc");
    // Assert
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: "INVALID_INPUT", details: [{ field: "id" }] });
  });

  it("answers 401 without the admin token", async () => {
    // Act
    const response = await list("1111111", {}, {});
    // Assert
    expect(response.statusCode).toBe(401);
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it("answers 503 TABLE_UNAVAILABLE when the table fails", async () => {
    // Arrange
    dynamo.on(QueryCommand).rejects(new Error("boom"));
    // Act
    const response = await list("1111111");
    // Assert
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toMatchObject({ error: "TABLE_UNAVAILABLE" });
  });
});
