import type { UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { OrderEvent } from "../domain/order-events.ts";

/**
 * The Notifier's writes to a delivery's record on every delivery (the claim,
 * the delivery, the record of no webhook), built as ElectroDB builds them
 * for the notification entity, without it: the same key, identifiers, names,
 * values and conditions, so that the items stay ElectroDB's.
 * test/unit/adapters/notification-writes.test.ts checks each against
 * ElectroDB's own `.params()` for the same call. The rarer writes (a failed
 * try, a deferral) keep the entity's builder.
 */

/** A delivery's key exactly as ElectroDB writes it (casing "none", version 1). */
export const notificationKey = (orderId: string, eventId: string) => ({
  pk: `$orders#orderId_${orderId}`,
  sk: `$orderHistory#notification_1#eventId_${eventId}`,
});

/** An account's webhook's key, as ElectroDB writes it. */
export const webhookKey = (accountId: string) => ({ pk: `$orders#accountId_${accountId}`, sk: "$webhook_1" });

/** An endpoint's circuit's key, as ElectroDB writes it. */
export const circuitKey = (endpoint: string) => ({ pk: `$orders#endpoint_${endpoint}`, sk: "$webhookCircuit_1" });

/** SET of each field, in order, then the identifiers ElectroDB sets on every update. */
function setFields(
  fields: Record<string, unknown>,
  orderId: string,
  eventId: string,
): { set: string; names: Record<string, string>; values: Record<string, unknown> } {
  const all: Record<string, unknown> = { ...fields, orderId, eventId, __edb_e__: "notification", __edb_v__: "1" };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  for (const [name, value] of Object.entries(all)) {
    set.push(`#${name} = :${name}_u0`);
    names[`#${name}`] = name;
    values[`:${name}_u0`] = value;
  }
  return { set: set.join(", "), names, values };
}

/**
 * Claim an event's delivery: SENDING under a lease, one more try, no longer
 * waiting; if it is new, or not delivered and not held by a live lease.
 * Returns the item after it (its `attempts`).
 */
export function claimNotificationWrite(
  table: string,
  event: OrderEvent,
  accountId: string,
  at: string,
  leaseUntil: string,
): UpdateCommandInput {
  const { orderId, eventId } = event;
  const fields = setFields(
    {
      type: event.type,
      accountId,
      occurredAt: event.occurredAt,
      status: "SENDING",
      leaseUntil,
      lastAttemptAt: at,
    },
    orderId,
    eventId,
  );
  return {
    UpdateExpression: `SET ${fields.set} REMOVE #waitingUntil ADD #attempts :attempts_u0`,
    ExpressionAttributeNames: {
      "#status": "status",
      "#leaseUntil": "leaseUntil",
      "#type": "type",
      "#accountId": "accountId",
      "#occurredAt": "occurredAt",
      "#lastAttemptAt": "lastAttemptAt",
      "#attempts": "attempts",
      "#waitingUntil": "waitingUntil",
      "#orderId": "orderId",
      "#eventId": "eventId",
      "#__edb_e__": "__edb_e__",
      "#__edb_v__": "__edb_v__",
    },
    ExpressionAttributeValues: {
      ":status0": "DELIVERED",
      ":status1": "SENDING",
      ":leaseUntil0": at,
      ...fields.values,
      ":attempts_u0": 1,
    },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ReturnValues: "ALL_NEW",
    ConditionExpression:
      "attribute_not_exists(#status) OR (#status <> :status0 AND (#status <> :status1 OR #leaseUntil < :leaseUntil0))",
  };
}

/** Record a delivery: DELIVERED with the receiver's status, the lease and the last error gone; the item must exist. */
export function deliveredWrite(
  table: string,
  orderId: string,
  eventId: string,
  responseStatus: number,
  at: string,
): UpdateCommandInput {
  const fields = setFields({ status: "DELIVERED", deliveredAt: at, responseStatus }, orderId, eventId);
  return {
    UpdateExpression: `SET ${fields.set} REMOVE #leaseUntil, #lastError`,
    ExpressionAttributeNames: {
      "#pk": "pk",
      "#sk": "sk",
      "#status": "status",
      "#deliveredAt": "deliveredAt",
      "#responseStatus": "responseStatus",
      "#leaseUntil": "leaseUntil",
      "#lastError": "lastError",
      "#orderId": "orderId",
      "#eventId": "eventId",
      "#__edb_e__": "__edb_e__",
      "#__edb_v__": "__edb_v__",
    },
    ExpressionAttributeValues: fields.values,
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: "attribute_exists(#pk) AND attribute_exists(#sk)",
  };
}

/** Record that the payer has no webhook: NO_WEBHOOK, no tries; if the event is new or was recorded so before. */
export function noWebhookWrite(table: string, event: OrderEvent, accountId: string, at: string): UpdateCommandInput {
  const { orderId, eventId } = event;
  const fields = setFields(
    {
      type: event.type,
      accountId,
      occurredAt: event.occurredAt,
      status: "NO_WEBHOOK",
      attempts: 0,
      lastAttemptAt: at,
    },
    orderId,
    eventId,
  );
  return {
    UpdateExpression: `SET ${fields.set}`,
    ExpressionAttributeNames: {
      "#status": "status",
      "#type": "type",
      "#accountId": "accountId",
      "#occurredAt": "occurredAt",
      "#attempts": "attempts",
      "#lastAttemptAt": "lastAttemptAt",
      "#orderId": "orderId",
      "#eventId": "eventId",
      "#__edb_e__": "__edb_e__",
      "#__edb_v__": "__edb_v__",
    },
    ExpressionAttributeValues: { ":status0": "NO_WEBHOOK", ...fields.values },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: "attribute_not_exists(#status) OR #status = :status0",
  };
}
