import { CHANNELS, ORDER_STATUSES } from "../domain/order.ts";

/** A small record of these properties: how ElectroDB types an object. */
const mapOf = <const Properties>(properties: Properties) => ({ type: "map", properties }) as const;

/** A list of small records, each a map of these properties: how ElectroDB types an array of objects. */
const listOf = <const Properties>(properties: Properties) => ({ type: "list", items: mapOf(properties) }) as const;

/**
 * The attributes shared by originals and duplicates: both are records of one
 * submission, told apart by `isDuplicate` and by their sort key.
 */
export const orderRecordAttributes = {
  orderId: { type: "string", required: true, readOnly: true },
  submissionId: { type: "string", required: true, readOnly: true },
  channel: { type: CHANNELS, required: true },
  /** `<kind>:<subject>` of the caller who submitted it (see domain/caller.ts). */
  submittedBy: { type: "string", readOnly: true },
  payload: { type: "string", required: true },
  amount: { type: "number" },
  fromAccount: { type: "string" },
  toAccount: { type: "string" },
  valid: { type: "boolean", required: true },
  isDuplicate: { type: "boolean", required: true },
  sameAsOriginal: { type: "boolean" },
  errors: {
    ...listOf({
      field: { type: "string", required: true },
      code: { type: "string", required: true },
      message: { type: "string", required: true },
    }),
    required: true,
  },
  status: {
    type: ORDER_STATUSES,
    required: true,
  },
  s3Key: { type: "string" },
  amountCents: { type: "number" },
  lines: listOf({
    sku: { type: "string", required: true },
    quantity: { type: "number", required: true },
    unitPriceCents: { type: "number", required: true },
  }),
  /** `{code, message, details}`; details vary by code. */
  failure: { type: "any" },
  saga: listOf({
    step: { type: "string", required: true },
    outcome: { type: "string", required: true },
    attempt: { type: "number", required: true },
    at: { type: "string", required: true },
    detail: { type: "string" },
  }),
  payment: mapOf({ status: { type: "string", required: true }, amountCents: { type: "number", required: true } }),
  reservations: listOf({
    sku: { type: "string", required: true },
    quantity: { type: "number", required: true },
    status: { type: "string", required: true },
  }),
  resolvedAt: { type: "string" },
  cancellation: mapOf({ reason: { type: "string", required: true }, requestedAt: { type: "string", required: true } }),
  refunded: { type: "boolean" },
  /** PENDING originals only: which of the sweeper's index partitions holds them. */
  sweepShard: { type: "number" },
  receivedAt: { type: "string", required: true },
  processedAt: { type: "string", required: true },
} as const;
