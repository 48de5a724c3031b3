import type { NotificationRecord } from "../domain/notification.ts";
import type { OrderEvent } from "../domain/order-events.ts";
import type { OrdersService } from "../entities/service.ts";
import type { NotificationClaim, NotificationLog } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** Stored items and domain records share their attribute names. */
const toRecord = (item: object) => item as NotificationRecord;

/**
 * `NotificationLog` in the one table: one item per (order, event), beside the
 * order. Each write is one conditional UpdateItem, so two deliveries of the
 * same event (SNS and SQS both deliver at least once) cannot both send.
 */
export class DynamoNotificationLog implements NotificationLog {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  claim(event: OrderEvent, accountId: string, at: string, leaseUntil: string): Promise<NotificationClaim> {
    const { notification } = this.#service.entities;
    const key = { orderId: event.orderId, eventId: event.eventId };
    return guarded("table", "claim notification", async () => {
      try {
        const { data } = await notification
          .update(key)
          .set({ type: event.type, accountId, occurredAt: event.occurredAt, status: "SENDING", leaseUntil })
          .set({ lastAttemptAt: at })
          .add({ attempts: 1 })
          .remove(["waitingUntil"])
          // New, or not delivered and not held by a live lease.
          .where(
            ({ status, leaseUntil: lease }, { notExists, ne, lt }) =>
              `${notExists(status)} OR (${ne(status, "DELIVERED")} AND (${ne(status, "SENDING")} OR ${lt(lease, at)}))`,
          )
          .go({ ...RAW_ERRORS, response: "all_new" });
        return { outcome: "claimed", attempts: data?.attempts ?? 1 };
      } catch (error) {
        if (!isRejected(error)) throw error;
        const { data } = await notification.get(key).go({ ...RAW_ERRORS, consistent: true });
        if (!data) throw new Error("The notification vanished between the write and the read");
        const record = toRecord(data);
        return { outcome: record.status === "DELIVERED" ? "delivered" : "in-flight", record };
      }
    });
  }

  delivered(orderId: string, eventId: string, responseStatus: number, at: string): Promise<void> {
    const { notification } = this.#service.entities;
    return guarded("table", "record delivery", async () => {
      await notification
        .patch({ orderId, eventId })
        .set({ status: "DELIVERED", deliveredAt: at, responseStatus })
        .remove(["leaseUntil", "lastError"])
        .go(RAW_ERRORS);
    });
  }

  failed(orderId: string, eventId: string, error: string, at: string, final: boolean): Promise<void> {
    const { notification } = this.#service.entities;
    return guarded("table", "record failed delivery", async () => {
      try {
        await notification
          .patch({ orderId, eventId })
          .set({ status: final ? "FAILED" : "RETRYING", lastError: error.slice(0, 500), lastAttemptAt: at })
          .remove(["leaseUntil"])
          .where(({ status }, { ne }) => ne(status, "DELIVERED"))
          .go(RAW_ERRORS);
      } catch (cause) {
        // Delivered by another attempt meanwhile: that success stands.
        if (!isRejected(cause)) throw cause;
      }
    });
  }

  waiting(
    event: OrderEvent,
    accountId: string,
    until: string,
    at: string,
  ): Promise<"waiting" | "delivered" | "in-flight"> {
    const { notification } = this.#service.entities;
    const key = { orderId: event.orderId, eventId: event.eventId };
    return guarded("table", "record waiting notification", async () => {
      try {
        await notification
          .update(key)
          .set({ type: event.type, accountId, occurredAt: event.occurredAt, status: "WAITING", waitingUntil: until })
          .add({ attempts: 0 })
          .remove(["leaseUntil"])
          // The claim's condition: new, or not delivered and not held by a live lease.
          .where(
            ({ status, leaseUntil: lease }, { notExists, ne, lt }) =>
              `${notExists(status)} OR (${ne(status, "DELIVERED")} AND (${ne(status, "SENDING")} OR ${lt(lease, at)}))`,
          )
          .go(RAW_ERRORS);
        return "waiting";
      } catch (cause) {
        if (!isRejected(cause)) throw cause;
        const { data } = await notification.get(key).go({ ...RAW_ERRORS, consistent: true });
        return data?.status === "DELIVERED" ? "delivered" : "in-flight";
      }
    });
  }

  noWebhook(event: OrderEvent, accountId: string, at: string): Promise<void> {
    const { notification } = this.#service.entities;
    return guarded("table", "record no webhook", async () => {
      try {
        await notification
          .update({ orderId: event.orderId, eventId: event.eventId })
          .set({ type: event.type, accountId, occurredAt: event.occurredAt, status: "NO_WEBHOOK", attempts: 0 })
          .set({ lastAttemptAt: at })
          .where(({ status }, { notExists, eq }) => `${notExists(status)} OR ${eq(status, "NO_WEBHOOK")}`)
          .go(RAW_ERRORS);
      } catch (cause) {
        // A webhook was set meanwhile and an attempt already went out: its record stands.
        if (!isRejected(cause)) throw cause;
      }
    });
  }
}
