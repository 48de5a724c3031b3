import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { handler as getAccount } from "@orders/functions/admin/account-get";
import { handler as setWebhook } from "@orders/functions/admin/account-webhook";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { beforeEach, describe, expect, it } from "vitest";
import { accountJsonEvent, adminHeaders as admin, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { storedAccount, storedWebhook } from "../../helpers/stored-items.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });

const put = (id: string, body: unknown, headers?: Record<string, string>) =>
  setWebhook(accountJsonEvent("PUT", id, "/webhook", body, headers), lambdaContext("account-webhook"));

const read = (id: string) =>
  getAccount(
    apiEvent({ method: "GET", path: `/accounts/${id}`, pathParameters: { id }, headers: admin }),
    lambdaContext("account-get"),
  );

/** The account exists: the batch read of account ids finds it. */
const accountExists = (accountId: string) =>
  dynamo.on(BatchGetCommand).resolves({
    Responses: { [linked.OrdersTable.name]: [{ pk: `$orders#accountId_${accountId}`, sk: "$account_1", accountId }] },
  });

describe("PUT /accounts/{id}/webhook handler", () => {
  it("saves the webhook as its own item in the account's partition, and answers the URL and a new secret", async () => {
    // Arrange
    accountExists("1111111");
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    // Act
    const response = await put("1111111", { url: "https://Hooks.Example.com/orders" });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.headers?.["cache-control"]).toBe("no-store");
    const body = bodyOf(response);
    expect(body).toEqual({ url: "https://hooks.example.com/orders", secret: expect.stringMatching(/^whsec_/) });
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: linked.OrdersTable.name,
      Item: expect.objectContaining({
        pk: "$orders#accountId_1111111",
        sk: "$webhook_1",
        url: "https://hooks.example.com/orders",
        secret: body.secret,
      }),
    });
  });

  it("answers a new secret each time it is set", async () => {
    accountExists("1111111");
    dynamo.on(GetCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    const first = bodyOf(await put("1111111", { url: "https://hooks.example.com/orders" }));
    const second = bodyOf(await put("1111111", { url: "https://hooks.example.com/orders" }));
    expect(first.secret).not.toBe(second.secret);
  });

  it("rotates over the stored webhook: keeps its secret as the previous one, on the condition that it is still there", async () => {
    // Arrange
    accountExists("1111111");
    dynamo.on(GetCommand).resolves({ Item: storedWebhook("1111111") });
    dynamo.on(PutCommand).resolves({});
    // Act
    const response = await put("1111111", { url: "https://hooks.example.com/orders" });
    // Assert
    const body = bodyOf(response);
    expect(response.statusCode).toBe(200);
    expect(body.previousSecretValidUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(response.body).not.toContain("whsec_do-not-show");
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        secret: body.secret,
        previousSecret: "whsec_do-not-show",
        previousSecretUntil: body.previousSecretValidUntil,
      }),
      ConditionExpression: expect.stringContaining("="),
      ExpressionAttributeValues: expect.objectContaining({ ":secret0": "whsec_do-not-show" }),
    });
  });

  it("answers 400 for a revokePreviousSecret that is not a boolean, touching nothing", async () => {
    const response = await put("1111111", { url: "https://hooks.example.com/orders", revokePreviousSecret: "yes" });
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    "http://hooks.example.com/orders",
    "http://127.0.0.1:8080/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://user:pass@hooks.example.com/",
    "https://metadata.google.internal/",
  ])("answers 422 UNSAFE_WEBHOOK_URL for %s, touching nothing", async (url) => {
    const response = await put("1111111", { url });
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toMatchObject({
      error: "UNSAFE_WEBHOOK_URL",
      details: [{ field: "url", code: "UNSAFE_WEBHOOK_URL" }],
    });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("answers 404 ACCOUNT_NOT_FOUND for an account never opened, writing nothing", async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: {} });
    const response = await put("9999999", { url: "https://hooks.example.com/orders" });
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toMatchObject({ error: "ACCOUNT_NOT_FOUND" });
    expect(dynamo).not.toHaveReceivedCommand(PutCommand);
  });

  it.each([
    ["1111111", {}],
    ["1111111", { url: 5 }],
    ["1111111", []],
    ["123", { url: "https://hooks.example.com/orders" }],
    ["abcdefg", { url: "https://hooks.example.com/orders" }],
  ])("answers 400 for id %j and body %j without touching the table", async (id, body) => {
    const response = await put(id, body);
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("needs the admin token and a JSON body", async () => {
    expect((await put("1111111", { url: "https://hooks.example.com/" }, {})).statusCode).toBe(401);
    expect(
      (await put("1111111", { url: "https://hooks.example.com/" }, { ...admin, "content-type": "text/plain" }))
        .statusCode,
    ).toBe(415);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe("GET /accounts/{id} handler with a webhook", () => {
  beforeEach(() => {
    // No archived ledger entries.
    dynamo.on(QueryCommand).resolves({ Items: [] });
  });

  it("shows the webhook's URL and time, never its secret", async () => {
    // Arrange: the account item and the webhook item are two keys of one partition.
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$account_1" } }).resolves({
      Item: storedAccount("1111111"),
    });
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" } }).resolves({
      Item: storedWebhook("1111111"),
    });
    // Act
    const response = await read("1111111");
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({
      accountId: "1111111",
      webhook: { url: "https://hooks.example.com/orders", updatedAt: "2026-03-01T12:00:00.000Z" },
    });
    expect(response.body).not.toContain("whsec_");
  });

  it("shows no webhook when none is set", async () => {
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$account_1" } }).resolves({
      Item: storedAccount("1111111"),
    });
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" } }).resolves({});
    expect(bodyOf(await read("1111111"))).not.toHaveProperty("webhook");
  });
});
