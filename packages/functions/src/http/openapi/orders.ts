import { MAX_STORED_DUPLICATES } from "@orders/core/domain/duplicates";
import { ChannelSchema, OrderIdSchema } from "@orders/core/domain/order";
import { MAX_ADMIN_BODY_BYTES, MAX_ORDER_BODY_BYTES } from "../body-limits.ts";
import {
  CancelAnswerSchema,
  CancelBodySchema,
  OrderLookupSchema,
  SubmitAcceptedSchema,
  SubmitOrderBodySchema,
} from "../contract.ts";
import { KEY_LIFETIME_SECONDS, KEY_PATTERN } from "../idempotency-key.ts";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { inline, jsonContent, pathParameter } from "./schemas.ts";

const orderId = pathParameter("id", OrderIdSchema);

/** Submitting, reading, cancelling and checking an order. */
export const orderPaths = {
  "/orders": {
    post: operation({
      operationId: "submitOrder",
      summary: "Submit an order",
      access: "caller",
      body: { schema: SubmitOrderBodySchema, maxBytes: MAX_ORDER_BODY_BYTES },
      dependency: "the queue or the Idempotency-Key store",
      parameters: [
        { name: "X-Channel", in: "header", required: false, schema: inline(ChannelSchema) },
        {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            `A repeat of the same request by the same caller within ${KEY_LIFETIME_SECONDS / 3600} hours gets ` +
            "the first answer again, with Idempotent-Replayed: true; another caller's key of the same text is another key",
          schema: { type: "string", pattern: KEY_PATTERN.source },
        },
      ],
      responses: {
        "202": answer("Queued for processing", jsonContent(SubmitAcceptedSchema), ["Location", "IdempotentReplayed"]),
        "400": error("Not JSON, not an object, a missing or malformed id, or a malformed Idempotency-Key"),
        "403": error("FORBIDDEN: a customer paying from an account not its own; nothing is queued"),
        "409": error("IDEMPOTENCY_IN_PROGRESS: a request with this Idempotency-Key is still running", ["RetryAfter"]),
        "422": error("IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used with another request"),
      },
    }),
  },
  "/orders/{id}": {
    get: operation({
      operationId: "getOrder",
      summary: "Read an order, its duplicates and its archived JSON",
      access: "caller",
      parameters: [orderId],
      dependency: "the table or the bucket",
      responses: {
        "200": answer("The order, as much as the caller may see", jsonContent(OrderLookupSchema)),
        "400": error("Malformed id"),
        "404": error(
          "Not processed yet (it may still be queued), or not the caller's to see: the same answer. " +
            `At most ${MAX_STORED_DUPLICATES} duplicates are listed`,
        ),
      },
    }),
  },
  "/orders/{id}/cancel": {
    post: operation({
      operationId: "cancelOrder",
      summary: "Cancel an order: a PENDING one is compensated, a CONFIRMED one refunded; asynchronous",
      access: "operator",
      parameters: [orderId],
      body: { schema: CancelBodySchema, maxBytes: MAX_ADMIN_BODY_BYTES },
      dependency: "the table or the queue",
      responses: {
        "202": answer(
          "The cancellation is queued: CANCELLING, or CANCELLED if the processor already finished it",
          jsonContent(CancelAnswerSchema),
          ["Location"],
        ),
        "200": answer("Already CANCELLING or CANCELLED: nothing changed", jsonContent(CancelAnswerSchema), [
          "Location",
        ]),
        "404": error("ORDER_NOT_FOUND"),
        "409": error(
          "ORDER_NOT_CANCELLABLE: the order is FAILED or REJECTED; CANCELLATION_UNFINISHED: an earlier one is still running",
        ),
      },
    }),
  },
  "/orders/{id}/verify-consistency": {
    post: operation({
      operationId: "verifyOrderConsistency",
      summary: "Check an order against its reservations, ledger entries and archived JSON",
      access: "operator",
      parameters: [orderId],
      dependency: "the table or the bucket",
      responses: {
        "200": answer("{consistent, checks: [{name, ok, expected, actual}]}", "object"),
        "400": error("Malformed id"),
        "404": error("ORDER_NOT_FOUND"),
      },
    }),
  },
};
