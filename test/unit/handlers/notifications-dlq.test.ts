import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { orderEventsOf } from "@orders/core/domain/order-events";
import { handler as list } from "@orders/functions/admin/list-notification-dead-letters";
import { handler as depth } from "@orders/functions/admin/notification-dead-letter-depth";
import { handler as redrive } from "@orders/functions/admin/redrive-notifications";
import { anOrderRecord, apiEvent, lambdaContext, postJson } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { adminGet, adminHeaders, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { sqs, dynamo } = mockedClients({ sqs: SQSClient, dynamo: DynamoDBDocumentClient });

const [event] = orderEventsOf(anOrderRecord({ fromAccount: "1111111", status: "CONFIRMED" }));
if (!event) throw new Error("a confirmed order implies an event");
const SENT_AT = "2026-12-05T10:00:00.000Z";
const waiting = {
  MessageId: "m-1",
  ReceiptHandle: "r-1",
  Body: JSON.stringify(event),
  Attributes: { SentTimestamp: String(Date.parse(SENT_AT)), ApproximateReceiveCount: "10" },
};

/** NotificationsDlq holds one event (received once, then empty), and its depth says 1. */
function oneEventWaiting() {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [waiting] })
    .resolves({ Messages: [] });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "1" } });
}

describe("GET /admin/notifications-dlq handler", () => {
  it("lists NotificationsDlq's events with their delivery records, read from that queue and the table alone", async () => {
    // Arrange
    oneEventWaiting();
    const record = {
      orderId: event.orderId,
      eventId: event.eventId,
      type: event.type,
      accountId: "1111111",
      status: "FAILED",
      attempts: 10,
      occurredAt: event.occurredAt,
      lastError: "The webhook answered 503",
    };
    dynamo.on(BatchGetCommand).resolves({
      UnprocessedKeys: {},
      Responses: {
        [linked.OrdersTable.name]: [
          {
            pk: `$orders#orderId_${event.orderId}`,
            sk: `$orderHistory#notification_1#eventId_${event.eventId}`,
            __edb_e__: "notification",
            __edb_v__: "1",
            ...record,
          },
        ],
      },
    });
    // Act
    const response = await adminGet(list, "/admin/notifications-dlq", "list-notification-dead-letters")();
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      depth: 1,
      messages: [
        {
          messageId: "m-1",
          sentAt: SENT_AT,
          receiveCount: 10,
          event: {
            orderId: event.orderId,
            eventId: event.eventId,
            type: "OrderConfirmed",
            occurredAt: event.occurredAt,
          },
          accountId: "1111111",
          delivery: { status: "FAILED", attempts: 10, lastError: "The webhook answered 503" },
        },
      ],
    });
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, { QueueUrl: linked.NotificationsDlq.url });
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
      QueueUrl: linked.NotificationsDlq.url,
    });
    expect(sqs).not.toHaveReceivedCommandWith(ReceiveMessageCommand, { QueueUrl: linked.OrdersDlq.url });
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
  });

  it("is 400 for a malformed limit and 401 without the token, and reads no queue", async () => {
    // Arrange
    const get = (headers: Record<string, string>, query: Record<string, string>) =>
      list(
        { ...apiEvent({ method: "GET", path: "/admin/notifications-dlq", headers }), queryStringParameters: query },
        lambdaContext("list-notification-dead-letters"),
      );
    // Act
    const malformed = await get(adminHeaders, { limit: "0" });
    const anonymous = await get({}, {});
    // Assert
    expect(malformed.statusCode).toBe(400);
    expect(bodyOf(malformed).error).toBe("INVALID_INPUT");
    expect(anonymous.statusCode).toBe(401);
    expect(sqs).not.toHaveReceivedCommand(ReceiveMessageCommand);
  });
});

describe("GET /admin/notifications-dlq/depth handler", () => {
  it("answers NotificationsDlq's depth with one attribute read and no receive", async () => {
    // Arrange
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "4" } });
    // Act
    const response = await adminGet(depth, "/admin/notifications-dlq/depth", "notification-dead-letter-depth")();
    // Assert
    expect(bodyOf(response)).toEqual({ depth: 4 });
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, { QueueUrl: linked.NotificationsDlq.url });
    expect(sqs).not.toHaveReceivedCommand(ReceiveMessageCommand);
  });
});

describe("POST /admin/notifications-dlq/redrive handler", () => {
  const post = (body: unknown) =>
    redrive(
      postJson("/admin/notifications-dlq/redrive", body, adminHeaders, null),
      lambdaContext("redrive-notifications"),
    );

  it("sends the event to NotificationsQueue as it was, then deletes it from NotificationsDlq, and audits the move", async () => {
    // Arrange
    oneEventWaiting();
    sqs.on(SendMessageCommand).resolves({ MessageId: "new-1" });
    sqs.on(DeleteMessageCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    // Act
    const response = await post({ ids: ["m-1"] });
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      results: [{ messageId: "m-1", status: "REDRIVEN", newMessageId: "new-1", orderId: event.orderId }],
    });
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: linked.NotificationsQueue.url,
      MessageBody: JSON.stringify(event),
    });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageCommand, {
      QueueUrl: linked.NotificationsDlq.url,
      ReceiptHandle: "r-1",
    });
    // Sent before deleted: a redrive that dies in between leaves the event in both queues, never in none.
    const order = sqs.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf("SendMessageCommand")).toBeLessThan(order.indexOf("DeleteMessageCommand"));
    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        action: "REDRIVE",
        oldMessageId: "m-1",
        result: "OK",
        detail: "to NotificationsQueue",
      }),
    });
    expect(sqs).not.toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: linked.OrdersQueue.url });
  });

  it("refuses a request with neither ids nor all, and moves nothing", async () => {
    // Act
    const response = await post({});
    // Assert
    expect(response.statusCode).toBe(400);
    expect(sqs).not.toHaveReceivedCommand(ReceiveMessageCommand);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });
});
