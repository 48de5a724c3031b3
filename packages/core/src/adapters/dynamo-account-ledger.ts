import { AccountNotFoundError } from "../domain/errors.ts";
import type { OrderFailure } from "../domain/fulfilment.ts";
import type { AccountItem } from "../entities/account.ts";
import { bindingOf, type OrdersService, type TableBinding } from "../entities/service.ts";
import type { AccountLedger, AccountState, HoldResult, LedgerEntry, ResolveResult } from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import { markerKey } from "./marker-keys.ts";
import { accountIdsRead, addFundsWrite, holdWrite, postWrite, sendBatchGet, sendWrite } from "./table-writes.ts";

/**
 * A ledger entry as stored, with one-letter names (a merchant's item holds an
 * entry per order it was paid for): `id` transfer id, `k` kind, `a` amount in
 * cents, `s` status, `t` time, `o` order id, `r` the failure a void recorded.
 */
interface StoredEntry {
  id: string;
  k: LedgerEntry["kind"];
  a: number;
  s: LedgerEntry["status"];
  t: string;
  o?: string;
  r?: OrderFailure;
}

function stored(entry: LedgerEntry, reason?: OrderFailure): StoredEntry {
  return {
    id: entry.transferId,
    k: entry.kind,
    a: entry.amountCents,
    s: entry.status,
    t: entry.at,
    ...(entry.orderId ? { o: entry.orderId } : {}),
    ...(reason ? { r: reason } : {}),
  };
}

function ledgerEntry(entry: StoredEntry): LedgerEntry {
  return {
    transferId: entry.id,
    kind: entry.k,
    amountCents: entry.a,
    status: entry.s,
    at: entry.t,
    ...(entry.o ? { orderId: entry.o } : {}),
  };
}

const RACE_RETRIES = 5;
const rejectedOrRead = { ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old", response: "none" } as const;

function entryIn(item: AccountItem | null | undefined, transferId: string): StoredEntry | undefined {
  return (item?.transfers as Record<string, StoredEntry> | undefined)?.[markerKey(transferId)];
}

function resolved(entry: StoredEntry): ResolveResult {
  if (entry.s === "POSTED") return { status: "POSTED" };
  if (entry.s === "VOIDED") return { status: "VOIDED", reason: entry.r, heldCents: entry.a };
  throw new Error(`Transfer ${entry.id} is still HELD`);
}

/**
 * `AccountLedger` over the one table: two-phase transfers in the manner of
 * TigerBeetle. Each transfer is an entry in the account's own item, written by
 * the same conditional write that moves `balance` and `held`, so a transfer id
 * applies once, and a pending transfer resolves once: posted or voided. The
 * writes every order makes (check, hold, post, credit) are hand-built
 * (`table-writes.ts`); the rest goes through ElectroDB's builder.
 */
export class DynamoAccountLedger implements AccountLedger {
  readonly #service: OrdersService;
  readonly #table: TableBinding;
  readonly #parse: (item: Record<string, unknown>) => AccountItem | null;

  constructor(service: OrdersService) {
    this.#service = service;
    this.#table = bindingOf(service);
    this.#parse = (item) => service.entities.account.parse({ Item: item })?.data ?? null;
  }

  #read(accountId: string): Promise<AccountItem | null> {
    return this.#service.entities.account
      .get({ accountId })
      .go({ ...RAW_ERRORS, consistent: true })
      .then((result) => result.data);
  }

  missing(accountIds: string[]): Promise<string[]> {
    return guarded("table", "check accounts", async () => {
      const unique = [...new Set(accountIds)];
      const { items, unprocessed } = await sendBatchGet(this.#table, accountIdsRead(this.#table.table, unique));
      // A key DynamoDB did not get to is not a missing account: fail, and let the retry ask again.
      if (unprocessed > 0) throw new Error(`${unprocessed} account keys were left unprocessed`);
      const found = new Set(items.map((item) => item.accountId));
      return unique.filter((id) => !found.has(id));
    });
  }

  hold(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<HoldResult> {
    const key = markerKey(transferId);
    const entry = stored({ transferId, kind: "DEBIT", amountCents, status: "HELD", at, orderId });
    const write = holdWrite(this.#table.table, accountId, key, amountCents, entry, at);
    return guarded("table", "hold payment", async () => {
      for (let attempt = 0; ; attempt++) {
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) return { status: "HELD" };
        const current = result.data ?? (await this.#read(accountId));
        const existing = entryIn(current, transferId);
        if (existing?.s === "HELD" || existing?.s === "POSTED") return { status: existing.s };
        if (existing) return { status: "VOIDED", reason: existing.r };
        const balance = current?.balance ?? 0;
        // Funds may have arrived since the write: try again while they cover it.
        if (balance < amountCents) return { status: "INSUFFICIENT", available: balance };
        // Funds arrived in between; under contention that never settles, fail the attempt, never the order.
        if (attempt >= RACE_RETRIES)
          throw new Error(`${accountId}: hold kept losing races (${RACE_RETRIES + 1} tries)`);
      }
    });
  }

  post(accountId: string, transferId: string, amountCents: number, at: string): Promise<ResolveResult> {
    const key = markerKey(transferId);
    return guarded("table", "post payment", async () => {
      const write = postWrite(this.#table.table, accountId, key, amountCents, at);
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) return { status: "POSTED" };
      const existing = entryIn(result.data ?? (await this.#read(accountId)), transferId);
      if (!existing) throw new Error(`Transfer ${transferId} has no hold on ${accountId} to post`);
      return resolved(existing);
    });
  }

  void(
    accountId: string,
    transferId: string,
    amountCents: number,
    reason: OrderFailure,
    orderId: string,
    at: string,
  ): Promise<ResolveResult> {
    const { account } = this.#service.entities;
    const key = markerKey(transferId);
    return guarded("table", "void payment", async () => {
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const voided = await account
          .patch({ accountId })
          .data((item, op) => {
            op.add(item.balance, amountCents);
            // ADD of a negative, never `subtract`: see table-writes.ts.
            op.add(item.held, -amountCents);
            op.set(item.transfers[key].s, "VOIDED");
            op.set(item.transfers[key].r, reason);
            op.set(item.updatedAt, at);
          })
          .where(
            (item, op) => `${op.eq(item.transfers[key].s, "HELD")} AND ${op.eq(item.transfers[key].a, amountCents)}`,
          )
          .go(rejectedOrRead);
        if (!voided.rejected) return { status: "VOIDED", reason, heldCents: amountCents };
        const current = voided.data ?? (await this.#read(accountId));
        // No such account: nothing can ever be held on it.
        if (!current) return { status: "VOIDED", reason, heldCents: 0 };
        const existing = entryIn(current, transferId);
        if (existing && existing.s !== "HELD") return resolved(existing);
        if (existing) throw new Error(`Transfer ${transferId} holds ${existing.a}, not ${amountCents}`);
        // Never held: record the void, so that a late hold of this transfer cannot apply.
        const marker = stored({ transferId, kind: "DEBIT", amountCents: 0, status: "VOIDED", at, orderId }, reason);
        const tombstone = await account
          .patch({ accountId })
          .data((item, op) => {
            op.set(item.transfers[key], marker);
          })
          .where((item, op) => op.notExists(item.transfers[key]))
          .go(rejectedOrRead);
        if (!tombstone.rejected) return { status: "VOIDED", reason, heldCents: 0 };
      }
      throw new Error(`Could not void ${transferId} on ${accountId}: too many concurrent writers`);
    });
  }

  debit(
    accountId: string,
    transferId: string,
    amountCents: number,
    orderId: string,
    at: string,
  ): Promise<{ status: "DEBITED" } | { status: "INSUFFICIENT"; available: number }> {
    const { account } = this.#service.entities;
    const key = markerKey(transferId);
    const entry = stored({ transferId, kind: "DEBIT", amountCents, status: "POSTED", at, orderId });
    return guarded("table", "debit", async () => {
      for (let attempt = 0; ; attempt++) {
        const result = await account
          .patch({ accountId })
          .data((item, op) => {
            op.add(item.balance, -amountCents);
            op.set(item.transfers[key], entry);
            op.set(item.updatedAt, at);
          })
          .where((item, op) => `${op.gte(item.balance, amountCents)} AND ${op.notExists(item.transfers[key])}`)
          .go(rejectedOrRead);
        if (!result.rejected) return { status: "DEBITED" };
        const current = result.data ?? (await this.#read(accountId));
        if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
        if (entryIn(current, transferId)) return { status: "DEBITED" };
        if (current.balance < amountCents) return { status: "INSUFFICIENT", available: current.balance };
        if (attempt >= RACE_RETRIES)
          throw new Error(`${accountId}: debit kept losing races (${RACE_RETRIES + 1} tries)`);
      }
    });
  }

  credit(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<void> {
    return this.#addFunds(
      accountId,
      stored({ transferId, kind: "CREDIT", amountCents, status: "POSTED", at, orderId }),
      "credit payee",
    );
  }

  deposit(accountId: string, reference: string, amountCents: number, at: string): Promise<void> {
    const transferId = `deposit:${reference}`;
    const entry = stored({ transferId, kind: "DEPOSIT", amountCents, status: "POSTED", at });
    return this.#addFunds(accountId, entry, "deposit");
  }

  /** Adds a posted entry's amount to the balance, once per transfer id. */
  #addFunds(accountId: string, entry: StoredEntry, action: string): Promise<void> {
    const key = markerKey(entry.id);
    return guarded("table", action, async () => {
      const write = addFundsWrite(this.#table.table, accountId, key, entry.a, entry, entry.t);
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) return;
      const current = result.data ?? (await this.#read(accountId));
      if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
    });
  }

  transfer(accountId: string, transferId: string): Promise<LedgerEntry | undefined> {
    return guarded("table", "read transfer", async () => {
      const entry = entryIn(await this.#read(accountId), transferId);
      return entry ? ledgerEntry(entry) : undefined;
    });
  }

  open(accountId: string, at: string): Promise<boolean> {
    const { account } = this.#service.entities;
    return guarded("table", "open account", async () => {
      const item = { accountId, balance: 0, held: 0, transfers: {}, createdAt: at, updatedAt: at };
      const result = await account.create(item).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
      return !result.rejected;
    });
  }

  all(): Promise<AccountState[]> {
    return guarded("table", "read all accounts", async () => {
      const { data } = await this.#service.entities.account.scan.go({ ...RAW_ERRORS, pages: "all" });
      return data.map(stateOf);
    });
  }

  find(accountId: string): Promise<AccountState | undefined> {
    return guarded("table", "read account", async () => {
      const item = await this.#read(accountId);
      if (!item) return undefined;
      return stateOf(item);
    });
  }
}

function stateOf(item: AccountItem): AccountState {
  const entries = Object.values((item.transfers ?? {}) as Record<string, StoredEntry>)
    .map(ledgerEntry)
    .sort((a, b) => b.at.localeCompare(a.at));
  return {
    accountId: item.accountId,
    balanceCents: item.balance,
    heldCents: item.held,
    entries,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
