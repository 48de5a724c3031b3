import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { DynamoNotificationLog } from "@orders/core/adapters/dynamo-notification-log";
import { SnsOrderEventPublisher } from "@orders/core/adapters/sns-order-events";
import { tableAccess } from "@orders/core/adapters/table-access";
import { orderEventsOf, parseOrderEvent } from "@orders/core/domain/order-events";
import { ordersService } from "@orders/core/entities/service";
import { anOrderRecord } from "@orders/harness/factories";
import { localStage } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const service = ordersService({ client: stage.clients.document, table: stage.resources.table });
const log = new DynamoNotificationLog(tableAccess(service));
const { orderRepository } = await import("@orders/functions/composition/table");
const repository = orderRepository();

/** A confirmed order's event, for an order recorded on the stage. */
async function confirmedEvent() {
  const record = anOrderRecord({ amountCents: 2580, status: "PENDING" });
  await repository.claimOriginal(record);
  const [event] = orderEventsOf({ ...record, status: "CONFIRMED" });
  if (!event) throw new Error("a confirmed order implies an event");
  return event;
}

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, seconds)).toISOString();

describe("DynamoNotificationLog", () => {
  it("lets one claim through, holds the next while the lease lives, and never claims a delivered event again", async () => {
    const event = await confirmedEvent();
    expect(await log.claim(event, "1111111", at(0), at(30))).toEqual({ outcome: "claimed", attempts: 1 });
    expect(await log.claim(event, "1111111", at(10), at(40))).toMatchObject({
      outcome: "in-flight",
      record: { status: "SENDING", attempts: 1 },
    });
    // The first attempt died; its lease ran out: a later copy may try.
    expect(await log.claim(event, "1111111", at(31), at(61))).toEqual({ outcome: "claimed", attempts: 2 });
    await log.delivered(event.orderId, event.eventId, 204, at(32));
    expect(await log.claim(event, "1111111", at(99), at(129))).toMatchObject({
      outcome: "delivered",
      record: { status: "DELIVERED", attempts: 2, responseStatus: 204, deliveredAt: at(32) },
    });
    // A late failure report from the dead attempt changes nothing.
    await log.failed(event.orderId, event.eventId, "late", at(100), false);
    await log.noWebhook(event, "1111111", at(101));
    const history = await repository.findHistory(event.orderId);
    expect(history?.notifications).toEqual([expect.objectContaining({ status: "DELIVERED", attempts: 2 })]);
  });

  it("records a failed try for the retry, and the last one as FAILED", async () => {
    const event = await confirmedEvent();
    await log.claim(event, "1111111", at(0), at(30));
    await log.failed(event.orderId, event.eventId, "The webhook answered 503", at(1), false);
    // A failed try frees the claim at once: the retry need not wait for the lease.
    expect(await log.claim(event, "1111111", at(2), at(32))).toEqual({ outcome: "claimed", attempts: 2 });
    await log.failed(event.orderId, event.eventId, "The webhook answered 500", at(3), true);
    const [record] = (await repository.findHistory(event.orderId))?.notifications ?? [];
    expect(record).toMatchObject({ status: "FAILED", attempts: 2, lastError: "The webhook answered 500" });
    expect(record?.leaseUntil).toBeUndefined();
  });

  it("lists an order's notifications with the order, in the same query", async () => {
    const event = await confirmedEvent();
    await log.noWebhook(event, "1111111", at(0));
    const history = await repository.findHistory(event.orderId);
    expect(history?.original.orderId).toBe(event.orderId);
    expect(history?.notifications).toEqual([
      expect.objectContaining({ eventId: event.eventId, type: "OrderConfirmed", status: "NO_WEBHOOK", attempts: 0 }),
    ]);
  });
});

describe("SnsOrderEventPublisher through the OrderEvents topic", () => {
  it("reaches NotificationsQueue as the raw event JSON, with its type as an attribute", async () => {
    // Arrange
    const publisher = new SnsOrderEventPublisher(stage.clients.sns, stage.resources.topicArn);
    const events = orderEventsOf({
      ...anOrderRecord({ amountCents: 100, saga: [] }),
      status: "CANCELLED",
      refunded: true,
      resolvedAt: at(5),
    });
    // Act
    await publisher.publish(events);
    // Assert
    const queueUrl = stage.resources.notificationsQueue.url;
    const received: string[] = [];
    for (let poll = 0; poll < 10 && received.length < 2; poll++) {
      const { Messages = [] } = await stage.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        received.push(message.Body ?? "");
        await stage.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    expect(received.map(parseOrderEvent).sort((a, b) => a.type.localeCompare(b.type))).toEqual(
      [...events].sort((a, b) => a.type.localeCompare(b.type)),
    );
  });
});
