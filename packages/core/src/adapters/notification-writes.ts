import type { PutCommandInput, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { OrderEvent } from "../domain/order-events.ts";
import type { WebhookCircuit } from "../domain/webhook-circuit.ts";
import { attributeNames, setAssignments } from "./update-assignments.ts";

/**
 * The Notifier's writes (a delivery's record, a webhook, a circuit), built as
 * ElectroDB builds them for those entities, without it: the same key,
 * identifiers, names, values and conditions, so that the items stay
 * ElectroDB's. test/unit/adapters/notification-writes.test.ts checks each
 * against ElectroDB's own `.params()` for the same call. With these, nothing
 * the Notifier runs needs ElectroDB, and its bundle leaves it out.
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
  const { set, names, values } = setAssignments({
    ...fields,
    orderId,
    eventId,
    __edb_e__: "notification",
    __edb_v__: "1",
  });
  return { set: set.join(", "), names, values };
}

/**
 * The claim's condition, which recording WAITING takes too: the event is new,
 * or neither delivered nor held by a lease still running at `at`.
 */
function claimable(at: string) {
  return {
    ConditionExpression:
      "attribute_not_exists(#status) OR (#status <> :status0 AND (#status <> :status1 OR #leaseUntil < :leaseUntil0))",
    names: attributeNames("status", "leaseUntil"),
    values: { ":status0": "DELIVERED", ":status1": "SENDING", ":leaseUntil0": at },
  };
}

/** The condition of a write to a delivery that must already be recorded. */
const RECORDED = "attribute_exists(#pk) AND attribute_exists(#sk)";

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
  const condition = claimable(at);
  return {
    UpdateExpression: `SET ${fields.set} REMOVE #waitingUntil ADD #attempts :attempts_u0`,
    ExpressionAttributeNames: { ...condition.names, ...fields.names, ...attributeNames("attempts", "waitingUntil") },
    ExpressionAttributeValues: { ...condition.values, ...fields.values, ":attempts_u0": 1 },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ReturnValues: "ALL_NEW",
    ConditionExpression: condition.ConditionExpression,
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
      ...attributeNames("pk", "sk"),
      ...fields.names,
      ...attributeNames("leaseUntil", "lastError"),
    },
    ExpressionAttributeValues: fields.values,
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: RECORDED,
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
    ExpressionAttributeNames: fields.names,
    ExpressionAttributeValues: { ":status0": "NO_WEBHOOK", ...fields.values },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: "attribute_not_exists(#status) OR #status = :status0",
  };
}

/** Record a failed try: FAILED after the last, else RETRYING; the lease gone; unless it was delivered meanwhile. */
export function failedWrite(
  table: string,
  orderId: string,
  eventId: string,
  status: "FAILED" | "RETRYING",
  lastError: string,
  at: string,
): UpdateCommandInput {
  const fields = setFields({ status, lastError, lastAttemptAt: at }, orderId, eventId);
  return {
    UpdateExpression: `SET ${fields.set} REMOVE #leaseUntil`,
    ExpressionAttributeNames: { ...attributeNames("pk", "sk"), ...fields.names, ...attributeNames("leaseUntil") },
    ExpressionAttributeValues: { ":status0": "DELIVERED", ...fields.values },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: `${RECORDED} AND #status <> :status0`,
  };
}

/** Record that the event waits for its endpoint's circuit, until `until`; the claim's condition. */
export function waitingWrite(
  table: string,
  event: OrderEvent,
  accountId: string,
  until: string,
  at: string,
): UpdateCommandInput {
  const { orderId, eventId } = event;
  const fields = setFields(
    { type: event.type, accountId, occurredAt: event.occurredAt, status: "WAITING", waitingUntil: until },
    orderId,
    eventId,
  );
  const condition = claimable(at);
  return {
    UpdateExpression: `SET ${fields.set} REMOVE #leaseUntil ADD #attempts :attempts_u0`,
    ExpressionAttributeNames: { ...condition.names, ...fields.names, ...attributeNames("attempts") },
    ExpressionAttributeValues: { ...condition.values, ...fields.values, ":attempts_u0": 0 },
    TableName: table,
    Key: notificationKey(orderId, eventId),
    ConditionExpression: condition.ConditionExpression,
  };
}

/** The attributes given, in order, without those left undefined: what ElectroDB's put writes of them. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) item[name] = value;
  return item;
}

/**
 * Replace an endpoint's circuit with `next`, if the stored one is the version
 * before it (or there is none, for version 1).
 */
export function circuitPut(table: string, endpoint: string, accountId: string, next: WebhookCircuit): PutCommandInput {
  const expected = next.version - 1;
  return {
    Item: {
      ...defined({ endpoint, accountId, ...next }),
      ...circuitKey(endpoint),
      __edb_e__: "webhookCircuit",
      __edb_v__: "1",
    },
    TableName: table,
    ReturnValues: "NONE",
    ConditionExpression: expected === 0 ? "attribute_not_exists(#version)" : "#version = :version0",
    ExpressionAttributeNames: { "#version": "version" },
    ...(expected === 0 ? {} : { ExpressionAttributeValues: { ":version0": expected } }),
  };
}

/** Replace an account's webhook, if its secret is still `replacing`'s (or there is none). */
export function webhookPut(
  table: string,
  item: {
    accountId: string;
    url: string;
    secret: string;
    updatedAt: string;
    previousSecret?: string;
    previousSecretUntil?: string;
  },
  replacingSecret: string | undefined,
): PutCommandInput {
  return {
    Item: { ...defined(item), ...webhookKey(item.accountId), __edb_e__: "webhook", __edb_v__: "1" },
    TableName: table,
    ReturnValues: "NONE",
    ConditionExpression: replacingSecret === undefined ? "attribute_not_exists(#secret)" : "#secret = :secret0",
    ExpressionAttributeNames: { "#secret": "secret" },
    ...(replacingSecret === undefined ? {} : { ExpressionAttributeValues: { ":secret0": replacingSecret } }),
  };
}
