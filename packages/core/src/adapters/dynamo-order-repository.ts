import type { OrderRecord } from "../domain/order.ts";
import type { OrdersService } from "../entities/service.ts";
import type { ClaimResult, OrderHistory, OrderRepository } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";

/** Stored items and domain records share their attribute names. */
function toRecord(item: object): OrderRecord {
  return item as OrderRecord;
}

/** `OrderRepository` over the one DynamoDB table, through ElectroDB. */
export class DynamoOrderRepository implements OrderRepository {
  readonly #service: OrdersService;

  constructor(service: OrdersService) {
    this.#service = service;
  }

  claimOriginal(record: OrderRecord): Promise<ClaimResult> {
    const { order } = this.#service.entities;
    return guarded("table", "claim original", async () => {
      const result = await order.create(record).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old" });
      if (!result.rejected) return { outcome: "claimed" };
      // DynamoDB returns the item that blocked the write; an emulator that
      // does not gets one strongly consistent read instead.
      const existing =
        result.data ?? (await order.get({ orderId: record.orderId }).go({ ...RAW_ERRORS, consistent: true })).data;
      if (!existing) throw new Error("The original vanished between the write and the read");
      return { outcome: "exists", existing: toRecord(existing) };
    });
  }

  saveDuplicate(record: OrderRecord): Promise<void> {
    const { orderDuplicate } = this.#service.entities;
    return guarded("table", "save duplicate", async () => {
      // A rejected create means this submission was recorded on an earlier
      // delivery: nothing more to do.
      await orderDuplicate.create(record).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
    });
  }

  findHistory(orderId: string): Promise<OrderHistory | undefined> {
    return guarded("table", "read order", async () => {
      const { data } = await this.#service.collections.orderHistory({ orderId }).go({ ...RAW_ERRORS, pages: "all" });
      const [original] = data.order;
      if (!original) return undefined;
      const duplicates = data.orderDuplicate.map(toRecord).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
      return { original: toRecord(original), duplicates };
    });
  }

  ping(): Promise<void> {
    return guarded("table", "ping", async () => {
      await this.#service.entities.order.get({ orderId: "health:probe" }).go(RAW_ERRORS);
    });
  }
}
