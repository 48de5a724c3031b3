import { CHANNELS } from "../domain/order.ts";
import { primaryKeys } from "./index-keys.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

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
    orderId: { type: "string", required: true, readOnly: true },
    submissionId: { type: "string", required: true, readOnly: true },
    channel: { type: CHANNELS, required: true },
    submittedBy: { type: "string", readOnly: true },
    isDuplicate: { type: "boolean", required: true },
    status: { type: ["DUPLICATE"] as const, required: true },
    valid: { type: "boolean", required: true },
    sameAsOriginal: { type: "boolean" },
    /** sha256 of the payload's canonical JSON, base64url (absent on records written before the cap). */
    payloadHash: { type: "string" },
    receivedAt: { type: "string", required: true },
    processedAt: { type: "string", required: true },
  },
  indexes: {
    byOrderId: {
      collection: "orderHistory",
      ...primaryKeys(["orderId"], ["submissionId"]),
    },
  },
} as const;

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type OrderDuplicateItem = SchemaItem<typeof orderDuplicateSchema>;
