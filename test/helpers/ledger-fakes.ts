import { AccountNotFoundError, StockBelowReservedError } from "@orders/core/domain/errors";
import type { OrderFailure, ReservationStatus } from "@orders/core/domain/fulfilment";
import type {
  AccountAudit,
  AccountLedger,
  AccountState,
  EntriesPage,
  EntryPosition,
  HoldResult,
  LedgerEntry,
  ReserveResult,
  ResolveResult,
  StockLedger,
  StockLevel,
} from "@orders/core/ports";

interface FakeStock {
  onHand: number;
  reserved: number;
  holds: Map<string, { quantity: number; status: ReservationStatus }>;
  updatedAt: string;
}

/**
 * An in-memory `StockLedger` with the adapter's semantics: one marker per
 * (sku, order), set together with the counters; a release with no marker
 * leaves a RELEASED one. `writes` counts the conditional writes that applied.
 */
export class InMemoryStockLedger implements StockLedger {
  readonly items = new Map<string, FakeStock>();
  writes = 0;

  stock(sku: string, onHand: number): this {
    this.items.set(sku, { onHand, reserved: 0, holds: new Map(), updatedAt: "2026-01-01T00:00:00.000Z" });
    return this;
  }

  async reserve(sku: string, orderId: string, quantity: number): Promise<ReserveResult> {
    const item = this.items.get(sku);
    if (!item) return { status: "SHORT", available: 0 };
    const existing = item.holds.get(orderId);
    if (existing) return { status: existing.status };
    const available = item.onHand - item.reserved;
    if (available < quantity) return { status: "SHORT", available };
    item.reserved += quantity;
    item.holds.set(orderId, { quantity, status: "HELD" });
    this.writes += 1;
    return { status: "HELD" };
  }

  async commit(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const hold = this.items.get(sku)?.holds.get(orderId);
    const item = this.items.get(sku);
    if (!item || !hold) throw new Error(`no reservation of ${sku} for ${orderId}`);
    if (hold.status !== "HELD") return hold.status;
    return this.#settle(hold, quantity, "COMMITTED", () => {
      item.onHand -= quantity;
      item.reserved -= quantity;
    });
  }

  async release(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const item = this.items.get(sku);
    if (!item) return "RELEASED";
    const hold = item.holds.get(orderId);
    if (!hold) {
      item.holds.set(orderId, { quantity: 0, status: "RELEASED" });
      this.writes += 1;
      return "RELEASED";
    }
    if (hold.status !== "HELD") return hold.status;
    return this.#settle(hold, quantity, "RELEASED", () => {
      item.reserved -= quantity;
    });
  }

  async restock(sku: string, orderId: string, quantity: number): Promise<ReservationStatus> {
    const item = this.items.get(sku);
    const hold = item?.holds.get(orderId);
    if (!item || !hold || (hold.status !== "COMMITTED" && hold.status !== "RETURNED")) {
      throw new Error(`no sold ${sku} for ${orderId}`);
    }
    if (hold.status === "RETURNED") return "RETURNED";
    return this.#settle(hold, quantity, "RETURNED", () => {
      item.onHand += quantity;
    });
  }

  /** Moves a hold of exactly `quantity` on to `status` in one write, with the counters `move` changes. */
  #settle(
    hold: { quantity: number; status: ReservationStatus },
    quantity: number,
    status: ReservationStatus,
    move: () => void,
  ): ReservationStatus {
    if (hold.quantity !== quantity) throw new Error("quantity mismatch");
    move();
    hold.status = status;
    this.writes += 1;
    return status;
  }

  async reservationsOf(orderId: string, skus: string[]) {
    const found = new Map<string, { quantity: number; status: ReservationStatus }>();
    for (const sku of skus) {
      const hold = this.items.get(sku)?.holds.get(orderId);
      if (hold) found.set(sku, { ...hold });
    }
    return found;
  }

  async find(sku: string): Promise<StockLevel | undefined> {
    const item = this.items.get(sku);
    if (!item) return undefined;
    return {
      sku,
      onHand: item.onHand,
      reserved: item.reserved,
      available: item.onHand - item.reserved,
      updatedAt: item.updatedAt,
    };
  }

  async all() {
    return Promise.all(
      [...this.items.entries()].map(async ([sku, item]) => {
        const held = [...item.holds.entries()]
          .filter(([, h]) => h.status === "HELD")
          .map(([orderId, h]) => ({ key: this.reservationKey(orderId), quantity: h.quantity }));
        return {
          ...((await this.find(sku)) as StockLevel),
          heldUnits: held.reduce((n, h) => n + h.quantity, 0),
          held,
        };
      }),
    );
  }

  reservationKey(orderId: string): string {
    return `order:${orderId}`;
  }

  async setOnHand(sku: string, onHand: number, at: string): Promise<StockLevel> {
    const item = this.items.get(sku);
    if (item && onHand < item.reserved) throw new StockBelowReservedError("below reserved");
    if (item) {
      item.onHand = onHand;
      item.updatedAt = at;
    } else {
      this.items.set(sku, { onHand, reserved: 0, holds: new Map(), updatedAt: at });
    }
    return (await this.find(sku)) as StockLevel;
  }
}

type FakeEntry = LedgerEntry & { reason?: OrderFailure };

interface FakeAccount {
  balance: number;
  held: number;
  transfers: Map<string, FakeEntry>;
  createdAt: string;
}

/** An in-memory `AccountLedger` with the adapter's two-phase semantics. */
export class InMemoryAccountLedger implements AccountLedger {
  readonly accounts = new Map<string, FakeAccount>();
  writes = 0;

  fund(accountId: string, cents: number): this {
    this.accounts.set(accountId, {
      balance: cents,
      held: 0,
      transfers: new Map(),
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    return this;
  }

  async missing(accountIds: string[]): Promise<string[]> {
    return [...new Set(accountIds)].filter((id) => !this.accounts.has(id));
  }

  async hold(
    accountId: string,
    transferId: string,
    amountCents: number,
    orderId: string,
    at: string,
  ): Promise<HoldResult> {
    const account = this.accounts.get(accountId);
    const existing = account?.transfers.get(transferId);
    if (existing?.status === "VOIDED") return { status: "VOIDED", reason: existing.reason };
    if (existing) return { status: existing.status };
    if (!account || account.balance < amountCents) return { status: "INSUFFICIENT", available: account?.balance ?? 0 };
    account.balance -= amountCents;
    account.held += amountCents;
    account.transfers.set(transferId, { transferId, kind: "DEBIT", amountCents, status: "HELD", at, orderId });
    this.writes += 1;
    return { status: "HELD" };
  }

  #resolved(entry: FakeEntry): ResolveResult {
    return entry.status === "POSTED"
      ? { status: "POSTED" }
      : { status: "VOIDED", reason: entry.reason, heldCents: entry.amountCents };
  }

  async post(accountId: string, transferId: string, amountCents: number): Promise<ResolveResult> {
    const account = this.accounts.get(accountId);
    const entry = account?.transfers.get(transferId);
    if (!account || !entry) throw new Error(`no hold ${transferId}`);
    if (entry.status !== "HELD") return this.#resolved(entry);
    account.held -= amountCents;
    entry.status = "POSTED";
    this.writes += 1;
    return { status: "POSTED" };
  }

  async void(
    accountId: string,
    transferId: string,
    amountCents: number,
    reason: OrderFailure,
    orderId: string,
    at: string,
  ): Promise<ResolveResult> {
    const account = this.accounts.get(accountId);
    if (!account) return { status: "VOIDED", reason, heldCents: 0 };
    const entry = account.transfers.get(transferId);
    if (!entry) {
      account.transfers.set(transferId, {
        transferId,
        kind: "DEBIT",
        amountCents: 0,
        status: "VOIDED",
        at,
        orderId,
        reason,
      });
      this.writes += 1;
      return { status: "VOIDED", reason, heldCents: 0 };
    }
    if (entry.status !== "HELD") return this.#resolved(entry);
    account.balance += amountCents;
    account.held -= amountCents;
    entry.status = "VOIDED";
    entry.reason = reason;
    this.writes += 1;
    return { status: "VOIDED", reason, heldCents: amountCents };
  }

  async debit(accountId: string, transferId: string, amountCents: number, orderId: string, at: string) {
    const account = this.accounts.get(accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    if (account.transfers.has(transferId)) return { status: "DEBITED" as const };
    if (account.balance < amountCents) return { status: "INSUFFICIENT" as const, available: account.balance };
    account.balance -= amountCents;
    account.transfers.set(transferId, { transferId, kind: "DEBIT", amountCents, status: "POSTED", at, orderId });
    this.writes += 1;
    return { status: "DEBITED" as const };
  }

  async credit(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    if (account.transfers.has(transferId)) return;
    account.balance += amountCents;
    account.transfers.set(transferId, { transferId, kind: "CREDIT", amountCents, status: "POSTED", at, orderId });
    this.writes += 1;
  }

  async transfer(accountId: string, transferId: string): Promise<LedgerEntry | undefined> {
    return this.accounts.get(accountId)?.transfers.get(transferId);
  }

  async open(accountId: string, at: string): Promise<boolean> {
    if (this.accounts.has(accountId)) return false;
    this.accounts.set(accountId, { balance: 0, held: 0, transfers: new Map(), createdAt: at });
    return true;
  }

  async deposit(accountId: string, reference: string, amountCents: number, at: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    const transferId = `deposit:${reference}`;
    if (account.transfers.has(transferId)) return;
    account.balance += amountCents;
    account.transfers.set(transferId, { transferId, kind: "DEPOSIT", amountCents, status: "POSTED", at });
  }

  /** The account with its whole ledger, newest first (by time, then transfer id, as the adapter lists). */
  #state(accountId: string): AccountState | undefined {
    const account = this.accounts.get(accountId);
    if (!account) return undefined;
    return {
      accountId,
      balanceCents: account.balance,
      heldCents: account.held,
      entries: [...account.transfers.values()]
        .map(({ reason: _reason, ...entry }) => entry)
        .sort((a, b) => b.at.localeCompare(a.at) || b.transferId.localeCompare(a.transferId)),
      createdAt: account.createdAt,
      updatedAt: account.createdAt,
    };
  }

  async find(accountId: string): Promise<AccountState | undefined> {
    const state = this.#state(accountId);
    return state && { ...state, entries: state.entries.slice(0, 10) };
  }

  async entries(accountId: string, limit: number, after?: EntryPosition): Promise<EntriesPage> {
    const all = (this.#state(accountId)?.entries ?? []).filter(
      (entry) => !after || entry.at < after.at || (entry.at === after.at && entry.transferId < after.transferId),
    );
    const entries = all.slice(0, limit);
    const last = entries.at(-1);
    return { entries, ...(all.length > limit && last ? { next: { at: last.at, transferId: last.transferId } } : {}) };
  }

  /** Nothing is ever archived here: every entry is current. */
  async auditView(): Promise<AccountAudit[]> {
    return [...this.accounts.keys()].map((id) => {
      const state = this.#state(id) as AccountState;
      return {
        accountId: id,
        balanceCents: state.balanceCents,
        heldCents: state.heldCents,
        archivedNetCents: 0,
        archivedDepositCents: 0,
        current: state.entries,
        recent: [],
      };
    });
  }

  /** Σ balance + held over every account, in cents. */
  total(): number {
    return [...this.accounts.values()].reduce((sum, account) => sum + account.balance + account.held, 0);
  }
}
