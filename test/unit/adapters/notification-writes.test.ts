import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  circuitKey,
  circuitPut,
  claimNotificationWrite,
  deliveredWrite,
  failedWrite,
  noWebhookWrite,
  waitingWrite,
  webhookKey,
  webhookPut,
} from "@orders/core/adapters/notification-writes";
import { ORDER_EVENT_TYPES, type OrderEvent } from "@orders/core/domain/order-events";
import { CIRCUIT_STATES, type WebhookCircuit } from "@orders/core/domain/webhook-circuit";
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

  it("record a failed try and a deferral as the entity's patch and update do", () => {
    fc.assert(
      fc.property(event, id, fc.boolean(), fc.string(), time, time, (message, accountId, final, error, until, at) => {
        // Act
        const failed = failedWrite(table, message.orderId, message.eventId, final ? "FAILED" : "RETRYING", error, at);
        const waiting = waitingWrite(table, message as OrderEvent, accountId, until, at);

        // Assert
        const key = { orderId: message.orderId, eventId: message.eventId };
        expect(failed).toEqual(
          notification
            .patch(key)
            .set({ status: final ? "FAILED" : "RETRYING", lastError: error, lastAttemptAt: at })
            .remove(["leaseUntil"])
            .where(({ status }, { ne }) => ne(status, "DELIVERED"))
            .params(),
        );
        expect(waiting).toEqual(
          notification
            .update(key)
            .set({
              type: message.type,
              accountId,
              occurredAt: message.occurredAt,
              status: "WAITING",
              waitingUntil: until,
            })
            .add({ attempts: 0 })
            .remove(["leaseUntil"])
            .where(
              ({ status, leaseUntil: lease }, { notExists, ne, lt }) =>
                `${notExists(status)} OR (${ne(status, "DELIVERED")} AND (${ne(status, "SENDING")} OR ${lt(lease, at)}))`,
            )
            .params(),
        );
      }),
    );
  });

  it("save a circuit and a webhook as the entities' conditional put does", () => {
    const circuit = fc.record(
      {
        url: fc.webUrl(),
        state: fc.constantFrom(...CIRCUIT_STATES),
        consecutiveFailures: fc.nat(),
        opens: fc.nat(),
        openedAt: time,
        probeAt: time,
        probeLeaseUntil: time,
        updatedAt: time,
        version: fc.integer({ min: 1, max: 1000 }),
      },
      { requiredKeys: ["url", "state", "consecutiveFailures", "opens", "updatedAt", "version"] },
    ) as fc.Arbitrary<WebhookCircuit>;
    const webhookItem = fc.record(
      {
        accountId: id,
        url: fc.webUrl(),
        secret: fc.string({ minLength: 1 }),
        updatedAt: time,
        previousSecret: fc.string({ minLength: 1 }),
        previousSecretUntil: time,
      },
      { requiredKeys: ["accountId", "url", "secret", "updatedAt"] },
    );
    fc.assert(
      fc.property(
        id,
        circuit,
        webhookItem,
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (accountId, next, hook, replacing) => {
          // Act
          const endpoint = `${accountId} ${next.url}`;
          const expected = next.version - 1;

          // Assert
          expect(circuitPut(table, endpoint, accountId, next)).toEqual(
            webhookCircuit
              .put({ endpoint, accountId, ...next })
              .where((stored, { notExists, eq }) =>
                expected === 0 ? notExists(stored.version) : eq(stored.version, expected),
              )
              .params({ response: "none" }),
          );
          expect(webhookPut(table, hook, replacing)).toEqual(
            webhook
              .put(hook)
              .where((stored, { notExists, eq }) =>
                replacing !== undefined ? eq(stored.secret, replacing) : notExists(stored.secret),
              )
              .params({ response: "none" }),
          );
        },
      ),
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
