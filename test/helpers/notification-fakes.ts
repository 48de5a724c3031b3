import type { NotificationRecord } from "@orders/core/domain/notification";
import type { OrderEvent } from "@orders/core/domain/order-events";
import type { NotificationClaim, NotificationLog, OrderEventPublisher } from "@orders/core/ports";

/** An in-memory `NotificationLog` with the DynamoDB adapter's conditions. */
export class InMemoryNotificationLog implements NotificationLog {
  readonly records: Map<string, NotificationRecord>;

  constructor(records = new Map<string, NotificationRecord>()) {
    this.records = records;
  }

  async claim(event: OrderEvent, accountId: string, at: string, leaseUntil: string): Promise<NotificationClaim> {
    const key = `${event.orderId}/${event.eventId}`;
    const existing = this.records.get(key);
    const free =
      !existing ||
      (existing.status !== "DELIVERED" &&
        (existing.status !== "SENDING" || (existing.leaseUntil !== undefined && existing.leaseUntil < at)));
    if (!free) return { outcome: existing.status === "DELIVERED" ? "delivered" : "in-flight", record: { ...existing } };
    const attempts = (existing?.attempts ?? 0) + 1;
    this.records.set(key, {
      ...existing,
      orderId: event.orderId,
      eventId: event.eventId,
      type: event.type,
      accountId,
      occurredAt: event.occurredAt,
      status: "SENDING",
      leaseUntil,
      lastAttemptAt: at,
      attempts,
    });
    return { outcome: "claimed", attempts };
  }

  async delivered(orderId: string, eventId: string, responseStatus: number, at: string): Promise<void> {
    const record = this.#get(orderId, eventId);
    const { leaseUntil: _lease, lastError: _error, ...rest } = record;
    this.records.set(`${orderId}/${eventId}`, { ...rest, status: "DELIVERED", deliveredAt: at, responseStatus });
  }

  async failed(orderId: string, eventId: string, error: string, at: string, final: boolean): Promise<void> {
    const record = this.#get(orderId, eventId);
    if (record.status === "DELIVERED") return;
    const { leaseUntil: _lease, ...rest } = record;
    this.records.set(`${orderId}/${eventId}`, {
      ...rest,
      status: final ? "FAILED" : "RETRYING",
      lastError: error,
      lastAttemptAt: at,
    });
  }

  async noWebhook(event: OrderEvent, accountId: string, at: string): Promise<void> {
    const key = `${event.orderId}/${event.eventId}`;
    const existing = this.records.get(key);
    if (existing && existing.status !== "NO_WEBHOOK") return;
    this.records.set(key, {
      orderId: event.orderId,
      eventId: event.eventId,
      type: event.type,
      accountId,
      occurredAt: event.occurredAt,
      status: "NO_WEBHOOK",
      attempts: 0,
      lastAttemptAt: at,
    });
  }

  #get(orderId: string, eventId: string): NotificationRecord {
    const record = this.records.get(`${orderId}/${eventId}`);
    if (!record) throw new Error(`no notification ${orderId}/${eventId}`);
    return record;
  }
}

/** An in-memory `OrderEventPublisher`: every publish, in order, repeats included. */
export class InMemoryEventPublisher implements OrderEventPublisher {
  readonly published: OrderEvent[] = [];
  failNext = 0;

  async publish(events: OrderEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("publish failed (injected)");
    }
    this.published.push(...structuredClone(events));
  }
}
