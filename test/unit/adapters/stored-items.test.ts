import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SWEEP_SHARDS } from "@orders/core/adapters/dynamo-order-repository";
import {
  ACCOUNT_ATTRIBUTES,
  ACCOUNT_ENTRY_ATTRIBUTES,
  CIRCUIT_ATTRIBUTES,
  DUPLICATE_ATTRIBUTES,
  FAILURE_ATTRIBUTES,
  NOTIFICATION_ATTRIBUTES,
  ORDER_ATTRIBUTES,
  readAccountItem,
  readCircuitItem,
  readDuplicateItem,
  readEntryItem,
  readItems,
  readNotificationItem,
  readOrderItem,
  readReservationItem,
  readStockItem,
  readWebhookItem,
  STOCK_ATTRIBUTES,
  STOCK_RESERVATION_ATTRIBUTES,
  WEBHOOK_ATTRIBUTES,
} from "@orders/core/adapters/stored-items";
import { entryKey, reservationKey } from "@orders/core/adapters/table-writes";
import { NOTIFICATION_STATUSES } from "@orders/core/domain/notification";
import { CHANNELS, ORDER_STATUSES } from "@orders/core/domain/order";
import { ORDER_EVENT_TYPES } from "@orders/core/domain/order-events";
import { CIRCUIT_STATES } from "@orders/core/domain/webhook-circuit";
import { accountSchema } from "@orders/core/entities/account";
import { accountEntrySchema } from "@orders/core/entities/account-entry";
import { failureSchema } from "@orders/core/entities/failure";
import { notificationSchema } from "@orders/core/entities/notification";
import { SWEEP_SHARDS as ENTITY_SWEEP_SHARDS, orderSchema } from "@orders/core/entities/order";
import { orderDuplicateSchema } from "@orders/core/entities/order-duplicate";
import { ordersService } from "@orders/core/entities/service";
import { stockSchema } from "@orders/core/entities/stock";
import { stockReservationSchema } from "@orders/core/entities/stock-reservation";
import { webhookSchema } from "@orders/core/entities/webhook";
import { webhookCircuitSchema } from "@orders/core/entities/webhook-circuit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const { entities } = ordersService({ client, table: "stored-items-test" });

const text = fc.string({ maxLength: 12 });
/** A stored map: its declared properties, some left out, and one the entity does not declare. */
const mapOf = <T extends Record<string, fc.Arbitrary<unknown>>>(properties: T) =>
  fc.record({ ...properties, undeclared: text }, { requiredKeys: [] });
const listOf = <T extends Record<string, fc.Arbitrary<unknown>>>(properties: T) =>
  fc.array(mapOf(properties), { maxLength: 3 });
const markers = (entity: string) => ({ __edb_e__: fc.constant(entity), __edb_v__: fc.constant("1") });
const keys = { pk: text, sk: text, gsi1pk: text, gsi2sk: text, other: text };

const orderItem = fc.record(
  {
    ...markers("order"),
    ...keys,
    orderId: text,
    submissionId: text,
    channel: fc.constantFrom(...CHANNELS),
    submittedBy: text,
    payload: text,
    amount: fc.integer(),
    fromAccount: text,
    toAccount: text,
    valid: fc.boolean(),
    isDuplicate: fc.boolean(),
    sameAsOriginal: fc.boolean(),
    errors: listOf({ field: text, code: text, message: text }),
    status: fc.constantFrom(...ORDER_STATUSES),
    s3Key: text,
    amountCents: fc.integer(),
    lines: listOf({ sku: text, quantity: fc.integer(), unitPriceCents: fc.integer() }),
    failure: fc.jsonValue(),
    saga: listOf({ step: text, outcome: text, attempt: fc.integer(), at: text, detail: text }),
    payment: mapOf({ status: text, amountCents: fc.integer() }),
    reservations: listOf({ sku: text, quantity: fc.integer(), status: text }),
    resolvedAt: text,
    cancellation: mapOf({ reason: text, requestedAt: text }),
    refunded: fc.boolean(),
    sweepShard: fc.nat(7),
    receivedAt: text,
    processedAt: text,
    duplicateIds: fc.uniqueArray(text, { minLength: 1, maxLength: 3 }).map((ids) => new Set(ids)),
    duplicatesNotStored: fc.nat(),
    receivedHour: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const duplicateItem = fc.record(
  {
    ...markers("orderDuplicate"),
    ...keys,
    orderId: text,
    submissionId: text,
    channel: fc.constantFrom(...CHANNELS),
    submittedBy: text,
    isDuplicate: fc.constant(true),
    status: fc.constant("DUPLICATE"),
    valid: fc.boolean(),
    sameAsOriginal: fc.boolean(),
    payloadHash: text,
    // Written before the cap: the payload, which the entity no longer declares.
    payload: text,
    receivedAt: text,
    processedAt: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const notificationItem = fc.record(
  {
    ...markers("notification"),
    ...keys,
    orderId: text,
    eventId: text,
    type: fc.constantFrom(...ORDER_EVENT_TYPES),
    accountId: text,
    status: fc.constantFrom(...NOTIFICATION_STATUSES),
    attempts: fc.nat(),
    occurredAt: text,
    leaseUntil: text,
    lastAttemptAt: text,
    deliveredAt: text,
    responseStatus: fc.integer(),
    lastError: text,
    waitingUntil: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const webhookItem = fc.record(
  {
    ...markers("webhook"),
    ...keys,
    accountId: text,
    url: text,
    secret: text,
    updatedAt: text,
    previousSecret: text,
    previousSecretUntil: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const circuitItem = fc.record(
  {
    ...markers("webhookCircuit"),
    ...keys,
    endpoint: text,
    accountId: text,
    url: text,
    state: fc.constantFrom(...CIRCUIT_STATES),
    consecutiveFailures: fc.nat(),
    opens: fc.nat(),
    openedAt: text,
    probeAt: text,
    probeLeaseUntil: text,
    updatedAt: text,
    version: fc.nat(),
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const markerMap = fc.dictionary(
  fc.stringMatching(/^[a-z0-9]{1,8}$/),
  fc.oneof(text, fc.record({ s: text, a: fc.integer() })),
);

const stockItem = fc.record(
  {
    ...markers("stock"),
    ...keys,
    sku: text,
    onHand: fc.integer(),
    reserved: fc.integer(),
    available: fc.integer(),
    holds: markerMap,
    gen: fc.nat(),
    updatedAt: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const accountItem = fc.record(
  {
    ...markers("account"),
    ...keys,
    accountId: text,
    balance: fc.integer(),
    held: fc.integer(),
    transfers: markerMap,
    gen: fc.nat(),
    archivedNet: fc.integer(),
    archivedDeposits: fc.integer(),
    createdAt: text,
    updatedAt: text,
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const reservationItem = fc.record(
  { ...markers("stockReservation"), ...keys, sku: text, markerKey: text, marker: text, archivedAt: text },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

const entryItem = fc.record(
  {
    ...markers("accountEntry"),
    ...keys,
    accountId: text,
    transferId: text,
    kind: fc.constantFrom("DEPOSIT", "DEBIT", "CREDIT"),
    amountCents: fc.integer(),
    status: fc.constantFrom("HELD", "POSTED", "VOIDED"),
    at: text,
    orderId: text,
    reason: fc.jsonValue(),
  },
  { requiredKeys: ["__edb_e__", "__edb_v__"] },
);

/** Equal, key order included: the order of a JSON response's fields. */
function expectSameItem(read: Record<string, unknown> | null, parsed: Record<string, unknown> | null): void {
  expect(read).toStrictEqual(parsed);
  if (read && parsed) expect(Object.keys(read)).toEqual(Object.keys(parsed));
}

describe("stored items read without ElectroDB", () => {
  it("know exactly the attributes each entity declares, with the order's shapes", () => {
    // Assert
    expect(Object.keys(ORDER_ATTRIBUTES)).toEqual(Object.keys(orderSchema.attributes));
    for (const [name, attribute] of Object.entries(orderSchema.attributes)) {
      const { type, properties, items } = attribute as { type: unknown; properties?: unknown; items?: unknown };
      expect(ORDER_ATTRIBUTES[name]).toMatchObject({
        type,
        ...(properties ? { properties } : {}),
        ...(items ? { items } : {}),
      });
    }
    expect([...DUPLICATE_ATTRIBUTES]).toEqual(Object.keys(orderDuplicateSchema.attributes));
    expect([...NOTIFICATION_ATTRIBUTES]).toEqual(Object.keys(notificationSchema.attributes));
    expect([...WEBHOOK_ATTRIBUTES]).toEqual(Object.keys(webhookSchema.attributes));
    expect([...CIRCUIT_ATTRIBUTES]).toEqual(Object.keys(webhookCircuitSchema.attributes));
    expect([...FAILURE_ATTRIBUTES]).toEqual(Object.keys(failureSchema.attributes));
    expect([...STOCK_ATTRIBUTES]).toEqual(Object.keys(stockSchema.attributes));
    expect([...ACCOUNT_ATTRIBUTES]).toEqual(Object.keys(accountSchema.attributes));
    expect([...STOCK_RESERVATION_ATTRIBUTES]).toEqual(Object.keys(stockReservationSchema.attributes));
    expect([...ACCOUNT_ENTRY_ATTRIBUTES]).toEqual(Object.keys(accountEntrySchema.attributes));
    expect(SWEEP_SHARDS).toBe(ENTITY_SWEEP_SHARDS);
    for (const schema of [
      orderDuplicateSchema,
      notificationSchema,
      webhookSchema,
      webhookCircuitSchema,
      stockSchema,
      accountSchema,
      failureSchema,
      stockReservationSchema,
      accountEntrySchema,
    ]) {
      for (const attribute of Object.values(schema.attributes))
        expect(["map", "list", "set"]).not.toContain(attribute.type);
    }
  });

  it("read an original as the order entity's parse does", () => {
    fc.assert(
      fc.property(orderItem, (item) => {
        expectSameItem(readOrderItem(item), entities.order.parse({ Item: item })?.data ?? null);
      }),
      { numRuns: 300 },
    );
  });

  it("read a duplicate and a delivery as their entities' parse does", () => {
    fc.assert(
      fc.property(duplicateItem, notificationItem, (duplicate, notification) => {
        expectSameItem(readDuplicateItem(duplicate), entities.orderDuplicate.parse({ Item: duplicate })?.data ?? null);
        expectSameItem(
          readNotificationItem(notification),
          entities.notification.parse({ Item: notification })?.data ?? null,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("read a webhook and a circuit as their entities' parse does", () => {
    fc.assert(
      fc.property(webhookItem, circuitItem, (webhook, circuit) => {
        expectSameItem(readWebhookItem(webhook), entities.webhook.parse({ Item: webhook })?.data ?? null);
        expectSameItem(readCircuitItem(circuit), entities.webhookCircuit.parse({ Item: circuit })?.data ?? null);
      }),
      { numRuns: 300 },
    );
  });

  it("read the ledgers' items as their entities' parse does, under the keys their get reads", () => {
    fc.assert(
      fc.property(stockItem, accountItem, reservationItem, entryItem, (stock, account, reservation, entry) => {
        expectSameItem(readStockItem(stock), entities.stock.parse({ Item: stock })?.data ?? null);
        expectSameItem(readAccountItem(account), entities.account.parse({ Item: account })?.data ?? null);
        expectSameItem(
          readReservationItem(reservation),
          entities.stockReservation.parse({ Item: reservation })?.data ?? null,
        );
        expectSameItem(readEntryItem(entry), entities.accountEntry.parse({ Item: entry })?.data ?? null);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(text, text, (id, key) => {
        expect(reservationKey(id, key)).toEqual(
          entities.stockReservation.get({ sku: id, markerKey: key }).params().Key,
        );
        expect(entryKey(id, key)).toEqual(entities.accountEntry.get({ accountId: id, transferId: key }).params().Key);
      }),
    );
  });

  it("pick each entity's items out of a history, as a parse of its Items does", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(orderItem, duplicateItem, notificationItem), { maxLength: 6 }), (items) => {
        // Assert
        expect(readItems(items, readOrderItem)).toStrictEqual(entities.order.parse({ Items: items }).data);
        expect(readItems(items, readDuplicateItem)).toStrictEqual(entities.orderDuplicate.parse({ Items: items }).data);
        expect(readItems(items, readNotificationItem)).toStrictEqual(
          entities.notification.parse({ Items: items }).data,
        );
      }),
      { numRuns: 100 },
    );
  });

  it("read nothing of an item another entity or version wrote, as a get through the entity does", () => {
    // Arrange
    const stock = { pk: "$orders#sku_A", sk: "$stock_1", sku: "A", __edb_e__: "stock", __edb_v__: "1" };
    const older = { pk: "p", sk: "s", orderId: "O-1", __edb_e__: "order", __edb_v__: "0" };

    // Assert
    expect(readOrderItem(stock)).toBeNull();
    expect(readOrderItem(older)).toBeNull();
    expect(readOrderItem({ orderId: "O-1" })).toBeNull();
  });
});
