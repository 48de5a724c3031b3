import { DepositBodySchema, SetStockBodySchema } from "@orders/core/domain/admin-inputs";
import { NOTIFICATION_STATUSES } from "@orders/core/domain/notification";
import { ChannelSchema, ORDER_STATUSES, SubmitOrderBodySchema } from "@orders/core/domain/order";
import { CIRCUIT_STATES } from "@orders/core/domain/webhook-circuit";
import * as z from "zod/mini";

/**
 * The API's request and response shapes. Handlers type their responses with
 * these, and the OpenAPI document is generated from them, so the two agree.
 */

const ErrorDetailSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });

export const ErrorBodySchema = z
  .object({
    error: z.string().register(z.globalRegistry, { description: "A stable error code, e.g. INVALID_JSON" }),
    message: z.string(),
    details: z.optional(z.array(ErrorDetailSchema)),
  })
  .register(z.globalRegistry, { id: "Error" });

export const SubmitAcceptedSchema = z
  .object({ id: z.string(), submissionId: z.uuid(), status: z.literal("QUEUED") })
  .register(z.globalRegistry, { id: "SubmitAccepted" });

const ReservationStatusSchema = z.enum(["HELD", "COMMITTED", "RELEASED", "RETURNED"]);
const PaymentStatusSchema = z.enum(["HELD", "POSTED", "VOIDED", "REFUNDED"]);

export const OrderFailureSchema = z
  .object({
    code: z.enum(["OUT_OF_STOCK", "INSUFFICIENT_FUNDS", "UNKNOWN_ACCOUNT", "SAGA_TIMEOUT", "DISCARDED", "CANCELLED"]),
    message: z.string(),
    details: z.optional(
      z.unknown().register(z.globalRegistry, {
        description:
          "OUT_OF_STOCK: [{sku, requested, available}]; INSUFFICIENT_FUNDS: {accountId, requested, available}; " +
          "UNKNOWN_ACCOUNT: [{accountId}]",
      }),
    ),
  })
  .register(z.globalRegistry, { id: "OrderFailure", description: "Why a FAILED order failed" });

export const OrderViewSchema = z
  .object({
    id: z.string(),
    submissionId: z.uuid(),
    channel: ChannelSchema,
    amount: z.unknown().register(z.globalRegistry, { description: "As submitted; a number when valid" }),
    fromAccount: z.unknown(),
    toAccount: z.unknown(),
    items: z.optional(
      z.unknown().register(z.globalRegistry, {
        description: "As submitted; [{sku, quantity, unitPrice}] when valid",
      }),
    ),
    status: z.enum(ORDER_STATUSES).register(z.globalRegistry, {
      description:
        "A valid original is PENDING while its saga runs, then CONFIRMED or FAILED; an invalid one is REJECTED. " +
        "A cancelled one goes CANCELLING, then CANCELLED. ACCEPTED: a valid original recorded before fulfilment existed.",
    }),
    failure: z.optional(OrderFailureSchema),
    cancellation: z.optional(
      z.object({
        reason: z.optional(z.string().register(z.globalRegistry, { description: "Not shown to the payee" })),
        requestedAt: z.iso.datetime(),
      }),
    ),
    refunded: z.optional(
      z.boolean().register(z.globalRegistry, {
        description: "Cancelled after it was confirmed: the payment went back to fromAccount and the stock to onHand",
      }),
    ),
    valid: z.boolean(),
    isDuplicate: z.boolean(),
    errors: z.array(ErrorDetailSchema),
    s3Key: z.optional(z.string()),
    receivedAt: z.iso.datetime(),
    processedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: "OrderView" });

export const DuplicateViewSchema = z
  .object({
    submissionId: z.uuid(),
    receivedAt: z.iso.datetime(),
    sameAsOriginal: z.boolean(),
    valid: z.boolean(),
  })
  .register(z.globalRegistry, { id: "DuplicateView" });

export const PaymentViewSchema = z
  .object({
    status: PaymentStatusSchema,
    amount: z.number().register(z.globalRegistry, { description: "In currency units, like the order's amount" }),
  })
  .register(z.globalRegistry, {
    id: "PaymentView",
    description:
      "The order's two-phase transfer from fromAccount: HELD, then POSTED or VOIDED, once; REFUNDED when a cancellation gave a posted payment back",
  });

export const ReservationViewSchema = z
  .object({ sku: z.string(), quantity: z.int(), status: ReservationStatusSchema })
  .register(z.globalRegistry, { id: "ReservationView" });

export const SagaLogEntrySchema = z
  .object({
    step: z.enum([
      "accounts",
      "reserve",
      "hold",
      "post",
      "credit",
      "commit",
      "void",
      "release",
      "confirm",
      "fail",
      "cancel",
      "refund",
      "restock",
    ]),
    outcome: z.string(),
    attempt: z.int().register(z.globalRegistry, {
      description: "The delivery attempt of the run that logged it; 0 for the stuck-saga sweeper",
    }),
    at: z.iso.datetime(),
    detail: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: "SagaLogEntry" });

export const NotificationViewSchema = z
  .object({
    eventId: z.string().register(z.globalRegistry, {
      description: "Derived from the order and the event type: the same on every publish and delivery",
    }),
    type: z.enum(["OrderConfirmed", "OrderFailed", "OrderCancelled"]),
    status: z.enum(NOTIFICATION_STATUSES).register(z.globalRegistry, {
      description:
        "DELIVERED after a 2xx (never sent again); RETRYING after a failed try; FAILED when the tries ran out (the event waits in NotificationsDlq); NO_WEBHOOK when the payer had none; WAITING while the payer's endpoint's circuit is open (tried again at waitingUntil, its tries untouched)",
    }),
    accountId: z.string(),
    attempts: z.int(),
    occurredAt: z.iso.datetime(),
    lastAttemptAt: z.optional(z.iso.datetime()),
    deliveredAt: z.optional(z.iso.datetime()),
    responseStatus: z.optional(z.int()),
    lastError: z.optional(z.string()),
    waitingUntil: z.optional(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: "NotificationView" });

export const OrderLookupSchema = z
  .object({
    sight: z.enum(["full", "payer", "payee"]).register(z.globalRegistry, {
      description:
        "How much the caller sees: full (an operator), payer (the paying customer, or the channel that submitted it: " +
        "no stock levels), payee (the order and its status only: no failure, payment, reservations, saga, " +
        "notifications, duplicates or download link)",
    }),
    order: OrderViewSchema,
    duplicates: z.array(DuplicateViewSchema).register(z.globalRegistry, {
      description: "The later submissions of this id kept as records, oldest first: at most 20",
    }),
    duplicatesNotStored: z.optional(
      z
        .int()
        .check(z.gte(1))
        .register(z.globalRegistry, {
          description:
            "Later submissions past the 20 kept, counted once each and not stored (absent when none); " +
            "a crash between counting steps may leave one uncounted, never one counted twice",
        }),
    ),
    jsonUrl: z.optional(
      z.url().register(z.globalRegistry, { description: "Presigned S3 GET of the archived JSON, valid 15 minutes" }),
    ),
    payment: z.optional(PaymentViewSchema),
    reservations: z.optional(
      z.array(ReservationViewSchema).register(z.globalRegistry, {
        description: "One per line once the saga has ended (absent while PENDING)",
      }),
    ),
    saga: z.optional(
      z.array(SagaLogEntrySchema).register(z.globalRegistry, {
        description: "The saga log, oldest first: one entry per step outcome",
      }),
    ),
    notifications: z.array(NotificationViewSchema).register(z.globalRegistry, {
      description: "The deliveries of the order's events to the payer's webhook, oldest event first",
    }),
  })
  .register(z.globalRegistry, { id: "OrderLookup" });

export const StockLevelSchema = z
  .object({
    sku: z.string(),
    onHand: z.int(),
    reserved: z.int(),
    available: z.int().register(z.globalRegistry, { description: "onHand − reserved: what can still be promised" }),
    updatedAt: z.iso.datetime(),
  })
  .register(z.globalRegistry, { id: "StockLevel" });

export const LedgerEntrySchema = z
  .object({
    transferId: z.string().register(z.globalRegistry, {
      description: "`deposit:{reference}` or `order:{orderId}`: each applies once",
    }),
    kind: z.enum(["DEPOSIT", "DEBIT", "CREDIT"]),
    amount: z.number(),
    status: PaymentStatusSchema,
    at: z.iso.datetime(),
    orderId: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: "LedgerEntry" });

export const WebhookViewSchema = z.object({ url: z.url(), updatedAt: z.iso.datetime() }).register(z.globalRegistry, {
  id: "WebhookView",
  description: "Where the account's order events are POSTed; the secret is shown only when it is set",
});

export const AccountSchema = z
  .object({
    accountId: z.string(),
    balance: z.number().register(z.globalRegistry, { description: "Spendable funds, in currency units" }),
    held: z.number().register(z.globalRegistry, { description: "Funds on hold for orders in flight" }),
    available: z.number(),
    entries: z.array(LedgerEntrySchema).register(z.globalRegistry, {
      description: "The latest 10, newest first; page through all of them with GET /accounts/{id}/entries",
    }),
    webhook: z.optional(WebhookViewSchema),
  })
  .register(z.globalRegistry, { id: "Account" });

const CheckSchema = z.enum(["ok", "error"]);
export const HealthSchema = z
  .object({
    status: CheckSchema,
    checks: z.object({
      table: CheckSchema,
      bucket: CheckSchema,
      queue: CheckSchema,
      dlq: CheckSchema,
    }),
    failing: z.array(z.string()),
  })
  .register(z.globalRegistry, {
    id: "Health",
    description: "Public: each dependency up or down, no queue depth (operators read it at /admin/dlq/depth)",
  });

export const DeadLetterDepthSchema = z
  .object({ depth: z.int().register(z.globalRegistry, { description: "Messages waiting in OrdersDlq (approximate)" }) })
  .register(z.globalRegistry, { id: "DeadLetterDepth" });

export { DepositBodySchema, SetStockBodySchema, SubmitOrderBodySchema };

export type SubmitAccepted = z.infer<typeof SubmitAcceptedSchema>;
export type OrderView = z.infer<typeof OrderViewSchema>;
export type OrderLookupBody = z.infer<typeof OrderLookupSchema>;
export type HealthBody = z.infer<typeof HealthSchema>;
export type DeadLetterDepthBody = z.infer<typeof DeadLetterDepthSchema>;
export type StockLevelBody = z.infer<typeof StockLevelSchema>;
export type AccountBody = z.infer<typeof AccountSchema>;

export const CancelAnswerSchema = z
  .object({
    id: z.string(),
    status: z.enum(["CANCELLING", "CANCELLED"]),
  })
  .register(z.globalRegistry, { id: "CancelAnswer" });

export { CancelBodySchema } from "@orders/core/use-cases/cancel/request-cancellation";

/** `PUT /accounts/{id}/webhook`: the URL's own rules (https, no private hosts) are checked by the core. */
export const SetWebhookBodySchema = z
  .object({
    url: z
      .string({ error: "url must be a string" })
      .register(z.globalRegistry, { description: "https only; no credentials, private names or private addresses" }),
    revokePreviousSecret: z
      .optional(z.boolean({ error: "revokePreviousSecret must be a boolean" }))
      .register(z.globalRegistry, {
        description:
          "true: the secret being replaced stops signing at once (it leaked). By default it keeps signing beside the new one for 24 hours",
      }),
  })
  .register(z.globalRegistry, { id: "SetWebhookBody", examples: [{ url: "https://example.com/hooks/orders" }] });

export const WebhookSecretSchema = z
  .object({
    url: z.url().register(z.globalRegistry, { description: "The URL as it will be called (normalised)" }),
    secret: z.string().register(z.globalRegistry, {
      description:
        "`whsec_…`: signs every delivery's Orders-Signature. Shown once; setting the webhook again rotates it",
    }),
    previousSecretValidUntil: z.optional(z.iso.datetime()).register(z.globalRegistry, {
      description:
        "After a rotation: until when the replaced secret still signs deliveries beside this one (a second v1 in Orders-Signature)",
    }),
  })
  .register(z.globalRegistry, { id: "WebhookSecret" });

export type SetWebhookBody = z.infer<typeof SetWebhookBodySchema>;
export type WebhookSecretBody = z.infer<typeof WebhookSecretSchema>;

export const ListedOrderSchema = z
  .object({
    id: z.string(),
    status: OrderViewSchema.shape.status,
    amount: z.optional(
      z.number().register(z.globalRegistry, {
        description: "In currency units; a rejected order's only if it was sent as a number",
      }),
    ),
    fromAccount: z.string().register(z.globalRegistry, {
      description: "The payer; empty for a rejected order sent without one (listed under its payee)",
    }),
    toAccount: z.string().register(z.globalRegistry, {
      description: "The payee; empty for a rejected order sent without one (listed under its payer)",
    }),
    receivedAt: z.iso.datetime(),
    resolvedAt: z.optional(z.iso.datetime()),
    refunded: z.optional(z.boolean()),
    failure: z.optional(z.object({ code: OrderFailureSchema.shape.code })),
  })
  .register(z.globalRegistry, { id: "ListedOrder", description: "One order of an account's listing" });

export const AccountOrdersSchema = z
  .object({
    orders: z.array(ListedOrderSchema).register(z.globalRegistry, {
      description: "Newest first (by receivedAt); empty for an account with no orders",
    }),
    cursor: z.optional(
      z.string().register(z.globalRegistry, {
        description:
          "Pass it back as ?cursor= for the next page; absent on the last. A page may hold fewer than limit " +
          "orders (even none) and still have one when a status filter skipped many",
      }),
    ),
  })
  .register(z.globalRegistry, { id: "AccountOrders" });

export type AccountOrdersBody = z.infer<typeof AccountOrdersSchema>;

export const AccountEntriesSchema = z
  .object({
    entries: z.array(LedgerEntrySchema).register(z.globalRegistry, {
      description: "Newest first (by time, then transfer id); pending and settled alike",
    }),
    cursor: z.optional(
      z.string().register(z.globalRegistry, {
        description: "Pass it back as ?cursor= for the next page; absent on the last",
      }),
    ),
  })
  .register(z.globalRegistry, { id: "AccountEntries" });

export type AccountEntriesBody = z.infer<typeof AccountEntriesSchema>;

export const InconsistencySchema = z
  .object({
    kind: z.enum(["stock", "account", "order", "money"]),
    id: z.string().register(z.globalRegistry, {
      description: "The sku, the account id, the order id (its payment's legs disagree), or `all accounts`",
    }),
    transferId: z.optional(
      z.string().register(z.globalRegistry, {
        description: "For an order: the transfer whose legs disagree (its payment or its refund)",
      }),
    ),
    check: z
      .string()
      .register(z.globalRegistry, { description: "The rule broken, e.g. `reserved = Σ held reservations`" }),
    expected: z.number().register(z.globalRegistry, {
      description: "Units for stock; cents for accounts, orders and money",
    }),
    actual: z.number(),
  })
  .register(z.globalRegistry, { id: "Inconsistency" });

export const ConsistencyReportSchema = z
  .object({
    at: z.iso.datetime().register(z.globalRegistry, { description: "When the audit ran" }),
    skus: z.int(),
    accounts: z.int(),
    money: z.object({
      depositsCents: z.int(),
      balancesAndHoldsCents: z.int().register(z.globalRegistry, {
        description: "Σ balance + held over every account",
      }),
      inFlightCents: z.optional(
        z.int().register(z.globalRegistry, {
          description:
            "Posted by running orders and not yet credited: balancesAndHoldsCents + inFlightCents = depositsCents " +
            "(absent from reports stored before it was counted)",
        }),
      ),
    }),
    since: z.optional(
      z.iso.datetime().register(z.globalRegistry, {
        description:
          "Ledger entries archived before this were counted by their accounts' sums, not read one by one " +
          "(absent: every entry was read, as in the first audit)",
      }),
    ),
    inconsistencies: z.array(InconsistencySchema).register(z.globalRegistry, {
      description: "Empty when everything agrees",
    }),
    key: z.string().register(z.globalRegistry, {
      description: "Where the report is stored in the orders bucket: reports/consistency/<time>.json",
    }),
  })
  .register(z.globalRegistry, { id: "ConsistencyReport" });

export type ConsistencyReportBody = z.infer<typeof ConsistencyReportSchema>;

const EventTypeSchema = z.enum(["OrderConfirmed", "OrderFailed", "OrderCancelled"]);

export const NotificationDeadLetterSchema = z
  .object({
    messageId: z.string().register(z.globalRegistry, { description: "SQS's id: name it to redrive this message" }),
    sentAt: z.iso.datetime(),
    receiveCount: z.int(),
    event: z.optional(
      z.object({ orderId: z.string(), eventId: z.string(), type: EventTypeSchema, occurredAt: z.iso.datetime() }),
    ),
    accountId: z.optional(z.string().register(z.globalRegistry, { description: "The payer whose webhook it was for" })),
    delivery: z.optional(
      z
        .object({
          status: z.string(),
          attempts: z.int(),
          lastError: z.optional(z.string()),
          lastAttemptAt: z.optional(z.iso.datetime()),
          deliveredAt: z.optional(z.iso.datetime()),
          responseStatus: z.optional(z.int()),
        })
        .register(z.globalRegistry, {
          description:
            "The event's delivery record: FAILED with the last error when its tries ran out; DELIVERED if a copy got through since (a redrive then sends nothing)",
        }),
    ),
    failure: z.optional(
      z
        .object({
          code: z.string(),
          message: z.string(),
          attempts: z.int(),
          firstFailedAt: z.iso.datetime(),
          lastFailedAt: z.iso.datetime(),
        })
        .register(z.globalRegistry, {
          description:
            "The Notifier's recorded reason: the only one when it failed before any send (EVENT_NOT_IMPLIED, TABLE_UNAVAILABLE), else its last",
        }),
    ),
    problem: z.optional(
      z.string().register(z.globalRegistry, { description: "Why the body is no order event (it would fail again)" }),
    ),
    body: z.optional(z.string().register(z.globalRegistry, { description: "The body, when it is no order event" })),
  })
  .register(z.globalRegistry, { id: "NotificationDeadLetter" });

export const NotificationDeadLetterPageSchema = z
  .object({
    depth: z.int().register(z.globalRegistry, { description: "Messages waiting in NotificationsDlq (approximate)" }),
    messages: z.array(NotificationDeadLetterSchema).register(z.globalRegistry, { description: "Oldest first" }),
    cursor: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: "NotificationDeadLetterPage" });

export type NotificationDeadLetterPageBody = z.infer<typeof NotificationDeadLetterPageSchema>;

export const WebhookCircuitSchema = z
  .object({
    state: z.enum(CIRCUIT_STATES).register(z.globalRegistry, {
      description:
        "CLOSED: events are sent. OPEN: after failed sends in a row, events wait (WAITING) until probeAt, when one is sent as a probe. HALF_OPEN: that probe is in flight",
    }),
    consecutiveFailures: z.int(),
    openedAt: z.optional(z.iso.datetime()),
    probeAt: z.optional(z.iso.datetime()),
  })
  .register(z.globalRegistry, { id: "WebhookCircuit", description: "The endpoint's circuit breaker" });

export const WebhookEndpointSchema = z
  .object({
    accountId: z.string(),
    url: z.url(),
    updatedAt: z.iso.datetime(),
    previousSecretUntil: z.optional(z.iso.datetime()).register(z.globalRegistry, {
      description: "Present while the secret replaced by the last rotation still signs deliveries: until when",
    }),
    circuit: WebhookCircuitSchema,
  })
  .register(z.globalRegistry, {
    id: "WebhookEndpoint",
    description: "An account's webhook endpoint; never a secret (those are shown once, by PUT)",
  });

export type WebhookEndpointBody = z.infer<typeof WebhookEndpointSchema>;

export const NotificationsDlqDepthSchema = z
  .object({
    depth: z
      .int()
      .register(z.globalRegistry, { description: "Order events waiting in NotificationsDlq (approximate)" }),
  })
  .register(z.globalRegistry, { id: "NotificationsDlqDepth" });
