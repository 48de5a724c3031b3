import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  circuitKey,
  claimNotificationWrite,
  deliveredWrite,
  noWebhookWrite,
  webhookKey,
} from "@orders/core/adapters/notification-writes";
import { ORDER_EVENT_TYPES, type OrderEvent } from "@orders/core/domain/order-events";
import { ordersService } from "@orders/core/entities/service";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// The hand-built writes must be exactly what ElectroDB's builder sends for the same call (dynamo-notification-log.ts).
const table = "notification-writes-test";
const { notification, webhook, webhookCircuit } = ordersService({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })),
  table,
}).entities;

const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
const time = fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
const event = fc.record({
  orderId: id,
  eventId: id,
  type: fc.constantFrom(...ORDER_EVENT_TYPES),
  occurredAt: time,
}) as fc.Arbitrary<Pick<OrderEvent, "orderId" | "eventId" | "type" | "occurredAt">>;

describe("the Notifier's writes, built without ElectroDB", () => {
  it("claim a delivery as the entity's update does", () => {
    fc.assert(
      fc.property(event, id, time, time, (message, accountId, at, leaseUntil) => {
        // Act
        const write = claimNotificationWrite(table, message as OrderEvent, accountId, at, leaseUntil);

        // Assert
        const built = notification
          .update({ orderId: message.orderId, eventId: message.eventId })
          .set({ type: message.type, accountId, occurredAt: message.occurredAt, status: "SENDING", leaseUntil })
          .set({ lastAttemptAt: at })
          .add({ attempts: 1 })
          .remove(["waitingUntil"])
          .where(
            ({ status, leaseUntil: lease }, { notExists, ne, lt }) =>
              `${notExists(status)} OR (${ne(status, "DELIVERED")} AND (${ne(status, "SENDING")} OR ${lt(lease, at)}))`,
          )
          .params({ response: "all_new" });
        expect(write).toEqual(built);
      }),
    );
  });

  it("record a delivery as the entity's patch does", () => {
    fc.assert(
      fc.property(id, id, fc.integer({ min: 100, max: 599 }), time, (orderId, eventId, responseStatus, at) => {
        // Act
        const write = deliveredWrite(table, orderId, eventId, responseStatus, at);

        // Assert
        const built = notification
          .patch({ orderId, eventId })
          .set({ status: "DELIVERED", deliveredAt: at, responseStatus })
          .remove(["leaseUntil", "lastError"])
          .params();
        expect(write).toEqual(built);
      }),
    );
  });

  it("record no webhook as the entity's update does", () => {
    fc.assert(
      fc.property(event, id, time, (message, accountId, at) => {
        // Act
        const write = noWebhookWrite(table, message as OrderEvent, accountId, at);

        // Assert
        const built = notification
          .update({ orderId: message.orderId, eventId: message.eventId })
          .set({ type: message.type, accountId, occurredAt: message.occurredAt, status: "NO_WEBHOOK", attempts: 0 })
          .set({ lastAttemptAt: at })
          .where(({ status }, { notExists, eq }) => `${notExists(status)} OR ${eq(status, "NO_WEBHOOK")}`)
          .params();
        expect(write).toEqual(built);
      }),
    );
  });

  it("read a webhook and a circuit under the keys the entities' get reads", () => {
    fc.assert(
      fc.property(id, fc.webUrl(), (accountId, url) => {
        // Arrange
        const endpoint = `${accountId} ${url}`;

        // Assert
        expect(webhookKey(accountId)).toEqual(webhook.get({ accountId }).params().Key);
        expect(circuitKey(endpoint)).toEqual(webhookCircuit.get({ endpoint }).params().Key);
      }),
    );
  });
});
