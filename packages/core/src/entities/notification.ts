import { NOTIFICATION_STATUSES } from "../domain/notification.ts";
import { ORDER_EVENT_TYPES } from "../domain/order-events.ts";
import { orderHistoryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * The delivery of one order event to the payer's webhook, in the order's own
 * partition (the `orderHistory` collection), so that reading an order reads
 * its notifications in the same query. `leaseUntil` is the claim of the one
 * attempt in flight; a DELIVERED record is never sent again.
 */
export const notificationSchema = {
  model: { entity: "notification", version: "1", service: "orders" },
  attributes: {
    orderId: { type: "string", required: true, readOnly: true },
    eventId: { type: "string", required: true, readOnly: true },
    type: { type: ORDER_EVENT_TYPES, required: true },
    accountId: { type: "string", required: true },
    status: { type: NOTIFICATION_STATUSES, required: true },
    attempts: { type: "number", required: true },
    occurredAt: { type: "string", required: true },
    leaseUntil: { type: "string" },
    lastAttemptAt: { type: "string" },
    deliveredAt: { type: "string" },
    responseStatus: { type: "number" },
    lastError: { type: "string" },
    waitingUntil: { type: "string" },
  },
  indexes: {
    byOrderId: orderHistoryKeys(["eventId"]),
  },
} as const;

export type NotificationItem = SchemaItem<typeof notificationSchema>;
