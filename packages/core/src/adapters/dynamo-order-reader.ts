import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DuplicateRecord } from "../domain/duplicates.ts";
import type { NotificationRecord } from "../domain/notification.ts";
import type { OrderRecord } from "../domain/order.ts";
import type { TableBinding } from "../entities/service.ts";
import type { OrderHistory, OrderReader } from "../ports.ts";
import { guarded } from "./dependency-errors.ts";
import { queryHistory } from "./history-query.ts";
import { readDuplicateItem, readItems, readNotificationItem, readOrderItem } from "./stored-items.ts";
import { orderKey } from "./table-writes.ts";

export type StoredOriginal = OrderRecord & {
  sweepShard?: number;
  duplicateIds?: string[];
  duplicatesNotStored?: number;
  receivedHour?: string;
};

/** Stored items and domain records share their attribute names; the index keys' parts and the duplicate tally are the table's. */
export function toRecord(item: object): OrderRecord {
  const {
    sweepShard: _shard,
    duplicateIds: _ids,
    duplicatesNotStored: _count,
    receivedHour: _hour,
    ...record
  } = item as StoredOriginal;
  return record as OrderRecord;
}

/** A duplicate's record; those written before the cap kept the payload instead of its hash. */
export function toDuplicate(
  item: Pick<DuplicateRecord, "orderId" | "submissionId" | "channel" | "valid" | "receivedAt" | "processedAt"> &
    Partial<Pick<DuplicateRecord, "submittedBy" | "sameAsOriginal" | "payloadHash">>,
): DuplicateRecord {
  const { orderId, submissionId, channel, submittedBy, valid, receivedAt, processedAt } = item;
  const duplicate: DuplicateRecord = {
    orderId,
    submissionId,
    channel,
    ...(submittedBy ? { submittedBy } : {}),
    isDuplicate: true,
    status: "DUPLICATE",
    valid,
    sameAsOriginal: item.sameAsOriginal ?? false,
    payloadHash: item.payloadHash ?? "",
    receivedAt,
    processedAt,
  };
  return duplicate;
}

/**
 * `OrderReader` over the one DynamoDB table, with plain DocumentClient
 * commands: the very GetItem and Query ElectroDB sends for
 * `order.get({ orderId })` and the `orderHistory` collection, and the items
 * read back as its entities read them (`stored-items.ts`).
 *
 * Why not ElectroDB: GET /orders/{id} and the Notifier make these reads on
 * every request and nothing else of ElectroDB on their way; importing it and
 * building the entities was about a third of their init. The writes, and the
 * rarer reads, stay with `DynamoOrderRepository`, which reads through this.
 */
export class DynamoOrderReader implements OrderReader {
  readonly #table: TableBinding;

  constructor(table: TableBinding) {
    this.#table = table;
  }

  findOriginal(orderId: string): Promise<OrderRecord | undefined> {
    const { table, client } = this.#table;
    return guarded("table", "read original", async () => {
      const { Item } = await client.send(new GetCommand({ Key: orderKey(orderId), TableName: table }));
      const item = Item ? readOrderItem(Item) : null;
      return item ? toRecord(item) : undefined;
    });
  }

  findHistory(orderId: string): Promise<OrderHistory | undefined> {
    return guarded("table", "read order", async () => {
      const items = await queryHistory(this.#table, orderId);
      const [original] = readItems(items, readOrderItem);
      if (!original) return undefined;
      const duplicates = readItems(items, readDuplicateItem)
        .map((item) => toDuplicate(item as Parameters<typeof toDuplicate>[0]))
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      const notifications = (readItems(items, readNotificationItem) as unknown as NotificationRecord[]).sort((a, b) =>
        a.occurredAt.localeCompare(b.occurredAt),
      );
      const duplicatesNotStored = (original as { duplicatesNotStored?: number }).duplicatesNotStored ?? 0;
      return { original: toRecord(original), duplicates, duplicatesNotStored, notifications };
    });
  }
}
