import { StockBelowReservedError } from "../domain/errors.ts";
import type { ReservationStatus } from "../domain/fulfilment.ts";
import type { TableBinding } from "../entities/service.ts";
import type { StockItem } from "../entities/stock.ts";
import type { ReserveResult, StockLedger, StockLevel } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import { compactMarkers, MarkerFence, STOCK_ARCHIVE_AT, STOCK_MARKER_CAP } from "./ledger-fence.ts";
import { markerKey } from "./marker-keys.ts";
import { readReservationItem, readStockItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";
import {
  commitWrite,
  type Fence,
  removeMarkersWrite,
  reservationKey,
  reserveWrite,
  sendGet,
  sendWrite,
  stockKey,
} from "./table-writes.ts";

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

/** A write lost a race (another writer, or an archiving that moved `gen` or made room): read and try again. */
const RACE_RETRIES = 8;
const rejectedOrRead = { ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old", response: "none" } as const;
/** A write that settles a marker, or adds a settled one, returns the item after it: is it its turn to archive? */
const settledOrRead = { ...rejectedOrRead, response: "all_new" } as const;

function levelOf(item: StockItem): StockLevel {
  return {
    sku: item.sku,
    onHand: item.onHand,
    reserved: item.reserved,
    available: item.available,
    updatedAt: item.updatedAt,
  };
}

type Hold = { status: ReservationStatus; quantity: number };

function markerIn(item: StockItem | null | undefined, key: string): Hold | undefined {
  const marker = (item?.holds as Record<string, StoredHold> | undefined)?.[key];
  return marker === undefined ? undefined : parsed(marker);
}

/**
 * Where a cancelled order's returned units are marked: a marker of its own,
 * `X<quantity>`, apart from the reservation's, so that a committed
 * reservation is settled and may be archived.
 */
const returnKey = (orderId: string) => markerKey(`return:${orderId}`);

/**
 * `StockLedger` over the one table. Each reservation is a marker in the sku's
 * item, set in the same conditional write that moves `reserved` and
 * `available`, so no unit is ever held, sold or returned twice. Settled
 * markers are archived as items of their own (`stockReservation`), so the
 * item stays under 4 KB; every write that adds a marker is fenced against
 * that (`ledger-fence.ts`). Reserve and commit, which every order makes, send
 * hand-built writes (`table-writes.ts`), and what they return and the
 * consistent and archive reads are read back without ElectroDB
 * (stored-items.ts); the rarer writes go through its entities, loaded on
 * first use (`TableAccess`).
 */
export class DynamoStockLedger implements StockLedger {
  readonly #access: TableAccess;
  readonly #table: TableBinding;
  readonly #now: () => string;
  readonly #parse: (item: Record<string, unknown>) => StockItem | null;
  readonly #markers: MarkerFence<StockItem> = new MarkerFence<StockItem>({
    cap: STOCK_MARKER_CAP,
    archiveAt: STOCK_ARCHIVE_AT,
    settledOf: (item) =>
      Object.values((item.holds ?? {}) as Record<string, StoredHold>).filter((marker) => !marker.startsWith("H"))
        .length,
    idOf: (item) => item.sku,
    genOf: (item) => item.gen,
    markersOf: (item) => item.holds,
    read: (sku) => this.#read(sku),
    compact: (item) => this.#compact(item),
  });

  constructor(table: TableAccess, now: () => string = () => new Date().toISOString()) {
    this.#access = table;
    this.#table = table.binding;
    this.#now = now;
    this.#parse = (item) => readStockItem(item) as StockItem | null;
  }

  async #read(sku: string): Promise<StockItem | null> {
    const data = (await sendGet(this.#table, stockKey(sku), readStockItem)) as StockItem | null;
    if (data) this.#markers.learn(sku, data.gen);
    return data;
  }

  /** A marker archiving moved out of the sku's item. */
  async #archived(sku: string, key: string): Promise<Hold | undefined> {
    const data = await sendGet(this.#table, reservationKey(sku, key), readReservationItem);
    return data ? parsed(data.marker as StoredHold) : undefined;
  }

  /** The marker in the item, or else in the archive when the item was ever archived. */
  async #markerOf(item: StockItem, key: string): Promise<Hold | undefined> {
    return markerIn(item, key) ?? ((item.gen ?? 0) > 0 ? await this.#archived(item.sku, key) : undefined);
  }

  /** The fence for a write that adds a marker; after a look in the archive when the item was ever archived. */
  async #fence(sku: string, key: string): Promise<{ fence: Fence; archived?: Hold }> {
    const fence = this.#markers.fence(sku);
    const archived = fence.gen > 0 ? await this.#archived(sku, key) : undefined;
    return { fence, ...(archived ? { archived } : {}) };
  }

  /** Archives settled markers of the item (see `compactMarkers`); how many it removed. */
  #compact(current: StockItem): Promise<number> {
    const { sku } = current;
    return compactMarkers<StoredHold>({
      markers: (current.holds ?? {}) as Record<string, StoredHold>,
      gen: current.gen ?? 0,
      settled: (marker) => parsed(marker).status !== "HELD",
      archive: async (markers) => {
        const { stockReservation } = await this.#access.entities();
        const archivedAt = this.#now();
        let items = markers.map(([key, marker]) => ({ sku, markerKey: key, marker, archivedAt }));
        for (let attempt = 0; items.length > 0; attempt++) {
          if (attempt > RACE_RETRIES) throw new Error(`${sku}: the archive kept leaving reservations unprocessed`);
          const { unprocessed } = await stockReservation.put(items).go(RAW_ERRORS);
          const left = new Set(unprocessed.map((key) => key.markerKey));
          items = items.filter((item) => left.has(item.markerKey));
        }
      },
      remove: async (markers, from) => {
        const keys = markers.map(([key]) => key);
        const write = removeMarkersWrite(this.#table.table, stockKey(sku), "holds", keys, from);
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) this.#markers.learn(sku, from + 1);
        return !result.rejected;
      },
    });
  }

  reserve(sku: string, orderId: string, quantity: number): Promise<ReserveResult> {
    const key = markerKey(orderId);
    return guarded("table", "reserve stock", async () => {
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const { fence, archived } = await this.#fence(sku, key);
        if (archived) return { status: archived.status };
        const write = reserveWrite(this.#table.table, sku, key, quantity, stored("HELD", quantity), this.#now(), fence);
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) {
          this.#markers.learnFrom(result.data);
          return { status: "HELD" };
        }
        const current = result.data ?? (await this.#read(sku));
        if (!current) return { status: "SHORT", available: 0 };
        const existing = markerIn(current, key);
        if (existing) return { status: existing.status };
        if (this.#markers.genMoved(current, fence)) continue;
        if (current.available < quantity) return { status: "SHORT", available: Math.max(0, current.available) };
        // The stock fits now (another order released units), or the item was full: try again. Under
        // contention that never settles, fail the attempt (the queue retries it), never report a
        // shortfall that is not.
        await this.#markers.makeRoom(current, attempt);
      }
      throw new Error(`${sku}: reserve kept losing races (${RACE_RETRIES + 1} tries)`);
    });
  }

  commit(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const key = markerKey(orderId);
    return guarded("table", "commit stock", async () => {
      const markers = { held: stored("HELD", quantity), committed: stored("COMMITTED", quantity) };
      const write = commitWrite(this.#table.table, sku, key, quantity, markers, this.#now());
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) {
        await this.#markers.archiveIfDue(result.data);
        return "COMMITTED";
      }
      const current = result.data ?? (await this.#read(sku));
      const existing = current ? await this.#markerOf(current, key) : undefined;
      if (!existing || existing.status === "HELD") {
        throw new Error(`Order ${orderId} has no HELD reservation of ${quantity} ${sku} to commit`);
      }
      return existing.status;
    });
  }

  release(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const key = markerKey(orderId);
    return guarded("table", "release stock", async () => {
      const { stock } = await this.#access.entities();
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
          .go(settledOrRead);
        if (!released.rejected) {
          await this.#markers.archiveIfDue(released.data);
          return "RELEASED";
        }
        const current = released.data ?? (await this.#read(sku));
        // No such sku: nothing of it can ever be held.
        if (!current) return "RELEASED";
        const existing = markerIn(current, key);
        if (existing && existing.status !== "HELD") return existing.status;
        if (existing) throw new Error(`Order ${orderId} holds ${existing.quantity} ${sku}, not ${quantity}`);
        // Never reserved, or archived: leave a RELEASED marker so that a late reserve of this order cannot hold.
        const { fence, archived } = await this.#fence(sku, key);
        if (archived) return archived.status;
        const tombstone = await stock
          .patch({ sku })
          .data((item, op) => {
            op.set(item.holds[key], stored("RELEASED", 0));
          })
          .where(
            (item, op) =>
              `${op.notExists(item.holds[key])} AND ${fence.gen === 0 ? op.notExists(item.gen) : op.eq(item.gen, fence.gen)} AND ${op.size(item.holds)} < ${op.value(item.holds, fence.cap)}`,
          )
          .go(settledOrRead);
        if (!tombstone.rejected) {
          await this.#markers.archiveIfDue(tombstone.data);
          return "RELEASED";
        }
        const after = tombstone.data ?? (await this.#read(sku));
        if (after && !markerIn(after, key) && !this.#markers.genMoved(after, fence))
          await this.#markers.makeRoom(after, attempt);
      }
      throw new Error(`Could not release ${sku} for order ${orderId}: too many concurrent writers`);
    });
  }

  restock(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const key = markerKey(orderId);
    const returned = returnKey(orderId);
    return guarded<ReservationStatus>("table", "restock", async () => {
      const { stock } = await this.#access.entities();
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        // The read comes first: its `gen` fences the write below (see ledger-fence.ts).
        const current = await this.#read(sku);
        const sold = current ? await this.#markerOf(current, key) : undefined;
        // A return marked apart, or (before returns were) on the reservation itself.
        if (sold?.status === "RETURNED" || (current && (await this.#markerOf(current, returned)))) return "RETURNED";
        if (!current || sold?.status !== "COMMITTED" || sold.quantity !== quantity) {
          throw new Error(`Order ${orderId} has no COMMITTED ${quantity} ${sku} to return`);
        }
        const gen = current.gen ?? 0;
        const at = this.#now();
        const result = await stock
          .patch({ sku })
          .data((item, op) => {
            op.add(item.onHand, quantity);
            op.add(item.available, quantity);
            op.set(item.holds[returned], stored("RETURNED", quantity));
            op.set(item.updatedAt, at);
          })
          .where(
            (item, op) =>
              `${op.notExists(item.holds[returned])} AND ${gen === 0 ? op.notExists(item.gen) : op.eq(item.gen, gen)} AND ${op.size(item.holds)} < ${op.value(item.holds, STOCK_MARKER_CAP)}`,
          )
          .go(settledOrRead);
        if (!result.rejected) {
          await this.#markers.archiveIfDue(result.data);
          return "RETURNED";
        }
        const after = result.data ?? (await this.#read(sku));
        if (after && markerIn(after, returned)) return "RETURNED";
        if (after && (after.gen ?? 0) === gen) await this.#markers.makeRoom(after, attempt);
      }
      throw new Error(`Could not return ${quantity} ${sku} for order ${orderId}: too many concurrent writers`);
    });
  }

  reservationsOf(
    orderId: string,
    skus: string[],
  ): Promise<Map<string, { quantity: number; status: ReservationStatus }>> {
    const key = markerKey(orderId);
    const returned = returnKey(orderId);
    return guarded("table", "read reservations", async () => {
      const { stock } = await this.#access.entities();
      const found = new Map<string, { quantity: number; status: ReservationStatus }>();
      if (skus.length === 0) return found;
      const { data, unprocessed } = await stock
        .get(skus.map((sku) => ({ sku })))
        .go({ ...RAW_ERRORS, consistent: true });
      if (unprocessed.length > 0) throw new Error(`${unprocessed.length} stock keys were left unprocessed`);
      await Promise.all(
        data.map(async (item) => {
          const [hold, back] = await Promise.all([this.#markerOf(item, key), this.#markerOf(item, returned)]);
          if (back) found.set(item.sku, { quantity: back.quantity, status: "RETURNED" });
          else if (hold) found.set(item.sku, { quantity: hold.quantity, status: hold.status });
        }),
      );
      return found;
    });
  }

  all(): Promise<(StockLevel & { heldUnits: number; held: { key: string; quantity: number }[] })[]> {
    return guarded("table", "read all stock", async () => {
      const { stock } = await this.#access.entities();
      const { data } = await stock.scan.go({ ...RAW_ERRORS, pages: "all" });
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
    return guarded("table", "set stock", async () => {
      const { stock } = await this.#access.entities();
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
