import { randomInt } from "node:crypto";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoWebhookRegistry } from "@orders/core/adapters/dynamo-webhook-registry";
import { tableAccess } from "@orders/core/adapters/table-access";
import { DependencyError } from "@orders/core/domain/errors";
import { ordersService } from "@orders/core/entities/service";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const service = ordersService({ client: stage.clients.document, table: stage.resources.table });
const registry = new DynamoWebhookRegistry(tableAccess(service));
const ledger = new DynamoAccountLedger(tableAccess(service));

/** The webhook the registry tests save first, and rotate or replace. */
const firstWebhook = { url: "https://hooks.example.com/a", secret: "whsec_one", updatedAt: "2026-03-01T00:00:00.000Z" };

/** A fresh 10-digit account id per test. */
const uniqueAccountId = () => String(randomInt(1_000_000_000, 9_999_999_999));

describe("DynamoWebhookRegistry", () => {
  it("finds nothing for an account with no webhook", async () => {
    expect(await registry.find(uniqueAccountId())).toBeUndefined();
  });

  it("saves a webhook and finds it again; a second save replaces it (a rotated secret)", async () => {
    // Arrange
    const accountId = uniqueAccountId();
    const second = { url: "https://hooks.example.com/b", secret: "whsec_two", updatedAt: "2026-03-02T00:00:00.000Z" };
    // Act
    const savedFirst = await registry.save(accountId, firstWebhook, undefined);
    const found = await registry.find(accountId);
    const savedSecond = await registry.save(accountId, second, firstWebhook);
    // Assert
    expect([savedFirst, savedSecond]).toEqual([true, true]);
    expect(found).toEqual(firstWebhook);
    expect(await registry.find(accountId)).toEqual(second);
  });

  it("keeps the previous secret with its expiry, and a save without one drops it", async () => {
    // Arrange
    const accountId = uniqueAccountId();
    const rotated = {
      url: "https://hooks.example.com/a",
      secret: "whsec_two",
      updatedAt: "2026-03-02T00:00:00.000Z",
      previous: { secret: "whsec_one", until: "2026-03-03T00:00:00.000Z" },
    };
    const revoked = {
      url: "https://hooks.example.com/a",
      secret: "whsec_three",
      updatedAt: "2026-03-02T01:00:00.000Z",
    };
    // Act
    await registry.save(accountId, firstWebhook, undefined);
    await registry.save(accountId, rotated, firstWebhook);
    const found = await registry.find(accountId);
    await registry.save(accountId, revoked, rotated);
    // Assert
    expect(found).toEqual(rotated);
    expect(await registry.find(accountId)).toEqual(revoked);
  });

  it("saves only over the webhook it was derived from: a stale save is refused and changes nothing", async () => {
    // Arrange: two rotations both derived from the first webhook; the second to save must lose.
    const accountId = uniqueAccountId();
    const winner = {
      ...firstWebhook,
      secret: "whsec_winner",
      previous: { secret: "whsec_one", until: "2026-03-02T00:00:00.000Z" },
    };
    const loser = {
      ...firstWebhook,
      secret: "whsec_loser",
      previous: { secret: "whsec_one", until: "2026-03-02T00:00:00.000Z" },
    };
    await registry.save(accountId, firstWebhook, undefined);
    // Act
    const won = await registry.save(accountId, winner, firstWebhook);
    const lost = await registry.save(accountId, loser, firstWebhook);
    const overwrote = await registry.save(accountId, loser, undefined);
    // Assert
    expect([won, lost, overwrote]).toEqual([true, false, false]);
    expect(await registry.find(accountId)).toEqual(winner);
  });

  it("keeps the item bounded: the longest URL with a previous secret stays under 3 KB", async () => {
    // Arrange
    const accountId = uniqueAccountId();
    const url = `https://hooks.example.com/${"a".repeat(2048 - 26)}`;
    const secret = `whsec_${"x".repeat(43)}`;
    const webhook = {
      url,
      secret,
      updatedAt: "2026-03-02T00:00:00.000Z",
      previous: { secret: `whsec_${"y".repeat(43)}`, until: "2026-03-03T00:00:00.000Z" },
    };
    // Act
    await registry.save(accountId, webhook, undefined);
    // Assert
    const { Item } = await stage.clients.document.send(
      new GetCommand({
        TableName: stage.resources.table,
        Key: { pk: `$orders#accountId_${accountId}`, sk: "$webhook_1" },
        ConsistentRead: true,
      }),
    );
    const bytes = Object.entries(Item ?? {}).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
      0,
    );
    expect(url).toHaveLength(2048);
    expect(bytes).toBeLessThan(3 * 1024);
    expect(await registry.find(accountId)).toEqual(webhook);
  });

  it("keeps the webhook as a small item of its own in the account's partition, leaving the account as it was", async () => {
    // Arrange: an account with a ledger entry.
    const accountId = uniqueAccountId();
    const at = new Date().toISOString();
    await ledger.open(accountId, at);
    await ledger.deposit(accountId, "webhook-test", 1234, at);
    const before = await ledger.find(accountId);
    // Act
    await registry.save(accountId, { url: "https://hooks.example.com/x", secret: "whsec_x", updatedAt: at }, undefined);
    // Assert: two items under one partition key, the webhook's without the ledger's transfers.
    const { Items = [] } = await stage.clients.document.send(
      new QueryCommand({
        TableName: stage.resources.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `$orders#accountId_${accountId}` },
        ConsistentRead: true,
      }),
    );
    expect(Items.map((item) => item.sk).sort()).toEqual(["$account_1", "$webhook_1"]);
    const { Item } = await stage.clients.document.send(
      new GetCommand({
        TableName: stage.resources.table,
        Key: { pk: `$orders#accountId_${accountId}`, sk: "$webhook_1" },
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject({ accountId, url: "https://hooks.example.com/x", secret: "whsec_x" });
    expect(Item).not.toHaveProperty("transfers");
    expect(await ledger.find(accountId)).toEqual(before);
    expect(await ledger.missing([accountId])).toEqual([]);
  });

  it("is not taken for an account by the ledger's scan (the consistency audit's read)", async () => {
    const accountId = uniqueAccountId();
    await registry.save(
      accountId,
      { url: "https://hooks.example.com/y", secret: "whsec_y", updatedAt: "2026-03-01T00:00:00.000Z" },
      undefined,
    );
    const accounts = await ledger.auditView();
    expect(accounts.map((account) => account.accountId)).not.toContain(accountId);
    expect(await ledger.missing([accountId])).toEqual([accountId]);
  });

  it("turns a table error into DependencyError", async () => {
    const broken = new DynamoWebhookRegistry(
      tableAccess(ordersService({ client: stage.clients.document, table: "no-such-table" })),
    );
    await expect(broken.find(uniqueAccountId())).rejects.toBeInstanceOf(DependencyError);
    await expect(
      broken.save(
        uniqueAccountId(),
        { url: "https://a.example.com/", secret: "s", updatedAt: "2026-03-01T00:00:00.000Z" },
        undefined,
      ),
    ).rejects.toMatchObject({ code: "TABLE_UNAVAILABLE" });
  });
});

describe("PUT /accounts/{id}/webhook on the local stage", () => {
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const load = async (file: string) =>
    (await import(/* @vite-ignore */ `../../packages/functions/src/admin/${file}.ts`)).handler;

  it("accepts a loopback http receiver (local policy), and GET /accounts/{id} shows it without the secret", async () => {
    // Arrange
    const [setWebhook, getAccount] = await Promise.all([load("account-webhook"), load("account-get")]);
    const accountId = uniqueAccountId();
    await ledger.open(accountId, new Date().toISOString());
    // Act
    const put = await setWebhook(
      apiEvent({
        method: "PUT",
        path: `/accounts/${accountId}/webhook`,
        pathParameters: { id: accountId },
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ url: "http://127.0.0.1:9/hook" }),
      }),
      lambdaContext("account-webhook"),
    );
    const got = await getAccount(
      apiEvent({ method: "GET", path: `/accounts/${accountId}`, pathParameters: { id: accountId }, headers: auth }),
      lambdaContext("account-get"),
    );
    // Assert
    expect(put.statusCode).toBe(200);
    const { secret } = JSON.parse(put.body);
    expect(secret).toMatch(/^whsec_/);
    expect(await registry.find(accountId)).toMatchObject({ url: "http://127.0.0.1:9/hook", secret });
    expect(got.statusCode).toBe(200);
    expect(JSON.parse(got.body).webhook).toEqual({ url: "http://127.0.0.1:9/hook", updatedAt: expect.any(String) });
    expect(got.body).not.toContain(secret);
  });

  it("rotates on a second PUT with an overlap, and revokes the old secret at once when the body asks", async () => {
    // Arrange
    const setWebhook = await load("account-webhook");
    const accountId = uniqueAccountId();
    await ledger.open(accountId, new Date().toISOString());
    const putWebhook = async (body: object) =>
      setWebhook(
        apiEvent({
          method: "PUT",
          path: `/accounts/${accountId}/webhook`,
          pathParameters: { id: accountId },
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        lambdaContext("account-webhook"),
      );
    // Act
    const first = JSON.parse((await putWebhook({ url: "http://127.0.0.1:9/hook" })).body);
    const second = JSON.parse((await putWebhook({ url: "http://127.0.0.1:9/hook" })).body);
    const afterRotation = await registry.find(accountId);
    const third = JSON.parse((await putWebhook({ url: "http://127.0.0.1:9/hook", revokePreviousSecret: true })).body);
    // Assert
    expect(first).not.toHaveProperty("previousSecretValidUntil");
    expect(second.previousSecretValidUntil).toEqual(afterRotation?.previous?.until);
    expect(Date.parse(second.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    expect(afterRotation).toMatchObject({ secret: second.secret, previous: { secret: first.secret } });
    expect(third).not.toHaveProperty("previousSecretValidUntil");
    expect(await registry.find(accountId)).toEqual({
      url: "http://127.0.0.1:9/hook",
      secret: third.secret,
      updatedAt: expect.any(String),
    });
  });
});
