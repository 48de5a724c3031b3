import { primaryKeys } from "./index-keys.ts";

/**
 * A duplicate submission past its order id's cap, kept as its id only, so
 * that a redelivery of it is not counted twice on the original. Its own
 * partition (`duplicateOf`, not the order's `orderId`), so no read of the
 * order ever loads it. Under 384 bytes whatever was sent (273 with a
 * 35-character order id, about 330 with the longest, 64).
 */
export const duplicateMarkerSchema = {
  model: { entity: "duplicateMarker", version: "1", service: "orders" },
  attributes: {
    duplicateOf: { type: "string", required: true, readOnly: true },
    submissionId: { type: "string", required: true, readOnly: true },
    receivedAt: { type: "string", required: true },
  },
  indexes: {
    bySubmission: primaryKeys(["duplicateOf"], ["submissionId"]),
  },
} as const;
