import { DomainError } from "./errors.ts";
import type { OrderEventType } from "./order-events.ts";

/**
 * Where the delivery of one event stands: SENDING while an attempt holds the
 * lease, RETRYING after a failed attempt, DELIVERED after a 2xx (final),
 * FAILED when the retries ran out (the event waits in NotificationsDlq),
 * NO_WEBHOOK when the payer had none set (final: nothing to send), and
 * WAITING while the endpoint's circuit is open (`waitingUntil`): queued
 * again with a delay, its tries untouched.
 */
export const NOTIFICATION_STATUSES = ["SENDING", "RETRYING", "DELIVERED", "FAILED", "NO_WEBHOOK", "WAITING"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface NotificationRecord {
  orderId: string;
  eventId: string;
  type: OrderEventType;
  accountId: string;
  status: NotificationStatus;
  attempts: number;
  occurredAt: string;
  leaseUntil?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  responseStatus?: number;
  lastError?: string;
  /** WAITING: when the event is next tried (the circuit's next probe). */
  waitingUntil?: string;
}

/** Another attempt holds the delivery's lease: try again once it has had its chance. */
export class NotificationInFlightError extends DomainError {
  readonly code = "NOTIFICATION_IN_FLIGHT";
  override readonly name = "NotificationInFlightError";
}

/** The webhook did not take the event (an error, a timeout, or an answer other than 2xx); it is retried. */
export class NotificationNotDeliveredError extends DomainError {
  readonly code = "NOTIFICATION_NOT_DELIVERED";
  override readonly name = "NotificationNotDeliveredError";
}

/** The order's record implies no such event (yet): a lagging read, or a message the system never published. */
export class EventNotImpliedError extends DomainError {
  readonly code = "EVENT_NOT_IMPLIED";
  override readonly name = "EventNotImpliedError";
}
