import type { NotificationRecord } from "@orders/core/domain/notification";
import type { OrderEvent } from "@orders/core/domain/order-events";
import type { WebhookCircuit } from "@orders/core/domain/webhook-circuit";
import type {
  NotificationClaim,
  NotificationLog,
  NotificationRequeue,
  OrderEventPublisher,
  WebhookCircuits,
} from "@orders/core/ports";

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
    const { waitingUntil: _waiting, ...before } = existing ?? {};
    this.records.set(key, {
      ...before,
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

  async waiting(
    event: OrderEvent,
    accountId: string,
    until: string,
    at: string,
  ): Promise<"waiting" | "delivered" | "in-flight"> {
    const key = `${event.orderId}/${event.eventId}`;
    const existing = this.records.get(key);
    if (existing?.status === "DELIVERED") return "delivered";
    if (existing?.status === "SENDING" && existing.leaseUntil !== undefined && existing.leaseUntil >= at) {
      return "in-flight";
    }
    const { leaseUntil: _lease, ...rest } = existing ?? { attempts: 0 };
    this.records.set(key, {
      ...rest,
      orderId: event.orderId,
      eventId: event.eventId,
      type: event.type,
      accountId,
      occurredAt: event.occurredAt,
      status: "WAITING",
      waitingUntil: until,
    });
    return "waiting";
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

/** An in-memory `WebhookCircuits` by account and URL, with the adapter's version condition; `refuseNext` loses races. */
export class InMemoryWebhookCircuits implements WebhookCircuits {
  readonly circuits = new Map<string, WebhookCircuit>();
  refuseNext = 0;

  /** The map's key of an account's URL's circuit. */
  static key(accountId: string, url: string): string {
    return `${accountId} ${url}`;
  }

  async find(accountId: string, url: string): Promise<WebhookCircuit | undefined> {
    const circuit = this.circuits.get(InMemoryWebhookCircuits.key(accountId, url));
    return circuit ? structuredClone(circuit) : undefined;
  }

  async save(accountId: string, next: WebhookCircuit): Promise<boolean> {
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      return false;
    }
    const key = InMemoryWebhookCircuits.key(accountId, next.url);
    if ((this.circuits.get(key)?.version ?? 0) !== next.version - 1) return false;
    this.circuits.set(key, structuredClone(next));
    return true;
  }
}

/** An in-memory `NotificationRequeue`: every event queued again, with its delay. */
export class RecordingRequeue implements NotificationRequeue {
  readonly queued: { event: OrderEvent; delaySeconds: number }[] = [];

  async later(event: OrderEvent, delaySeconds: number): Promise<void> {
    this.queued.push({ event: structuredClone(event), delaySeconds });
  }
}
