import * as z from "zod/mini";
import type { ErrorDetail } from "./errors.ts";
import type { OrderFailure, OrderLine, PaymentView, ReservationView, SagaLogEntry } from "./fulfilment.ts";
import { SubmitterSchema } from "./submitter.ts";

// zod/mini: the same engine as zod's classic API, tree-shakable, so a handler
// bundles a few kilobytes of it instead of hundreds.

/** Channels an order may come from. `api` is the default for direct callers. */
export const CHANNELS = ["web", "mobile", "atm", "api"] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;

/**
 * An order id is the one identifier that becomes a DynamoDB key and an S3 key,
 * so it is held to a strict alphabet: no `/`, no spaces, no unicode.
 */
/** 1-64 of `A-Z a-z 0-9 . _ : -`, but not `.` or `..`, which a URL path resolves away (the order could never be read). */
export const ORDER_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._:-]{1,64}$/;
export const OrderIdSchema = z
  .string({ error: "id must be a string" })
  .check(z.regex(ORDER_ID_PATTERN, { error: "id must be 1-64 characters of A-Z a-z 0-9 . _ : -, and not . or .." }));

/**
 * The body `POST /orders` accepts: any JSON object with a well-formed id.
 * Business fields are judged later by the processor, so they pass through.
 */
export const SubmitOrderBodySchema = z.looseObject({ id: OrderIdSchema }).register(z.globalRegistry, {
  id: "SubmitOrderBody",
  description: "An order as sent by a channel. Only `id` is checked on submission.",
  examples: [{ id: "order-001", amount: 2580, fromAccount: "1111111", toAccount: "7777777", channel: "web" }],
});
export type SubmittedOrder = z.infer<typeof SubmitOrderBodySchema>;

/** What travels on OrdersQueue: one submission of one order. */
export const OrderMessageSchema = z.object({
  submissionId: z.uuid(),
  receivedAt: z.iso.datetime(),
  channel: ChannelSchema,
  order: SubmitOrderBodySchema,
  /** `<kind>:<subject>` of the caller who submitted it; absent on messages queued before callers had identities. */
  submittedBy: z.optional(SubmitterSchema),
});
export type OrderMessage = z.infer<typeof OrderMessageSchema>;

/**
 * Every status an order record can have, the one list the entity, the API's
 * contract, the listings and the console take theirs from. A valid original
 * is PENDING while its saga runs, then CONFIRMED or FAILED; a cancelled one
 * goes CANCELLING, then CANCELLED. ACCEPTED is what originals recorded before
 * fulfilment existed say; REJECTED an invalid original; DUPLICATE a later
 * submission of an id.
 */
export const ORDER_STATUSES = [
  "PENDING",
  "CONFIRMED",
  "FAILED",
  "CANCELLING",
  "CANCELLED",
  "ACCEPTED",
  "REJECTED",
  "DUPLICATE",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A customer's request to cancel, kept on the original. */
export interface Cancellation {
  reason: string;
  requestedAt: string;
}

/** How a saga ended, written once on its original. */
export interface OrderResolution {
  status: "CONFIRMED" | "FAILED" | "CANCELLED";
  /** Cancelled after it was confirmed: the money went back and the stock was returned. */
  refunded?: boolean | undefined;
  failure?: OrderFailure | undefined;
  saga: SagaLogEntry[];
  payment?: PaymentView | undefined;
  reservations: ReservationView[];
  resolvedAt: string;
}

/** The audit record kept for every submission, valid or not, original or not. */
export interface OrderRecord {
  orderId: string;
  submissionId: string;
  channel: Channel;
  /** `<kind>:<subject>` of the caller who submitted it, when it was known. */
  submittedBy?: string;
  /** The order as submitted, as JSON text. */
  payload: string;
  amount?: number;
  fromAccount?: string;
  toAccount?: string;
  valid: boolean;
  isDuplicate: boolean;
  /** Duplicates only: whether the payload equals the original's. */
  sameAsOriginal?: boolean;
  errors: ErrorDetail[];
  status: OrderStatus;
  /** Valid originals only: where the JSON is archived. */
  s3Key?: string;
  /** Valid originals only: the order's amount in cents, and its lines. */
  amountCents?: number;
  lines?: OrderLine[];
  /** Set once the saga ends. */
  failure?: OrderFailure;
  saga?: SagaLogEntry[];
  payment?: PaymentView;
  reservations?: ReservationView[];
  resolvedAt?: string;
  cancellation?: Cancellation;
  refunded?: boolean;
  receivedAt: string;
  processedAt: string;
}

/** The S3 key of a valid original. The id has passed `OrderIdSchema`. */
export function archiveKeyFor(orderId: string): string {
  return `orders/${orderId}.json`;
}
