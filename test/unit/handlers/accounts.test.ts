import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { markerKey } from "@orders/core/adapters/marker-keys";
import { handler as deposit } from "@orders/functions/admin/account-deposit";
import { handler as getAccount } from "@orders/functions/admin/account-get";
import { handler as openAccount } from "@orders/functions/admin/account-open";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it } from "vitest";
import { accountJsonEvent, adminHeaders as admin, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { conditionFailed, storedAccount, storedEntry } from "../../helpers/stored-items.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });
beforeEach(() => {
  // No archived entries unless a test says so.
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

const open = (id: string, headers: Record<string, string> = admin) =>
  openAccount(
    apiEvent({ method: "PUT", path: `/accounts/${id}`, pathParameters: { id }, headers }),
    lambdaContext("account-open"),
  );

const depositTo = (id: string, body: unknown, headers?: Record<string, string>) =>
  deposit(accountJsonEvent("POST", id, "/deposits", body, headers), lambdaContext("account-deposit"));

const read = (id: string, headers: Record<string, string> = admin) =>
  getAccount(
    apiEvent({ method: "GET", path: `/accounts/${id}`, pathParameters: { id }, headers }),
    lambdaContext("account-get"),
  );

const aDeposit = (reference: string, amountCents: number, at: string) => ({
  transferId: `deposit:${reference}`,
  kind: "DEPOSIT" as const,
  amountCents,
  status: "POSTED" as const,
  at,
});

describe("PUT /accounts/{id} handler", () => {
  it("opens a new account with a zero balance: 201 with the account", async () => {
    // Arrange
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({ Item: storedAccount("1111111") });
    // Act
    const response = await open("1111111");
    // Assert
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toEqual({ accountId: "1111111", balance: 0, held: 0, available: 0, entries: [] });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: linked.OrdersTable.name,
      Item: expect.objectContaining({ pk: "$orders#accountId_1111111", balance: 0, held: 0 }),
      ConditionExpression: expect.stringContaining("attribute_not_exists"),
    });
  });

  it("answers 200 with the account as it stands when it already exists, changing nothing", async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({
      Item: storedAccount("1111111", {
        balance: 12_345,
        transfers: [aDeposit("dep-1", 12_345, "2026-01-02T00:00:00.000Z")],
      }),
    });
    const response = await open("1111111");
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ accountId: "1111111", balance: 123.45, available: 123.45 });
    expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
  });

  it.each(["123456", "abcdefg", "1".repeat(21), "1111111 "])(
    "answers 400 for the id %j without touching the table",
    async (id) => {
      const response = await open(id);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({ error: "INVALID_INPUT" });
      expect(dynamo.calls()).toHaveLength(0);
    },
  );

  it("needs the admin token", async () => {
    expect((await open("1111111", {})).statusCode).toBe(401);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe("POST /accounts/{id}/deposits handler", () => {
  it("adds the amount in cents and the entry in one conditional write, then answers the account", async () => {
    // Arrange
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(GetCommand).resolves({
      Item: storedAccount("1111111", { balance: 1050, transfers: [aDeposit("dep-1", 1050, "2026-01-02T00:00:00Z")] }),
    });
    // Act
    const response = await depositTo("1111111", { amount: 10.5, reference: "dep-1" });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({
      accountId: "1111111",
      balance: 10.5,
      entries: [{ transferId: "deposit:dep-1", kind: "DEPOSIT", amount: 10.5, status: "POSTED" }],
    });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.Key).toEqual({ pk: "$orders#accountId_1111111", sk: "$account_1" });
    expect(update?.ConditionExpression).toContain("attribute_not_exists");
    expect(Object.values(update?.ExpressionAttributeNames ?? {})).toContain(markerKey("deposit:dep-1"));
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain(1050);
  });

  it("changes nothing when the reference was used before: 200 with the account as it stands", async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({
      Item: storedAccount("1111111", { balance: 1050, transfers: [aDeposit("dep-1", 1050, "2026-01-02T00:00:00Z")] }),
    });
    const response = await depositTo("1111111", { amount: 10.5, reference: "dep-1" });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ balance: 10.5 });
    expect(bodyOf(response).entries).toHaveLength(1);
  });

  it("answers 404 ACCOUNT_NOT_FOUND for an account never opened", async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});
    const response = await depositTo("9999999", { amount: 5, reference: "dep-x" });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toMatchObject({ error: "ACCOUNT_NOT_FOUND" });
  });

  it.each([
    [{ amount: 1.234, reference: "r" }, "amount"],
    [{ amount: 0, reference: "r" }, "amount"],
    [{ amount: "5", reference: "r" }, "amount"],
    [{ amount: 5 }, "reference"],
    [{ amount: 5, reference: "has space" }, "reference"],
  ])("answers 400 for the deposit %j without touching the table", async (body, field) => {
    const response = await depositTo("1111111", body);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).details).toContainEqual(expect.objectContaining({ field }));
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe("GET /accounts/{id} handler", () => {
  it("answers balance, held and available in currency units, and the latest 10 entries newest first", async () => {
    // Arrange: a pending hold and two recent deposits in the item; older deposits archived.
    const deposits = Array.from({ length: 20 }, (_, i) =>
      aDeposit(`dep-${i}`, 300, `2026-01-01T00:${String(i).padStart(2, "0")}:00.000Z`),
    );
    const hold = {
      transferId: "order:order-9",
      kind: "DEBIT" as const,
      amountCents: 2580,
      status: "HELD" as const,
      at: "2026-01-02T00:00:00.000Z",
      orderId: "order-9",
    };
    dynamo.on(GetCommand).resolves({
      Item: storedAccount("1111111", {
        balance: 6000 - 2580,
        held: 2580,
        transfers: [...deposits.slice(18), hold],
      }),
    });
    const archived = deposits.slice(0, 18).reverse();
    dynamo.on(QueryCommand).resolves({ Items: archived.map((entry) => storedEntry("1111111", entry)) });
    // Act
    const body = bodyOf(await read("1111111"));
    // Assert
    expect(body).toMatchObject({ accountId: "1111111", balance: 34.2, held: 25.8, available: 34.2 });
    expect(body.entries).toHaveLength(10);
    expect(body.entries[0]).toEqual({
      transferId: "order:order-9",
      kind: "DEBIT",
      amount: 25.8,
      status: "HELD",
      at: "2026-01-02T00:00:00.000Z",
      orderId: "order-9",
    });
    expect(body.entries.slice(1).map((entry: { transferId: string }) => entry.transferId)).toEqual(
      [19, 18, 17, 16, 15, 14, 13, 12, 11].map((i) => `deposit:dep-${i}`),
    );
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: "gsi1",
      ScanIndexForward: false,
      ExpressionAttributeValues: expect.objectContaining({ ":pk": "$orders#accountId_1111111" }),
    });
  });

  it("answers 404 ACCOUNT_NOT_FOUND, and 401 without the token", async () => {
    dynamo.on(GetCommand).resolves({});
    const missing = await read("7777777");
    expect(missing.statusCode).toBe(404);
    expect(bodyOf(missing)).toMatchObject({ error: "ACCOUNT_NOT_FOUND" });
    expect((await read("7777777", { authorization: "Bearer nope" })).statusCode).toBe(401);
  });
});
