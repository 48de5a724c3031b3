import { CHANNELS } from "../domain/order.ts";

/**
 * The attributes shared by originals and duplicates: both are records of one
 * submission, told apart by `isDuplicate` and by their sort key.
 */
export const orderRecordAttributes = {
  orderId: { type: "string", required: true, readOnly: true },
  submissionId: { type: "string", required: true, readOnly: true },
  channel: { type: CHANNELS, required: true },
  payload: { type: "string", required: true },
  amount: { type: "number" },
  fromAccount: { type: "string" },
  toAccount: { type: "string" },
  valid: { type: "boolean", required: true },
  isDuplicate: { type: "boolean", required: true },
  sameAsOriginal: { type: "boolean" },
  errors: {
    type: "list",
    required: true,
    items: {
      type: "map",
      properties: {
        field: { type: "string", required: true },
        code: { type: "string", required: true },
        message: { type: "string", required: true },
      },
    },
  },
  status: { type: ["ACCEPTED", "REJECTED", "DUPLICATE"] as const, required: true },
  s3Key: { type: "string" },
  receivedAt: { type: "string", required: true },
  processedAt: { type: "string", required: true },
} as const;
