import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { failureFor } from "./access.ts";
import { AccountIdSchema } from "./admin-inputs.ts";
import { PoisonMessageError } from "./errors.ts";
import { fromCents } from "./money.ts";
import { OrderIdSchema, type OrderRecord } from "./order.ts";
import { parseMessageJson } from "./queue-message.ts";
import { toDetail } from "./validation.ts";

/**
 * What the system tells the outside world about an order. Events are derived
 * from the order's record, never stored on their own: the record is the
 * outbox. Whoever finds an order ended (the run that ended it, or any
 * redelivery of its message) derives the same events, with the same ids and
 * the same content, and publishes them again; the notifier delivers each id once.
 */
export const ORDER_EVENT_TYPES = ["OrderConfirmed", "OrderFailed", "OrderCancelled"] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const EventOrderSchema = z.looseObject({
  id: z.string(),
  status: z.enum(["CONFIRMED", "FAILED", "CANCELLED"]),
  amount: z.number(),
  fromAccount: AccountIdSchema,
  toAccount: z.string(),
});

export const OrderEventSchema = z.object({
  eventId: z.string().check(z.regex(/^evt_[0-9a-f]{32}$/)),
  type: z.enum(ORDER_EVENT_TYPES),
  orderId: OrderIdSchema,
  occurredAt: z.iso.datetime(),
  order: EventOrderSchema,
});
export type OrderEvent = z.infer<typeof OrderEventSchema>;

/** The one id of an order's event of a type: the same on every derivation. */
export function eventIdOf(orderId: string, type: OrderEventType): string {
  return `evt_${createHash("sha256").update(`${orderId}\n${type}`).digest("hex").slice(0, 32)}`;
}

/** When the saga log first recorded `step`, else `fallback`: a time that does not move on a later run. */
function firstAt(record: OrderRecord, step: string, fallback: string): string {
  const times = (record.saga ?? []).filter((entry) => entry.step === step).map((entry) => entry.at);
  return times.length > 0 ? times.reduce((a, b) => (a < b ? a : b)) : fallback;
}

/** The order as an event shows it: as it stood when the event happened, not as it stands now. */
function snapshot(record: OrderRecord, type: OrderEventType): OrderEvent["order"] {
  // The validated lines, not the payload's items: nothing a sender added reaches a webhook.
  const items = (record.lines ?? []).map((line) => ({
    sku: line.sku,
    quantity: line.quantity,
    unitPrice: fromCents(line.unitPriceCents),
  }));
  const base = {
    id: record.orderId,
    amount: fromCents(record.amountCents ?? 0),
    fromAccount: record.fromAccount ?? "",
    toAccount: record.toAccount ?? "",
    ...(items.length > 0 ? { items } : {}),
  };
  switch (type) {
    case "OrderConfirmed":
      return { ...base, status: "CONFIRMED" };
    case "OrderFailed":
      return {
        ...base,
        status: "FAILED",
        ...(record.failure ? { failure: customerFailure(record.failure) } : {}),
      };
    case "OrderCancelled":
      return {
        ...base,
        status: "CANCELLED",
        ...(record.cancellation ? { cancellation: record.cancellation } : {}),
        refunded: record.refunded === true,
      };
  }
}

/** The failure as the payer may read it (domain/access.ts): an operator's discard reason stays inside. */
function customerFailure(failure: NonNullable<OrderRecord["failure"]>): { code: string; message: string } {
  const seen = failureFor("payer", failure) ?? failure;
  return { code: seen.code, message: seen.message };
}

function eventOf(record: OrderRecord, type: OrderEventType, occurredAt: string): OrderEvent {
  return {
    eventId: eventIdOf(record.orderId, type),
    type,
    orderId: record.orderId,
    occurredAt,
    order: snapshot(record, type),
  };
}

/**
 * The events an order's record implies, oldest first: none while it runs
 * (PENDING, CANCELLING) or when it never ran (REJECTED, a duplicate).
 * A refunded cancellation was paid first, so it also implies OrderConfirmed:
 * the payer saw the money go and come back, and is told both.
 */
export function orderEventsOf(record: OrderRecord): OrderEvent[] {
  if (record.isDuplicate || !record.valid || !record.fromAccount) return [];
  const ended = record.resolvedAt ?? record.processedAt;
  switch (record.status) {
    case "CONFIRMED":
      return [eventOf(record, "OrderConfirmed", firstAt(record, "confirm", ended))];
    case "FAILED":
      return [eventOf(record, "OrderFailed", firstAt(record, "fail", ended))];
    case "CANCELLED": {
      const cancelled = eventOf(record, "OrderCancelled", firstAt(record, "cancel", ended));
      if (!record.refunded) return [cancelled];
      return [eventOf(record, "OrderConfirmed", firstAt(record, "confirm", ended)), cancelled];
    }
    default:
      return [];
  }
}

/** Reads an event off the notifications queue; anything else can never be delivered: a poison message. */
export function parseOrderEvent(body: string): OrderEvent {
  const json = parseMessageJson(body);
  const parsed = OrderEventSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    throw new PoisonMessageError("The message is not an order event", { details: parsed.error.issues.map(toDetail) });
  }
  return parsed.data;
}
