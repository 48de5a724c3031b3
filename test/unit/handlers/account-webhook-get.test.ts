import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { handler } from "@orders/functions/admin/account-webhook-get";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { adminHeaders, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { storedCircuit, storedWebhook as storedWebhookItem } from "../../helpers/stored-items.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });

type Caller = Parameters<typeof apiEvent>[0]["caller"];
const read = (id: string, who: { headers?: Record<string, string>; caller?: Caller } = { headers: adminHeaders }) =>
  handler(
    apiEvent({ method: "GET", path: `/accounts/${id}/webhook`, pathParameters: { id }, ...who }),
    lambdaContext("account-webhook-get"),
  );

const THE_FUTURE = new Date(Date.now() + 3_600_000).toISOString();
/** The account's webhook, its old secret still accepted for an hour. */
const storedWebhook = (accountId: string) =>
  storedWebhookItem(accountId, { previousSecret: "whsec_old-do-not-show", previousSecretUntil: THE_FUTURE });

describe("GET /accounts/{id}/webhook handler", () => {
  it("answers an operator the endpoint, the old secret's overlap and the circuit, with neither secret", async () => {
    // Arrange: the endpoint's circuit is open.
    dynamo.on(GetCommand).resolves({});
    dynamo.on(GetCommand, { Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" } }).resolves({
      Item: storedWebhook("1111111"),
    });
    const circuit = storedCircuit("1111111", {
      url: "https://hooks.example.com/orders",
      state: "OPEN",
      consecutiveFailures: 7,
      opens: 2,
      openedAt: "2026-03-01T13:00:00.000Z",
      probeAt: "2026-03-01T13:02:00.000Z",
      updatedAt: "2026-03-01T13:01:00.000Z",
      version: 9,
    });
    dynamo.on(GetCommand, { Key: { pk: circuit.pk, sk: circuit.sk } }).resolves({ Item: circuit });
    // Act
    const response = await read("1111111");
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      accountId: "1111111",
      url: "https://hooks.example.com/orders",
      updatedAt: "2026-03-01T12:00:00.000Z",
      previousSecretUntil: THE_FUTURE,
      circuit: {
        state: "OPEN",
        consecutiveFailures: 7,
        openedAt: "2026-03-01T13:00:00.000Z",
        probeAt: "2026-03-01T13:02:00.000Z",
      },
    });
    expect(response.body).not.toContain("whsec_");
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: linked.OrdersTable.name,
      Key: { pk: "$orders#accountId_1111111", sk: "$webhook_1" },
    });
  });

  it("answers the customer whose account it is", async () => {
    // Arrange
    dynamo.on(GetCommand).resolves({ Item: storedWebhook("1111111") });
    // Act
    const response = await read("1111111", { caller: { kind: "customer", subject: "alice", account: "1111111" } });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).url).toBe("https://hooks.example.com/orders");
  });

  it("answers another customer exactly as for a missing account, reading nothing", async () => {
    // Arrange
    dynamo.on(BatchGetCommand).resolves({ UnprocessedKeys: {}, Responses: { [linked.OrdersTable.name]: [] } });
    dynamo.on(GetCommand).resolves({});
    // Act
    const stranger = await read("1111111", { caller: { kind: "customer", subject: "mallory", account: "2222222" } });
    const readsByStranger = dynamo.calls().length;
    const missing = await read("1111111");
    // Assert
    expect(stranger.statusCode).toBe(404);
    expect(readsByStranger).toBe(0);
    expect(stranger.body).toBe(missing.body);
    expect(bodyOf(stranger).error).toBe("ACCOUNT_NOT_FOUND");
  });

  it("is 404 WEBHOOK_NOT_FOUND for an account with none set", async () => {
    // Arrange
    dynamo.on(GetCommand).resolves({});
    dynamo.on(BatchGetCommand).resolves({
      UnprocessedKeys: {},
      Responses: {
        [linked.OrdersTable.name]: [{ pk: "$orders#accountId_1111111", sk: "$account_1", accountId: "1111111" }],
      },
    });
    // Act
    const response = await read("1111111");
    // Assert
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toBe("WEBHOOK_NOT_FOUND");
  });
});
