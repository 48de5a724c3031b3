import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { DynamoNotificationLog } from "@orders/core/adapters/dynamo-notification-log";
import { DynamoNotificationRecords } from "@orders/core/adapters/dynamo-notification-records";
import { tableAccess } from "@orders/core/adapters/table-access";
import { orderEventsOf } from "@orders/core/domain/order-events";
import { ordersService } from "@orders/core/entities/service";
import { anOrderRecord, apiEvent, lambdaContext, postJson } from "@orders/harness/factories";
import { localStage, TEST_ADMIN_TOKEN } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";

const stage = await localStage({ sqsS3Endpoint: inject("sqsS3Endpoint"), dynamoEndpoint: inject("dynamoEndpoint") });
const service = ordersService({ client: stage.clients.document, table: stage.resources.table });
const log = new DynamoNotificationLog(tableAccess(service));
const records = new DynamoNotificationRecords(service);
const { handler: list } = await import("@orders/functions/admin/list-notification-dead-letters");
const { handler: redrive } = await import("@orders/functions/admin/redrive-notifications");
const { sqs } = stage.clients;
const { notificationsDlq, notificationsQueue } = stage.resources;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** A confirmed order's event (the records are keyed by it; no order need be stored for them). */
function anEvent() {
  const [event] = orderEventsOf(anOrderRecord({ status: "CONFIRMED" }));
  if (!event) throw new Error("a confirmed order implies an event");
  return event;
}

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 5, 12, 0, seconds)).toISOString();

describe("DynamoNotificationRecords", () => {
  it("reads the records of the events asked for in one batch, leaving out events with none", async () => {
    // Arrange: one event failed for good, one delivered, one never tried.
    const [failed, delivered, untried] = [anEvent(), anEvent(), anEvent()];
    await log.claim(failed, "1111111", at(0), at(30));
    await log.failed(failed.orderId, failed.eventId, "The webhook answered 503", at(1), true);
    await log.claim(delivered, "2222222", at(0), at(30));
    await log.delivered(delivered.orderId, delivered.eventId, 204, at(2));
    // Act
    const found = await records.find(
      [failed, delivered, untried].map(({ orderId, eventId }) => ({ orderId, eventId })),
    );
    // Assert
    expect(found).toHaveLength(2);
    expect(found.find((r) => r.eventId === failed.eventId)).toMatchObject({
      accountId: "1111111",
      status: "FAILED",
      attempts: 1,
      lastError: "The webhook answered 503",
    });
    expect(found.find((r) => r.eventId === delivered.eventId)).toMatchObject({
      status: "DELIVERED",
      responseStatus: 204,
    });
    expect(await records.find([])).toEqual([]);
  });
});

describe("NotificationsDlq's admin routes on the emulators", () => {
  it("lists an event waiting in NotificationsDlq with its record, and redrives it to NotificationsQueue", async () => {
    // Arrange
    const event = anEvent();
    await log.claim(event, "1111111", at(0), at(30));
    await log.failed(event.orderId, event.eventId, "The webhook answered 500", at(1), true);
    const body = JSON.stringify(event);
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: notificationsDlq.url, MessageBody: body }));
    // Act
    const listed = await list(
      apiEvent({ method: "GET", path: "/admin/notifications-dlq", headers: auth }),
      lambdaContext(),
    );
    const moved = await redrive(
      postJson("/admin/notifications-dlq/redrive", { ids: [MessageId] }, auth, null),
      lambdaContext(),
    );
    // Assert
    expect(JSON.parse(listed.body ?? "null").messages).toContainEqual(
      expect.objectContaining({
        messageId: MessageId,
        event: expect.objectContaining({ eventId: event.eventId }),
        delivery: expect.objectContaining({ status: "FAILED", lastError: "The webhook answered 500" }),
      }),
    );
    expect(JSON.parse(moved.body ?? "null").results).toEqual([
      expect.objectContaining({ messageId: MessageId, status: "REDRIVEN" }),
    ]);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: notificationsQueue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((message) => message.Body)).toContain(body);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: notificationsDlq.url, MaxNumberOfMessages: 10 }));
    expect((left.Messages ?? []).map((message) => message.MessageId)).not.toContain(MessageId);
  });
});
