import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { NotificationRecord } from "../domain/notification.ts";
import type { OrderEvent } from "../domain/order-events.ts";
import type { NotificationClaim, NotificationLog } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import {
  claimNotificationWrite,
  deliveredWrite,
  failedWrite,
  notificationKey,
  noWebhookWrite,
  waitingWrite,
} from "./notification-writes.ts";
import { readNotificationItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";

const isRejected = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** Stored items and domain records share their attribute names. */
const toRecord = (item: object) => item as NotificationRecord;

/**
 * `NotificationLog` in the one table: one item per (order, event), beside the
 * order. Each write is one conditional UpdateItem, so two deliveries of the
 * same event (SNS and SQS both deliver at least once) cannot both send.
 * Every write and read is a plain command, as ElectroDB sends it
 * (`notification-writes.ts`), so that the Notifier does not load ElectroDB.
 */
export class DynamoNotificationLog implements NotificationLog {
  readonly #table: Pick<TableAccess, "binding">;

  constructor(table: Pick<TableAccess, "binding">) {
    this.#table = table;
  }

  /** The delivery's record as stored, read strongly consistent, or undefined. */
  async #read(orderId: string, eventId: string): Promise<NotificationRecord | undefined> {
    const { client, table } = this.#table.binding;
    const { Item } = await client.send(
      new GetCommand({ Key: notificationKey(orderId, eventId), TableName: table, ConsistentRead: true }),
    );
    const data = Item ? readNotificationItem(Item) : null;
    return data ? toRecord(data) : undefined;
  }

  claim(event: OrderEvent, accountId: string, at: string, leaseUntil: string): Promise<NotificationClaim> {
    const { client, table } = this.#table.binding;
    return guarded("table", "claim notification", async () => {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand(claimNotificationWrite(table, event, accountId, at, leaseUntil)),
        );
        const attempts = Attributes ? readNotificationItem(Attributes)?.attempts : undefined;
        return { outcome: "claimed", attempts: (attempts as number | undefined) ?? 1 };
      } catch (error) {
        if (!isRejected(error)) throw error;
        const record = await this.#read(event.orderId, event.eventId);
        if (!record) throw new Error("The notification vanished between the write and the read");
        return { outcome: record.status === "DELIVERED" ? "delivered" : "in-flight", record };
      }
    });
  }

  delivered(orderId: string, eventId: string, responseStatus: number, at: string): Promise<void> {
    const { client, table } = this.#table.binding;
    return guarded("table", "record delivery", async () => {
      await client.send(new UpdateCommand(deliveredWrite(table, orderId, eventId, responseStatus, at)));
    });
  }

  failed(orderId: string, eventId: string, error: string, at: string, final: boolean): Promise<void> {
    const { client, table } = this.#table.binding;
    const write = failedWrite(table, orderId, eventId, final ? "FAILED" : "RETRYING", error.slice(0, 500), at);
    return guarded("table", "record failed delivery", async () => {
      try {
        await client.send(new UpdateCommand(write));
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
    const { client, table } = this.#table.binding;
    return guarded("table", "record waiting notification", async () => {
      try {
        // The claim's condition: new, or not delivered and not held by a live lease.
        await client.send(new UpdateCommand(waitingWrite(table, event, accountId, until, at)));
        return "waiting";
      } catch (cause) {
        if (!isRejected(cause)) throw cause;
        const record = await this.#read(event.orderId, event.eventId);
        return record?.status === "DELIVERED" ? "delivered" : "in-flight";
      }
    });
  }

  noWebhook(event: OrderEvent, accountId: string, at: string): Promise<void> {
    const { client, table } = this.#table.binding;
    return guarded("table", "record no webhook", async () => {
      try {
        await client.send(new UpdateCommand(noWebhookWrite(table, event, accountId, at)));
      } catch (cause) {
        // A webhook was set meanwhile and an attempt already went out: its record stands.
        if (!isRejected(cause)) throw cause;
      }
    });
  }
}
