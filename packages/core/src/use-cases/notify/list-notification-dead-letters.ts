import { type DeadLetter, type FailureRecord, messageKeyOf } from "../../domain/dead-letter.ts";
import type { NotificationRecord } from "../../domain/notification.ts";
import { type OrderEvent, parseOrderEvent } from "../../domain/order-events.ts";
import type { DeadLetterStore, FailureLog, NotificationRecords } from "../../ports.ts";

export interface ListNotificationDeadLettersInput {
  limit: number;
  /** Opaque: from the previous page. */
  cursor?: string | undefined;
}

export interface ListNotificationDeadLettersDeps {
  deadLetters: DeadLetterStore;
  notifications: NotificationRecords;
  /** Why the Notifier last failed each message, as it recorded it (by the body's key, as for OrdersDlq). */
  failures: FailureLog;
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
  /**
   * The Notifier's own record of why the message failed: the one reason there is when it failed before any send
   * (EVENT_NOT_IMPLIED, a table or queue error), and the last one when its sends failed.
   */
  failure?: Omit<FailureRecord, "messageKey" | "orderId" | "submissionId"> | undefined;
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

function failureOf(record: FailureRecord | undefined): NotificationDeadLetterView["failure"] {
  if (!record) return undefined;
  const { code, message, attempts, firstFailedAt, lastFailedAt } = record;
  return { code, message, attempts, firstFailedAt, lastFailedAt };
}

function viewOf(
  parsed: Parsed,
  records: Map<string, NotificationRecord>,
  failures: Map<string, FailureRecord>,
): NotificationDeadLetterView {
  const { messageId, sentAt, receiveCount, body } = parsed.letter;
  const failure = failureOf(failures.get(messageKeyOf(body)));
  const reason = failure ? { failure } : {};
  if ("problem" in parsed) return { messageId, sentAt, receiveCount, problem: parsed.problem, body, ...reason };
  const { orderId, eventId, type, occurredAt } = parsed.event;
  const record = records.get(keyOf(orderId, eventId));
  return {
    messageId,
    sentAt,
    receiveCount,
    event: { orderId, eventId, type, occurredAt },
    accountId: record?.accountId ?? parsed.event.order.fromAccount,
    ...(record ? { delivery: deliveryOf(record) } : {}),
    ...reason,
  };
}

/**
 * Lists NotificationsDlq without consuming it: each order event waiting there
 * with its payer, its delivery record's tries and last error (a record that
 * says DELIVERED tells the operator a redrive would send nothing), and the
 * Notifier's recorded reason, which is the only one when it failed before
 * any send.
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
  const failures =
    page.length > 0 ? await deps.failures.find(page.map(({ letter }) => messageKeyOf(letter.body))) : new Map();
  const next = start + input.limit;
  return {
    depth: await deps.deadLetters.depth(),
    messages: page.map((parsed) => viewOf(parsed, records, failures)),
    ...(next < all.length ? { cursor: String(next) } : {}),
  };
}
