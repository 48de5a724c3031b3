import { randomInt } from "node:crypto";
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoNotificationLog } from "@orders/core/adapters/dynamo-notification-log";
import { DynamoWebhookCircuits } from "@orders/core/adapters/dynamo-webhook-circuits";
import { SqsNotificationRequeue } from "@orders/core/adapters/sqs-notification-requeue";
import { tableAccess } from "@orders/core/adapters/table-access";
import { orderEventsOf, parseOrderEvent } from "@orders/core/domain/order-events";
import { afterFailure, endpointKey, type WebhookCircuit } from "@orders/core/domain/webhook-circuit";
import { ordersService } from "@orders/core/entities/service";
import { anOrderRecord } from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const service = ordersService({ client: stage.clients.document, table: stage.resources.table });
const circuits = new DynamoWebhookCircuits(tableAccess(service));
const log = new DynamoNotificationLog(tableAccess(service));
/** The account the circuits belong to: each test has a URL of its own. */
const ACCOUNT = "1111111";
const POLICY = { failureThreshold: 2, coolDownSeconds: 30, maxCoolDownSeconds: 900, maxWaitHours: 72 };

/** A URL of the longest length allowed, different in every test. */
const uniqueLongestUrl = () => {
  const prefix = `https://hooks.example.com/${randomInt(1_000_000_000, 9_999_999_999)}/`;
  return prefix + "p".repeat(2048 - prefix.length);
};
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, seconds));

describe("DynamoWebhookCircuits", () => {
  it("finds nothing for an endpoint that never failed, and keeps what the breaker decides", async () => {
    // Arrange
    const url = uniqueLongestUrl();
    const once = afterFailure(undefined, url, at(0), POLICY);
    const twice = afterFailure(once, url, at(1), POLICY);
    // Act
    const none = await circuits.find(ACCOUNT, url);
    const saved = [await circuits.save(ACCOUNT, once), await circuits.save(ACCOUNT, twice)];
    // Assert
    expect(none).toBeUndefined();
    expect(saved).toEqual([true, true]);
    expect(await circuits.find(ACCOUNT, url)).toEqual(twice);
    expect(twice).toMatchObject({ state: "OPEN", version: 2, probeAt: at(31).toISOString() });
  });

  it("refuses a write derived from a stale read: two attempts cannot both take the probe", async () => {
    // Arrange
    const url = uniqueLongestUrl();
    const open = afterFailure(afterFailure(undefined, url, at(0), POLICY), url, at(1), POLICY);
    await circuits.save(ACCOUNT, { ...open, version: 1 });
    const stored = (await circuits.find(ACCOUNT, url)) as WebhookCircuit;
    const probe = (lease: number): WebhookCircuit => ({
      ...stored,
      state: "HALF_OPEN",
      probeLeaseUntil: at(lease).toISOString(),
      version: stored.version + 1,
    });
    // Act
    const results = await Promise.all([circuits.save(ACCOUNT, probe(60)), circuits.save(ACCOUNT, probe(61))]);
    // Assert
    expect(results.sort()).toEqual([false, true]);
    expect((await circuits.find(ACCOUNT, url))?.version).toBe(2);
    expect(await circuits.save(ACCOUNT, { ...stored, version: 1 })).toBe(false);
  });

  it("keeps the item under its stated 3 KB bound, with the longest URL and account id and every field set", async () => {
    // Arrange
    const url = uniqueLongestUrl();
    const longestAccount = "9".repeat(20);
    const circuit: WebhookCircuit = {
      url: url,
      state: "HALF_OPEN",
      consecutiveFailures: 1_000_000,
      opens: 1_000,
      openedAt: at(0).toISOString(),
      probeAt: at(1).toISOString(),
      probeLeaseUntil: at(2).toISOString(),
      updatedAt: at(3).toISOString(),
      version: 1,
    };
    // Act
    await circuits.save(longestAccount, circuit);
    const { Key } = service.entities.webhookCircuit.get({ endpoint: endpointKey(longestAccount, url) }).params() as {
      Key: Record<string, string>;
    };
    const { Item } = await stage.clients.document.send(new GetCommand({ TableName: stage.resources.table, Key }));
    // Assert: the raw item, keys and ElectroDB's own attributes included.
    expect(Item?.url).toBe(url);
    expect(Buffer.byteLength(JSON.stringify(Item))).toBeLessThan(3_000);
  });
});

describe("an event waiting for its circuit", () => {
  async function anEvent() {
    const record = anOrderRecord({ amountCents: 2580, status: "CONFIRMED" });
    const [event] = orderEventsOf(record);
    if (!event) throw new Error("a confirmed order implies an event");
    return event;
  }

  it("is recorded WAITING unless another attempt's lease still lives, and a later claim clears the wait", async () => {
    // Arrange: an attempt claimed the event until 30 s.
    const event = await anEvent();
    await log.claim(event, "1111111", at(0).toISOString(), at(30).toISOString());
    // Act
    const whileHeld = await log.waiting(event, "1111111", at(45).toISOString(), at(10).toISOString());
    const afterLease = await log.waiting(event, "1111111", at(45).toISOString(), at(31).toISOString());
    const { data: waiting } = await service.entities.notification
      .get({ orderId: event.orderId, eventId: event.eventId })
      .go();
    const claimedAfter = await log.claim(event, "1111111", at(32).toISOString(), at(62).toISOString());
    // Assert
    expect([whileHeld, afterLease]).toEqual(["in-flight", "waiting"]);
    expect(waiting).toMatchObject({ status: "WAITING", waitingUntil: at(45).toISOString(), attempts: 1 });
    expect(waiting?.leaseUntil).toBeUndefined();
    expect(claimedAfter).toEqual({ outcome: "claimed", attempts: 2 });
    const { data } = await service.entities.notification.get({ orderId: event.orderId, eventId: event.eventId }).go();
    expect(data?.waitingUntil).toBeUndefined();
    expect(data?.status).toBe("SENDING");
  });

  it("is not recorded WAITING once delivered: the caller must not queue it again", async () => {
    // Arrange
    const event = await anEvent();
    await log.claim(event, "1111111", at(0).toISOString(), at(30).toISOString());
    await log.delivered(event.orderId, event.eventId, 204, at(1).toISOString());
    // Act
    const waiting = await log.waiting(event, "1111111", at(45).toISOString(), at(2).toISOString());
    // Assert
    expect(waiting).toBe("delivered");
    const { data } = await service.entities.notification.get({ orderId: event.orderId, eventId: event.eventId }).go();
    expect(data).toMatchObject({ status: "DELIVERED", attempts: 1 });
  });

  it("goes back on NotificationsQueue as a new message, not received before its delay", async () => {
    // Arrange
    const requeue = new SqsNotificationRequeue(stage.clients.sqs, stage.resources.notificationsQueue.url);
    const event = await anEvent();
    const queueUrl = stage.resources.notificationsQueue.url;
    const receive = () =>
      stage.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, AttributeNames: ["All"] }),
      );
    // Act
    await requeue.later(event, 2);
    const early = await receive();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const late = await receive();
    // Assert
    expect(early.Messages ?? []).toHaveLength(0);
    const [message] = late.Messages ?? [];
    expect(parseOrderEvent(message?.Body ?? "")).toEqual(event);
    expect(message?.Attributes?.ApproximateReceiveCount).toBe("1");
    await stage.clients.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }),
    );
  });
});
