import { orderHistoryKeys } from "./index-keys.ts";
import { orderRecordAttributes } from "./order-record-attributes.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

// The attributes a duplicate shares with an original (order-record-attributes.ts), defined once for both.
const { orderId, submissionId, channel, submittedBy, isDuplicate, valid, sameAsOriginal, receivedAt, processedAt } =
  orderRecordAttributes;

/**
 * A later submission of an order id that already has an original: one record
 * per submission, so that redelivering it finds its record in place. At most
 * MAX_STORED_DUPLICATES per order id (the original's `duplicateIds` admits
 * them), and only what the order's view shows, with a hash of the payload
 * instead of the payload: under DUPLICATE_ITEM_MAX_BYTES (768) each
 * (domain/duplicates.ts). Records written before the cap carried the whole
 * payload and its errors; those attributes are no longer read.
 */
export const orderDuplicateSchema = {
  model: { entity: "orderDuplicate", version: "1", service: "orders" },
  attributes: {
    orderId,
    submissionId,
    channel,
    submittedBy,
    isDuplicate,
    status: { type: ["DUPLICATE"] as const, required: true },
    valid,
    sameAsOriginal,
    /** sha256 of the payload's canonical JSON, base64url (absent on records written before the cap). */
    payloadHash: { type: "string" },
    receivedAt,
    processedAt,
  },
  indexes: {
    byOrderId: orderHistoryKeys(["submissionId"]),
  },
} as const;

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type OrderDuplicateItem = SchemaItem<typeof orderDuplicateSchema>;
