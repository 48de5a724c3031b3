import { createHash } from "node:crypto";
import { type DuplicateOutcome, type DuplicateRecord, MAX_STORED_DUPLICATES } from "../domain/duplicates.ts";
import type { SagaLogEntry } from "../domain/fulfilment.ts";
import type { Cancellation, OrderRecord, OrderResolution } from "../domain/order.ts";
import type { ListingPosition } from "../domain/order-listing.ts";
import { hoursOf, type OrderSearch, receivedHourOf } from "../domain/order-search.ts";
import type { TableBinding } from "../entities/service.ts";
import type { AccountOrdersQuery, ClaimResult, OrderHistory, OrderRepository } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import { DynamoOrderReader, toRecord } from "./dynamo-order-reader.ts";
import { readOrderItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";
import { claimWrite, orderKey, resolveWrite, sendGet, sendWrite } from "./table-writes.ts";

/** Index entries read per step when a status filter skips some. */
const FILTERED_STEP = 25;
/** At most this many orders are read back to fill one filtered page; then it ends short, with a cursor. */
const MAX_EXAMINED = 200;

/**
 * How many index partitions hold the PENDING originals: entities/order.ts's
 * `SWEEP_SHARDS`, which this module does not import (it would load ElectroDB);
 * test/unit/adapters/stored-items.test.ts checks they agree.
 */
export const SWEEP_SHARDS = 8;

/** Which index partition of PENDING originals holds this order: a stable hash of its id. */
export function sweepShardOf(orderId: string): number {
  return createHash("sha256").update(orderId).digest().readUInt32BE(0) % SWEEP_SHARDS;
}

/**
 * `OrderRepository` over the one DynamoDB table, through ElectroDB. The claim
 * and the resolve, which every order makes, send hand-built writes
 * (`table-writes.ts`), and read what they return without it
 * (`stored-items.ts`), so that the processor's init need not load ElectroDB:
 * the rest reaches the entities through `TableAccess` when it runs.
 */
export class DynamoOrderRepository implements OrderRepository {
  readonly #access: TableAccess;
  readonly #table: TableBinding;
  readonly #parse: (item: Record<string, unknown>) => OrderRecord | null;
  readonly #reader: DynamoOrderReader;

  constructor(table: TableAccess) {
    this.#access = table;
    this.#table = table.binding;
    this.#reader = new DynamoOrderReader(this.#table);
    this.#parse = (item) => {
      const parsed = readOrderItem(item);
      return parsed ? toRecord(parsed) : null;
    };
  }

  /** The original, read strongly consistent (ElectroDB's `order.get().go({ consistent: true })`). */
  #readConsistent(orderId: string): Promise<OrderRecord | null> {
    return sendGet(this.#table, orderKey(orderId), this.#parse);
  }

  findOriginal(orderId: string): Promise<OrderRecord | undefined> {
    return this.#reader.findOriginal(orderId);
  }

  claimOriginal(record: OrderRecord): Promise<ClaimResult> {
    return guarded("table", "claim original", async () => {
      const item = { ...record, sweepShard: sweepShardOf(record.orderId) };
      const result = await sendWrite(this.#table, claimWrite(this.#table.table, item), this.#parse);
      if (!result.rejected) return { outcome: "claimed" };
      // DynamoDB returns the item that blocked the write; an emulator that
      // does not gets one strongly consistent read instead.
      const existing = result.data ?? (await this.#readConsistent(record.orderId));
      if (!existing) throw new Error("The original vanished between the write and the read");
      return { outcome: "exists", existing: toRecord(existing) };
    });
  }

  /**
   * No transaction (dynalite has none), so each step is one conditional write
   * that a redelivery can repeat:
   * 1. Admit: add the submission id to the original's `duplicateIds` if it is
   *    there already or the set holds fewer than MAX_STORED_DUPLICATES. Adding
   *    an id twice is a no-op, so a redelivery (even one that crashed before
   *    step 2) is admitted again; the set, and so the records, stay capped.
   * 2. Admitted: create the record; rejected means an earlier delivery did.
   * 3. Refused (the set is full without it): create the submission's marker
   *    in its own partition; only the delivery whose create succeeds adds 1 to
   *    `duplicatesNotStored`, so a redelivery never counts twice. A crash
   *    between the marker and the count leaves that one uncounted: the count
   *    may fall short (the markers are the full list), never over.
   */
  saveDuplicate(record: DuplicateRecord): Promise<DuplicateOutcome> {
    const { orderId, submissionId } = record;
    return guarded("table", "save duplicate", async () => {
      const { order, orderDuplicate, duplicateMarker } = await this.#access.entities();
      // ElectroDB types a value by its attribute (a set here); the cap compared with size() is a number.
      const cap = MAX_STORED_DUPLICATES as unknown as string[];
      const admitted = await order
        .patch({ orderId })
        .add({ duplicateIds: [submissionId] })
        .where(
          (item, op) =>
            `(${op.contains(item.duplicateIds, submissionId)} OR ${op.notExists(item.duplicateIds)} OR ${op.size(item.duplicateIds)} < ${op.value(item.duplicateIds, cap)})`,
        )
        .go({ ...RAW_ERRORS, response: "none", returnOnConditionCheckFailure: true });
      if (!admitted.rejected) {
        const created = await orderDuplicate.create(record).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
        return created.rejected ? "already" : "stored";
      }
      const marked = await duplicateMarker
        .create({ duplicateOf: orderId, submissionId, receivedAt: record.receivedAt })
        .go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
      if (marked.rejected) return "already";
      await order
        .patch({ orderId })
        .add({ duplicatesNotStored: 1 })
        .go({ ...RAW_ERRORS, response: "none" });
      return "counted";
    });
  }

  findHistory(orderId: string): Promise<OrderHistory | undefined> {
    return this.#reader.findHistory(orderId);
  }

  resolve(
    record: OrderRecord,
    resolution: OrderResolution,
    from: "PENDING" | "CANCELLING" = "PENDING",
  ): Promise<OrderRecord> {
    return guarded("table", "resolve order", async () => {
      const { saga, failure, payment, ...fields } = resolution;
      // The order leaves the sparse PENDING index in this same write.
      const write = resolveWrite(this.#table.table, record, resolution, sweepShardOf(record.orderId), from);
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) {
        return { ...record, ...fields, failure, payment, saga: [...(record.saga ?? []), ...saga] };
      }
      // Another run finished first: its end stands.
      const existing = result.data ?? (await this.#readConsistent(record.orderId));
      if (!existing) throw new Error(`Order ${record.orderId} vanished`);
      return toRecord(existing);
    });
  }

  markCancelling(record: OrderRecord, cancellation: Cancellation): Promise<OrderRecord> {
    return guarded("table", "mark order cancelling", async () => {
      const { order } = await this.#access.entities();
      const result = await order
        .patch({ orderId: record.orderId })
        .set({
          status: "CANCELLING",
          cancellation,
          receivedAt: record.receivedAt,
          sweepShard: sweepShardOf(record.orderId),
          // The listing indexes share `receivedAt`: ElectroDB sets their keys again (unchanged).
          fromAccount: record.fromAccount,
          toAccount: record.toAccount,
        })
        .where((item, op) => `${op.eq(item.status, "PENDING")} OR ${op.eq(item.status, "CONFIRMED")}`)
        .go({ ...RAW_ERRORS, response: "all_new", returnOnConditionCheckFailure: "all_old" });
      const current =
        (result.rejected ? result.data : result.data) ??
        (await order.get({ orderId: record.orderId }).go({ ...RAW_ERRORS, consistent: true })).data;
      if (!current) throw new Error(`Order ${record.orderId} vanished`);
      return toRecord(current);
    });
  }

  appendSagaLog(orderId: string, entries: SagaLogEntry[]): Promise<void> {
    return guarded("table", "append saga log", async () => {
      const { order } = await this.#access.entities();
      await order
        .patch({ orderId })
        .append({ saga: entries })
        .where((item, op) => `${op.eq(item.status, "PENDING")} OR ${op.eq(item.status, "CANCELLING")}`)
        .go({ ...RAW_ERRORS, response: "none", returnOnConditionCheckFailure: true });
    });
  }

  findPending(receivedBefore: string, limit: number): Promise<OrderRecord[]> {
    return guarded("table", "find pending orders", async () => {
      const { order } = await this.#access.entities();
      const shards = Array.from({ length: SWEEP_SHARDS }, (_, sweepShard) => sweepShard);
      const pages = await Promise.all(
        shards.map((sweepShard) =>
          order.query
            .pendingByAge({ sweepShard })
            .lt({ receivedAt: receivedBefore })
            .go({ ...RAW_ERRORS, limit }),
        ),
      );
      return pages
        .flatMap((page) => page.data.map(toRecord))
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
        .slice(0, limit);
    });
  }

  listByAccount(query: AccountOrdersQuery): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    return guarded("table", "list account orders", () => this.#listByAccount(query));
  }

  /**
   * Reads the account's listing index (keys only) newest first, below the
   * position, and the items of each page by key (ElectroDB's `hydrate`: one
   * BatchGetItem). A status filter is applied to the items, so it may take
   * several index pages to fill one page, up to MAX_EXAMINED orders; then
   * the page ends short, with a position to go on from.
   */
  async #listByAccount(query: AccountOrdersQuery): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    const { order } = await this.#access.entities();
    const orders: OrderRecord[] = [];
    let position = query.after;
    let examined = 0;
    for (;;) {
      const room = query.limit - orders.length;
      // One more than fits tells whether anything follows; with a filter, read in larger steps.
      const step = room === 0 ? 1 : query.status ? Math.max(room + 1, FILTERED_STEP) : room + 1;
      // Never past the cap: the last read takes only what is left of it.
      const want = Math.max(1, Math.min(step, MAX_EXAMINED - examined));
      const index =
        query.role === "payer"
          ? order.query.byPayer({ fromAccount: query.accountId })
          : order.query.byPayee({ toAccount: query.accountId });
      const below = position ? index.lt({ receivedAt: position.receivedAt, orderId: position.orderId }) : index;
      const page = await below.go({ ...RAW_ERRORS, order: "desc", limit: want, hydrate: true });
      const { data, cursor } = page;
      // ElectroDB returns the keys its batch read left out (its types omit them): each would be a gap in the
      // listing, so the page fails instead, and the caller retries.
      const unprocessed = (page as { unprocessed?: unknown[] }).unprocessed ?? [];
      if (unprocessed.length) throw new Error(`${unprocessed.length} listed orders could not be read back`);
      for (const item of data) {
        if (orders.length === query.limit) return { orders, next: position };
        const record = toRecord(item);
        position = { receivedAt: record.receivedAt, orderId: record.orderId };
        examined += 1;
        if (!query.status || record.status === query.status) orders.push(record);
      }
      if (!cursor) return { orders };
      if (examined >= MAX_EXAMINED && orders.length < query.limit) return { orders, next: position };
    }
  }

  search(query: OrderSearch): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    return guarded("table", "search orders", () => this.#search(query));
  }

  /**
   * Reads `byReceivedHour` (keys only) hour by hour, newest first, from the
   * window's end (or below the position) down to its start, and each page's
   * items by key, as `#listByAccount` does: a status filter may take several
   * index pages to fill a page, up to MAX_EXAMINED orders, and then the page
   * ends short with a position to go on from. An empty hour costs one query.
   */
  async #search(query: OrderSearch): Promise<{ orders: OrderRecord[]; next?: ListingPosition }> {
    const { order } = await this.#access.entities();
    const orders: OrderRecord[] = [];
    let position = query.after;
    let examined = 0;
    for (const receivedHour of hoursOf(query.from, query.to)) {
      // Hours newer than the position were read by an earlier page.
      if (position && receivedHour > receivedHourOf(position.receivedAt)) continue;
      for (;;) {
        const room = query.limit - orders.length;
        const step = room === 0 ? 1 : query.status ? Math.max(room + 1, FILTERED_STEP) : room + 1;
        const want = Math.max(1, Math.min(step, MAX_EXAMINED - examined));
        const index = order.query.byReceivedHour({ receivedHour });
        const below =
          position && receivedHourOf(position.receivedAt) === receivedHour
            ? index.lt({ receivedAt: position.receivedAt, orderId: position.orderId })
            : index.lt({ receivedAt: query.to });
        const page = await below.go({ ...RAW_ERRORS, order: "desc", limit: want, hydrate: true });
        const unprocessed = (page as { unprocessed?: unknown[] }).unprocessed ?? [];
        if (unprocessed.length) throw new Error(`${unprocessed.length} found orders could not be read back`);
        for (const item of page.data) {
          const record = toRecord(item);
          // Older than the window: so is everything after it.
          if (record.receivedAt < query.from) return { orders };
          if (orders.length === query.limit) return { orders, next: position };
          position = { receivedAt: record.receivedAt, orderId: record.orderId };
          examined += 1;
          if (!query.status || record.status === query.status) orders.push(record);
        }
        if (!page.cursor) break;
        if (examined >= MAX_EXAMINED && orders.length < query.limit) return { orders, next: position };
      }
    }
    return { orders };
  }

  ping(): Promise<void> {
    return guarded("table", "ping", async () => {
      const { order } = await this.#access.entities();
      await order.get({ orderId: "health:probe" }).go(RAW_ERRORS);
    });
  }
}
