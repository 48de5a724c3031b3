import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { handler as getStock } from "@orders/functions/admin/inventory-get";
import { handler as setStock } from "@orders/functions/admin/inventory-set";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { conditionFailed, storedStock } from "../../helpers/stored-items.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });

const admin = { authorization: `Bearer ${linked.AdminToken.value}` };

const put = (sku: string, body: unknown, headers: Record<string, string> = { ...admin }) =>
  setStock(
    apiEvent({
      method: "PUT",
      path: `/inventory/${sku}`,
      pathParameters: { sku },
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    lambdaContext("inventory-set"),
  );

const get = (sku: string, headers: Record<string, string> = { ...admin }) =>
  getStock(
    apiEvent({ method: "GET", path: `/inventory/${sku}`, pathParameters: { sku }, headers }),
    lambdaContext("inventory-get"),
  );

const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "null");

describe("PUT /inventory/{sku} handler", () => {
  it("creates a sku that has no stock yet, with nothing reserved", async () => {
    // Arrange
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    // Act
    const response = await put("KB-01", { onHand: 5 });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      sku: "KB-01",
      onHand: 5,
      reserved: 0,
      available: 5,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: linked.OrdersTable.name,
      Item: expect.objectContaining({ pk: "$orders#sku_KB-01", onHand: 5, reserved: 0, available: 5 }),
      ConditionExpression: expect.stringContaining("attribute_not_exists"),
    });
  });

  it("sets the count of an existing sku, keeping what is reserved and only while it stays so", async () => {
    // Arrange
    dynamo.on(GetCommand).resolves({ Item: storedStock("KB-01", { onHand: 10, reserved: 3 }) });
    dynamo.on(UpdateCommand).resolves({});
    // Act
    const response = await put("KB-01", { onHand: 20 });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ sku: "KB-01", onHand: 20, reserved: 3, available: 17 });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.Key).toEqual({ pk: "$orders#sku_KB-01", sk: "$stock_1" });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(expect.arrayContaining([20, 17, 3]));
  });

  it("refuses a count below what is reserved with 409 STOCK_BELOW_RESERVED, writing nothing", async () => {
    dynamo.on(GetCommand).resolves({ Item: storedStock("KB-01", { onHand: 10, reserved: 4 }) });
    const response = await put("KB-01", { onHand: 3 });
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toMatchObject({ error: "STOCK_BELOW_RESERVED" });
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });

  it("reads again and retries when another writer changed the sku in between", async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: storedStock("KB-01", { onHand: 10, reserved: 3 }) })
      .resolves({ Item: storedStock("KB-01", { onHand: 10, reserved: 5 }) });
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    const response = await put("KB-01", { onHand: 8 });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ onHand: 8, reserved: 5, available: 3 });
    expect(dynamo).toHaveReceivedCommandTimes(UpdateCommand, 2);
  });

  it.each([
    [{ onHand: -1 }, "onHand"],
    [{ onHand: 1.5 }, "onHand"],
    [{ onHand: "5" }, "onHand"],
    [{}, "onHand"],
  ])("answers 400 INVALID_INPUT for the body %j without touching the table", async (body, field) => {
    const response = await put("KB-01", body);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: "INVALID_INPUT", details: [expect.objectContaining({ field })] });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("answers 400 for a malformed sku, 415 for a non-JSON body, 401 without the token", async () => {
    expect((await put("a b", { onHand: 1 })).statusCode).toBe(400);
    expect((await put("KB-01", { onHand: 1 }, { ...admin, "content-type": "text/plain" })).statusCode).toBe(415);
    const refused = await put("KB-01", { onHand: 1 }, { authorization: "Bearer wrong" });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject({ "www-authenticate": "Bearer" });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("answers 503 when the table fails, saying nothing of why", async () => {
    dynamo.on(GetCommand).rejects(new Error("AccessDenied on secret-table"));
    const response = await put("KB-01", { onHand: 1 });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain("secret");
  });
});

describe("GET /inventory/{sku} handler", () => {
  it("answers the stock with available = onHand − reserved, read consistently", async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: storedStock("MS-02", { onHand: 7, reserved: 2, updatedAt: "2026-02-03T04:05:06.000Z" }) });
    const response = await get("MS-02");
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      sku: "MS-02",
      onHand: 7,
      reserved: 2,
      available: 5,
      updatedAt: "2026-02-03T04:05:06.000Z",
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: linked.OrdersTable.name,
      Key: { pk: "$orders#sku_MS-02", sk: "$stock_1" },
      ConsistentRead: true,
    });
  });

  it("answers 404 STOCK_NOT_FOUND for a sku never stocked", async () => {
    dynamo.on(GetCommand).resolves({});
    const response = await get("NOPE-1");
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toMatchObject({ error: "STOCK_NOT_FOUND" });
  });

  it("needs the admin token, and a well-formed sku before any read", async () => {
    expect((await get("KB-01", {})).statusCode).toBe(401);
    expect((await get("../etc")).statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
