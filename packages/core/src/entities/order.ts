import { receivedHourOf } from "../domain/order-search.ts";
import { isListedAccount } from "../domain/validation.ts";
import { globalIndexKeys, orderHistoryKeys } from "./index-keys.ts";
import { orderRecordAttributes } from "./order-record-attributes.ts";
import type { SchemaItem } from "./prevalidated-entity.ts";

/**
 * The original record of an order id. Its sort key has no submission id, so a
 * conditional create on it lets exactly one submission become the original.
 */
export const orderSchema = {
  model: { entity: "order", version: "1", service: "orders" },
  attributes: {
    ...orderRecordAttributes,
    /**
     * The submission ids of the duplicates kept as records: at most
     * MAX_STORED_DUPLICATES (20 × 36 bytes), the admission that caps them
     * (DynamoOrderRepository.saveDuplicate).
     */
    duplicateIds: { type: "set", items: "string" },
    /** Duplicates past the cap, counted once each (each has a `duplicateMarker`). */
    duplicatesNotStored: { type: "number" },
    /**
     * `receivedAt` to the hour (`2026-12-05T20`, 13 bytes): the `byReceivedHour`
     * partition. Derived, so set again (the same) whenever `receivedAt` is.
     */
    receivedHour: {
      type: "string",
      watch: ["receivedAt"],
      set: (_: unknown, item: { receivedAt?: string }) =>
        item.receivedAt ? receivedHourOf(item.receivedAt) : undefined,
    },
  },
  indexes: {
    byOrderId: orderHistoryKeys([]),
    /**
     * Sparse: only PENDING originals are in it, so SagaSweeper reads exactly the
     * sagas still running, oldest first. Spread over SWEEP_SHARDS partitions so
     * that no one index partition takes every order's two index writes.
     */
    pendingByAge: {
      ...globalIndexKeys("gsi1", ["sweepShard"], ["receivedAt"]),
      condition: (attributes: Record<string, unknown>) => attributes.status === "PENDING",
    },
    /**
     * An account's orders as payer (`GET /accounts/{id}/orders`), newest first
     * by querying it descending; the order id in the sort key breaks ties of
     * `receivedAt`, so that a position in the listing is exact. Sparse: only an
     * original with a well-formed `fromAccount`. Keys only: the listing reads
     * the page's items back by key, so that no update of the order (a status,
     * a saga log) ever rewrites its index entry; the keys never change.
     */
    byPayer: {
      ...globalIndexKeys("gsi2", ["fromAccount"], ["receivedAt", "orderId"]),
      projection: "keys_only",
      condition: (attributes: Record<string, unknown>) => isListedAccount(attributes.fromAccount),
    },
    /** The same for the account paid (`?role=payee`): an original with a well-formed `toAccount`. */
    byPayee: {
      ...globalIndexKeys("gsi3", ["toAccount"], ["receivedAt", "orderId"]),
      projection: "keys_only",
      condition: (attributes: Record<string, unknown>) => isListedAccount(attributes.toAccount),
    },
    /**
     * Every original by the hour it was received, newest first by querying it
     * descending (`GET /admin/orders`, the operators' search by status and
     * time). Keys only, like the listings: the key never changes, so no update
     * of the order rewrites its entry. An hour's orders share a partition,
     * whose index writes (one per order, under 1 KB: one write unit) are the
     * order rate: within a partition's 1,000 a second at many times the
     * submit throttle (50 a second).
     */
    byReceivedHour: {
      ...globalIndexKeys("gsi4", ["receivedHour"], ["receivedAt", "orderId"]),
      projection: "keys_only",
    },
  },
} as const;

/** How many index partitions hold the PENDING originals. */
export const SWEEP_SHARDS = 8;

/** A stored item, as ElectroDB returns it. (Type only: no entity is built at import.) */
export type OrderItem = SchemaItem<typeof orderSchema>;
