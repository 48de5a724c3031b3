import { StockBelowReservedError } from "../domain/errors.ts";
import type { ReservationStatus } from "../domain/fulfilment.ts";
import { bindingOf, type OrdersService, type TableBinding } from "../entities/service.ts";
import type { StockItem } from "../entities/stock.ts";
import type { ReserveResult, StockLedger, StockLevel } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import { markerKey } from "./marker-keys.ts";
import { commitWrite, reserveWrite, sendWrite } from "./table-writes.ts";

/**
 * A reservation marker as stored: its status's initial and the quantity, e.g.
 * `H2` (2 held), `C2` (2 committed), `R0` (released before anything was held).
 * Three bytes, so that a hot sku's item holds about ten thousand of them.
 */
type StoredHold = string;

const STATUS_BY_INITIAL: Record<string, ReservationStatus> = {
  H: "HELD",
  C: "COMMITTED",
  R: "RELEASED",
  X: "RETURNED",
};
const INITIAL_BY_STATUS: Record<ReservationStatus, string> = {
  HELD: "H",
  COMMITTED: "C",
  RELEASED: "R",
  RETURNED: "X",
};

function stored(status: ReservationStatus, quantity: number): StoredHold {
  return `${INITIAL_BY_STATUS[status]}${quantity}`;
}

function parsed(marker: StoredHold): { status: ReservationStatus; quantity: number } {
  const status = STATUS_BY_INITIAL[marker[0] ?? ""];
  if (!status) throw new Error(`Unreadable reservation marker ${marker}`);
  return { status, quantity: Number(marker.slice(1)) };
}

/** A write lost a race with another writer of the same item: read and try again, a few times. */
const RACE_RETRIES = 5;
const rejectedOrRead = { ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old", response: "none" } as const;

function levelOf(item: StockItem): StockLevel {
  return {
    sku: item.sku,
    onHand: item.onHand,
    reserved: item.reserved,
    available: item.available,
    updatedAt: item.updatedAt,
  };
}

function holdIn(
  item: StockItem | null | undefined,
  orderId: string,
): { status: ReservationStatus; quantity: number } | undefined {
  const marker = (item?.holds as Record<string, StoredHold> | undefined)?.[markerKey(orderId)];
  return marker === undefined ? undefined : parsed(marker);
}

/**
 * `StockLedger` over the one table. Each reservation is a marker in the sku's
 * item, set in the same conditional write that moves `reserved` and
 * `available`, so no unit is ever held, sold or returned twice. Reserve and
 * commit, which every order makes, send hand-built writes (`table-writes.ts`);
 * the rest goes through ElectroDB's builder.
 */
export class DynamoStockLedger implements StockLedger {
  readonly #service: OrdersService;
  readonly #table: TableBinding;
  readonly #now: () => string;
  readonly #parse: (item: Record<string, unknown>) => StockItem | null;

  constructor(service: OrdersService, now: () => string = () => new Date().toISOString()) {
    this.#service = service;
    this.#table = bindingOf(service);
    this.#now = now;
    this.#parse = (item) => service.entities.stock.parse({ Item: item })?.data ?? null;
  }

  #read(sku: string): Promise<StockItem | null> {
    return this.#service.entities.stock
      .get({ sku })
      .go({ ...RAW_ERRORS, consistent: true })
      .then((result) => result.data);
  }

  reserve(sku: string, orderId: string, quantity: number): Promise<ReserveResult> {
    const key = markerKey(orderId);
    return guarded("table", "reserve stock", async () => {
      for (let attempt = 0; ; attempt++) {
        const write = reserveWrite(this.#table.table, sku, key, quantity, stored("HELD", quantity), this.#now());
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) return { status: "HELD" };
        const current = result.data ?? (await this.#read(sku));
        if (!current) return { status: "SHORT", available: 0 };
        const existing = holdIn(current, orderId);
        if (existing) return { status: existing.status };
        if (current.available < quantity) return { status: "SHORT", available: Math.max(0, current.available) };
        // The stock seen now fits: another order released units in between. Try again; under contention
        // that never settles, fail the attempt (the queue retries it) rather than report a shortfall that is not.
        if (attempt >= RACE_RETRIES) throw new Error(`${sku}: reserve kept losing races (${RACE_RETRIES + 1} tries)`);
      }
    });
  }

  commit(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const key = markerKey(orderId);
    return guarded("table", "commit stock", async () => {
      const markers = { held: stored("HELD", quantity), committed: stored("COMMITTED", quantity) };
      const write = commitWrite(this.#table.table, sku, key, quantity, markers, this.#now());
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) return "COMMITTED";
      const existing = holdIn(result.data ?? (await this.#read(sku)), orderId);
      if (!existing || existing.status === "HELD") {
        throw new Error(`Order ${orderId} has no HELD reservation of ${quantity} ${sku} to commit`);
      }
      return existing.status;
    });
  }

  release(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const { stock } = this.#service.entities;
    const key = markerKey(orderId);
    return guarded("table", "release stock", async () => {
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const at = this.#now();
        const released = await stock
          .patch({ sku })
          .data((item, op) => {
            op.add(item.available, quantity);
            op.add(item.reserved, -quantity);
            op.set(item.holds[key], stored("RELEASED", quantity));
            op.set(item.updatedAt, at);
          })
          .where((item, op) => op.eq(item.holds[key], stored("HELD", quantity)))
          .go(rejectedOrRead);
        if (!released.rejected) return "RELEASED";
        const current = released.data ?? (await this.#read(sku));
        // No such sku: nothing of it can ever be held.
        if (!current) return "RELEASED";
        const existing = holdIn(current, orderId);
        if (existing && existing.status !== "HELD") return existing.status;
        if (existing) throw new Error(`Order ${orderId} holds ${existing.quantity} ${sku}, not ${quantity}`);
        // Never reserved: leave a RELEASED marker so that a late reserve of this order cannot hold.
        const tombstone = await stock
          .patch({ sku })
          .data((item, op) => {
            op.set(item.holds[key], stored("RELEASED", 0));
          })
          .where((item, op) => op.notExists(item.holds[key]))
          .go(rejectedOrRead);
        if (!tombstone.rejected) return "RELEASED";
      }
      throw new Error(`Could not release ${sku} for order ${orderId}: too many concurrent writers`);
    });
  }

  restock(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const { stock } = this.#service.entities;
    const key = markerKey(orderId);
    return guarded<ReservationStatus>("table", "restock", async () => {
      const at = this.#now();
      const result = await stock
        .patch({ sku })
        .data((item, op) => {
          op.add(item.onHand, quantity);
          op.add(item.available, quantity);
          op.set(item.holds[key], stored("RETURNED", quantity));
          op.set(item.updatedAt, at);
        })
        .where((item, op) => op.eq(item.holds[key], stored("COMMITTED", quantity)))
        .go(rejectedOrRead);
      if (!result.rejected) return "RETURNED";
      const existing = holdIn(result.data ?? (await this.#read(sku)), orderId);
      if (existing?.status !== "RETURNED") {
        throw new Error(`Order ${orderId} has no COMMITTED ${quantity} ${sku} to return`);
      }
      return "RETURNED";
    });
  }

  reservationsOf(
    orderId: string,
    skus: string[],
  ): Promise<Map<string, { quantity: number; status: ReservationStatus }>> {
    const { stock } = this.#service.entities;
    return guarded("table", "read reservations", async () => {
      const found = new Map<string, { quantity: number; status: ReservationStatus }>();
      if (skus.length === 0) return found;
      const { data, unprocessed } = await stock
        .get(skus.map((sku) => ({ sku })))
        .go({ ...RAW_ERRORS, consistent: true });
      if (unprocessed.length > 0) throw new Error(`${unprocessed.length} stock keys were left unprocessed`);
      for (const item of data) {
        const hold = holdIn(item, orderId);
        if (hold) found.set(item.sku, { quantity: hold.quantity, status: hold.status });
      }
      return found;
    });
  }

  all(): Promise<(StockLevel & { heldUnits: number; held: { key: string; quantity: number }[] })[]> {
    return guarded("table", "read all stock", async () => {
      const { data } = await this.#service.entities.stock.scan.go({ ...RAW_ERRORS, pages: "all" });
      return data.map((item) => {
        const held = Object.entries((item.holds ?? {}) as Record<string, StoredHold>)
          .map(([key, marker]) => ({ key, ...parsed(marker) }))
          .filter((hold) => hold.status === "HELD")
          .map(({ key, quantity }) => ({ key, quantity }));
        return { ...levelOf(item), heldUnits: held.reduce((sum, hold) => sum + hold.quantity, 0), held };
      });
    });
  }

  reservationKey(orderId: string): string {
    return markerKey(orderId);
  }

  find(sku: string): Promise<StockLevel | undefined> {
    return guarded("table", "read stock", async () => {
      const item = await this.#read(sku);
      return item ? levelOf(item) : undefined;
    });
  }

  setOnHand(sku: string, onHand: number, at: string): Promise<StockLevel> {
    const { stock } = this.#service.entities;
    return guarded("table", "set stock", async () => {
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const current = await this.#read(sku);
        if (!current) {
          const item = { sku, onHand, reserved: 0, available: onHand, holds: {}, updatedAt: at };
          const created = await stock.create(item).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
          if (!created.rejected) return levelOf(item as StockItem);
          continue;
        }
        if (onHand < current.reserved) {
          throw new StockBelowReservedError(`${sku} has ${current.reserved} reserved: onHand cannot go below that`, {
            details: [{ field: "onHand", code: "below_reserved", message: `at least ${current.reserved}` }],
          });
        }
        // `reserved` unchanged since the read, so `available` below is exact.
        const updated = await stock
          .patch({ sku })
          .set({ onHand, available: onHand - current.reserved, updatedAt: at })
          .where((item, op) => op.eq(item.reserved, current.reserved))
          .go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
        if (!updated.rejected) {
          return { sku, onHand, reserved: current.reserved, available: onHand - current.reserved, updatedAt: at };
        }
      }
      throw new Error(`Could not set the stock of ${sku}: too many concurrent writers`);
    });
  }
}
