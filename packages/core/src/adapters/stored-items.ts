import { orderRecordAttributes } from "../entities/order-record-attributes.ts";

/** An attribute as the entities define it, as far as reading it back goes. */
interface AttributeShape {
  type: unknown;
  properties?: Readonly<Record<string, AttributeShape>>;
  items?: AttributeShape | string;
}

type Attributes = Readonly<Record<string, AttributeShape>>;

/**
 * Reads stored items back as ElectroDB's `entity.parse` does, without
 * ElectroDB: the item must carry the entity's `__edb_e__`/`__edb_v__`
 * markers; only the entity's attributes are kept (keys and markers dropped);
 * a set comes back as an array; a map keeps only its declared properties and
 * a list reads each of its elements so.
 *
 * Why: GET /orders/{id} and the Notifier read an order's history (and the
 * Notifier the payer's webhook and its circuit; the processor the stock and
 * account items its writes return) on every request, and
 * ElectroDB cost them most of their init (its import and the
 * entities built at each cold start: bench/cold-start.ts) for reads whose
 * shape never changes. The entities stay the one definition of the items:
 * test/unit/adapters/stored-items.test.ts checks these readers against each
 * entity's own `parse`, attribute by attribute, and these attribute lists
 * against the entities' schemas.
 */
function readValue(shape: AttributeShape, value: unknown): unknown {
  if (shape.type === "set") return value instanceof Set ? Array.from(value) : value;
  if (shape.type === "map") {
    const map = value as Record<string, unknown>;
    const read: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(shape.properties ?? {})) {
      if (map[name] === undefined) continue;
      const result = readValue(property, map[name]);
      if (result !== undefined) read[name] = result;
    }
    return read;
  }
  if (shape.type === "list") {
    const items = shape.items;
    if (typeof items !== "object") return Array.from(value as unknown[]);
    const read: unknown[] = [];
    for (const element of value as unknown[]) {
      const result = readValue(items, element);
      if (result !== undefined) read.push(result);
    }
    return read;
  }
  return value;
}

/**
 * An item is the entity's only with its markers. That is stricter than
 * `parse` on an item a write returns, which by ElectroDB's default
 * (`ignoreOwnership`) also takes an item that has the entity's keys and no
 * markers; every writer of this table sets them, so no such item exists, and
 * one would read as nothing.
 */
function itemReader(entity: string, attributes: Attributes) {
  return (item: Record<string, unknown>): Record<string, unknown> | null => {
    if (item.__edb_e__ !== entity || item.__edb_v__ !== "1") return null;
    const read: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(item)) {
      const shape = attributes[name];
      if (shape) read[name] = readValue(shape, value);
    }
    return read;
  };
}

const flat = (names: readonly string[]): Attributes =>
  Object.fromEntries(names.map((name) => [name, { type: "string" }]));

/** The order entity's attributes (entities/order.ts): a record's, and the original's own. */
export const ORDER_ATTRIBUTES: Attributes = {
  ...orderRecordAttributes,
  duplicateIds: { type: "set", items: "string" },
  duplicatesNotStored: { type: "number" },
  receivedHour: { type: "string" },
};

/** The orderDuplicate entity's attributes (entities/order-duplicate.ts): all scalars. */
export const DUPLICATE_ATTRIBUTES = [
  "orderId",
  "submissionId",
  "channel",
  "submittedBy",
  "isDuplicate",
  "status",
  "valid",
  "sameAsOriginal",
  "payloadHash",
  "receivedAt",
  "processedAt",
] as const;

/** The notification entity's attributes (entities/notification.ts): all scalars. */
export const NOTIFICATION_ATTRIBUTES = [
  "orderId",
  "eventId",
  "type",
  "accountId",
  "status",
  "attempts",
  "occurredAt",
  "leaseUntil",
  "lastAttemptAt",
  "deliveredAt",
  "responseStatus",
  "lastError",
  "waitingUntil",
] as const;

/** The webhook entity's attributes (entities/webhook.ts): all scalars. */
export const WEBHOOK_ATTRIBUTES = [
  "accountId",
  "url",
  "secret",
  "updatedAt",
  "previousSecret",
  "previousSecretUntil",
] as const;

/** The webhookCircuit entity's attributes (entities/webhook-circuit.ts): all scalars. */
export const CIRCUIT_ATTRIBUTES = [
  "endpoint",
  "accountId",
  "url",
  "state",
  "consecutiveFailures",
  "opens",
  "openedAt",
  "probeAt",
  "probeLeaseUntil",
  "updatedAt",
  "version",
] as const;

/** The ledgers' entities' attributes (entities/stock.ts, account.ts, stock-reservation.ts, account-entry.ts): scalars, and maps of markers typed `any`. */
export const STOCK_ATTRIBUTES = ["sku", "onHand", "reserved", "available", "holds", "gen", "updatedAt"] as const;
export const ACCOUNT_ATTRIBUTES = [
  "accountId",
  "balance",
  "held",
  "transfers",
  "gen",
  "archivedNet",
  "archivedDeposits",
  "createdAt",
  "updatedAt",
] as const;
export const STOCK_RESERVATION_ATTRIBUTES = ["sku", "markerKey", "marker", "archivedAt"] as const;
export const ACCOUNT_ENTRY_ATTRIBUTES = [
  "accountId",
  "transferId",
  "kind",
  "amountCents",
  "status",
  "at",
  "orderId",
  "reason",
] as const;

/** The failure entity's attributes (entities/failure.ts): all scalars. */
export const FAILURE_ATTRIBUTES = [
  "messageKey",
  "code",
  "message",
  "attempts",
  "firstFailedAt",
  "lastFailedAt",
  "orderId",
  "submissionId",
] as const;

/** An order's original as the order entity's `parse({ Item })` returns it, or null if the item is not one. */
export const readOrderItem = itemReader("order", ORDER_ATTRIBUTES);
/** A duplicate's record as the orderDuplicate entity's `parse` returns it, or null. */
export const readDuplicateItem = itemReader("orderDuplicate", flat(DUPLICATE_ATTRIBUTES));
/** A delivery's record as the notification entity's `parse` returns it, or null. */
export const readNotificationItem = itemReader("notification", flat(NOTIFICATION_ATTRIBUTES));

/** An account's webhook as the webhook entity's `parse` returns it, or null. */
export const readWebhookItem = itemReader("webhook", flat(WEBHOOK_ATTRIBUTES));
/** An endpoint's circuit as the webhookCircuit entity's `parse` returns it, or null. */
export const readCircuitItem = itemReader("webhookCircuit", flat(CIRCUIT_ATTRIBUTES));

/** A sku's stock item as the stock entity's `parse` returns it, or null. */
export const readStockItem = itemReader("stock", flat(STOCK_ATTRIBUTES));
/** An account's item as the account entity's `parse` returns it, or null. */
export const readAccountItem = itemReader("account", flat(ACCOUNT_ATTRIBUTES));
/** An archived reservation as the stockReservation entity's `parse` returns it, or null. */
export const readReservationItem = itemReader("stockReservation", flat(STOCK_RESERVATION_ATTRIBUTES));
/** An archived ledger entry as the accountEntry entity's `parse` returns it, or null. */
export const readEntryItem = itemReader("accountEntry", flat(ACCOUNT_ENTRY_ATTRIBUTES));

/** A message's failure item as the failure entity's `parse` returns it, or null. */
export const readFailureItem = itemReader("failure", flat(FAILURE_ATTRIBUTES));

/** Every item `read` recognises, in order: `entity.parse({ Items }).data`. */
export function readItems<T>(items: Record<string, unknown>[], read: (item: Record<string, unknown>) => T | null): T[] {
  const data: T[] = [];
  for (const item of items) {
    const parsed = read(item);
    if (parsed !== null) data.push(parsed);
  }
  return data;
}
