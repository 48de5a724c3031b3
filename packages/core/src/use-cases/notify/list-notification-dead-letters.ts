import type { DeadLetter } from "../../domain/dead-letter.ts";
import type { NotificationRecord } from "../../domain/notification.ts";
import { type OrderEvent, parseOrderEvent } from "../../domain/order-events.ts";
import type { DeadLetterStore, NotificationRecords } from "../../ports.ts";

export interface ListNotificationDeadLettersInput {
  limit: number;
  /** Opaque: from the previous page. */
  cursor?: string | undefined;
}

export interface ListNotificationDeadLettersDeps {
  deadLetters: DeadLetterStore;
  notifications: NotificationRecords;
  /** The most messages one listing reads from the queue. */
  scanMax?: number;
}

/** What the delivery record says of an event's tries. */
export type DeliveryView = Pick<
  NotificationRecord,
  "status" | "attempts" | "lastError" | "lastAttemptAt" | "deliveredAt" | "responseStatus"
>;

/** One order event waiting in NotificationsDlq, with what became of its delivery. */
export interface NotificationDeadLetterView {
  messageId: string;
  sentAt: string;
  receiveCount: number;
  /** The event the message names; absent when the body is no order event (then `problem` says why). */
  event?: { orderId: string; eventId: string; type: OrderEvent["type"]; occurredAt: string } | undefined;
  /** Whose webhook it was for: the delivery record's account, else the event's payer. */
  accountId?: string | undefined;
  /** The delivery record; absent when no attempt was ever recorded. */
  delivery?: DeliveryView | undefined;
  /** Why the body is no order event: redriving it would only fail again. */
  problem?: string | undefined;
  /** The body itself, only when it is no order event, for the operator to see what it was. */
  body?: string | undefined;
}

export interface NotificationDeadLetterPage {
  depth: number;
  messages: NotificationDeadLetterView[];
  cursor?: string | undefined;
}

type Parsed = { letter: DeadLetter; event: OrderEvent } | { letter: DeadLetter; problem: string };

function parse(letter: DeadLetter): Parsed {
  try {
    return { letter, event: parseOrderEvent(letter.body) };
  } catch (error) {
    return { letter, problem: (error as Error).message };
  }
}

const keyOf = (orderId: string, eventId: string) => `${orderId}\n${eventId}`;

function deliveryOf(record: NotificationRecord): DeliveryView {
  const { status, attempts, lastError, lastAttemptAt, deliveredAt, responseStatus } = record;
  return { status, attempts, lastError, lastAttemptAt, deliveredAt, responseStatus };
}

function viewOf(parsed: Parsed, records: Map<string, NotificationRecord>): NotificationDeadLetterView {
  const { messageId, sentAt, receiveCount, body } = parsed.letter;
  if ("problem" in parsed) return { messageId, sentAt, receiveCount, problem: parsed.problem, body };
  const { orderId, eventId, type, occurredAt } = parsed.event;
  const record = records.get(keyOf(orderId, eventId));
  return {
    messageId,
    sentAt,
    receiveCount,
    event: { orderId, eventId, type, occurredAt },
    accountId: record?.accountId ?? parsed.event.order.fromAccount,
    ...(record ? { delivery: deliveryOf(record) } : {}),
  };
}

/**
 * Lists NotificationsDlq without consuming it: each order event waiting there
 * with its payer, and its delivery record's tries and last error (a record
 * that says DELIVERED tells the operator a redrive would send nothing).
 * Oldest first, paginated; the record reads are one batch per page.
 */
export async function listNotificationDeadLetters(
  input: ListNotificationDeadLettersInput,
  deps: ListNotificationDeadLettersDeps,
): Promise<NotificationDeadLetterPage> {
  const letters = await deps.deadLetters.scan(deps.scanMax ?? 500);
  const all = letters.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.messageId.localeCompare(b.messageId));
  const start = Math.max(0, Number.parseInt(input.cursor ?? "0", 10) || 0);
  const page = all.slice(start, start + input.limit).map(parse);
  const keys = page.flatMap((parsed) => ("event" in parsed ? [parsed.event] : []));
  const unique = [...new Map(keys.map((key) => [keyOf(key.orderId, key.eventId), key])).values()];
  const found =
    unique.length > 0
      ? await deps.notifications.find(unique.map(({ orderId, eventId }) => ({ orderId, eventId })))
      : [];
  const records = new Map(found.map((record) => [keyOf(record.orderId, record.eventId), record]));
  const next = start + input.limit;
  return {
    depth: await deps.deadLetters.depth(),
    messages: page.map((parsed) => viewOf(parsed, records)),
    ...(next < all.length ? { cursor: String(next) } : {}),
  };
}
