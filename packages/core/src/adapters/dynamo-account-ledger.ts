import { depositCents, ledgerTotalCents } from "../domain/consistency.ts";
import { AccountNotFoundError } from "../domain/errors.ts";
import type { OrderFailure } from "../domain/fulfilment.ts";
import type { AccountItem } from "../entities/account.ts";
import type { AccountEntryItem } from "../entities/account-entry.ts";
import type { TableBinding } from "../entities/service.ts";
import type {
  AccountAudit,
  AccountLedger,
  AccountState,
  EntriesPage,
  EntryPosition,
  HoldResult,
  LedgerEntry,
  ResolveResult,
} from "../ports.ts";
import { guarded, RAW_ERRORS } from "./dependency-errors.ts";
import {
  archivedEntry,
  entryIn,
  holdResultOf,
  ledgerEntry,
  resolved,
  type StoredEntry,
  stateOf,
  stored,
} from "./ledger-entries.ts";
import { ACCOUNT_ARCHIVE_AT, ACCOUNT_MARKER_CAP, compactMarkers, MarkerFence } from "./ledger-fence.ts";
import { markerKey } from "./marker-keys.ts";
import { readAccountItem, readEntryItem } from "./stored-items.ts";
import type { TableAccess } from "./table-access.ts";
import {
  accountIdsRead,
  accountKey,
  addFundsWrite,
  entryKey,
  type Fence,
  holdWrite,
  postWrite,
  removeMarkersWrite,
  sendBatchGet,
  sendGet,
  sendWrite,
} from "./table-writes.ts";

/** Tries of a write that lost a race (another writer, or an archiving that moved `gen` or made room). */
const RACE_RETRIES = 8;
const rejectedOrRead = { ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old", response: "none" } as const;
/** A write that settles a marker, or adds a settled one, returns the item after it: is it its turn to archive? */
const settledOrRead = { ...rejectedOrRead, response: "all_new" } as const;

/**
 * `AccountLedger` over the one table: two-phase transfers in the manner of
 * TigerBeetle. Each transfer is a marker in the account's own item, written
 * by the same conditional write that moves `balance` and `held`, so a
 * transfer id applies once, and a pending transfer resolves once: posted or
 * voided. Settled markers are archived as items of their own
 * (`accountEntry`), so the account item stays under 4 KB; every write that
 * adds a marker is fenced against that (`ledger-fence.ts`). The writes every
 * order makes (check, hold, post, credit) are hand-built (`table-writes.ts`),
 * and what they return, the consistent reads and the archive's reads are read
 * back without ElectroDB (stored-items.ts); the rarer writes go through its
 * entities, loaded on first use (`TableAccess`).
 */
export class DynamoAccountLedger implements AccountLedger {
  readonly #access: TableAccess;
  readonly #table: TableBinding;
  readonly #parse: (item: Record<string, unknown>) => AccountItem | null;
  readonly #markers: MarkerFence<AccountItem> = new MarkerFence<AccountItem>({
    cap: ACCOUNT_MARKER_CAP,
    archiveAt: ACCOUNT_ARCHIVE_AT,
    settledOf: (item) =>
      Object.values((item.transfers ?? {}) as Record<string, StoredEntry>).filter((entry) => entry.s !== "HELD").length,
    idOf: (item) => item.accountId,
    genOf: (item) => item.gen,
    markersOf: (item) => item.transfers,
    read: (accountId) => this.#read(accountId),
    compact: (item) => this.#compact(item.accountId, item),
  });

  constructor(table: TableAccess) {
    this.#access = table;
    this.#table = table.binding;
    this.#parse = (item) => readAccountItem(item) as AccountItem | null;
  }

  async #read(accountId: string): Promise<AccountItem | null> {
    const data = (await sendGet(this.#table, accountKey(accountId), readAccountItem)) as AccountItem | null;
    if (data) this.#markers.learn(accountId, data.gen);
    return data;
  }

  /** The transfer's archived entry, if archiving moved it out of the account's item. */
  async #archived(accountId: string, transferId: string): Promise<StoredEntry | undefined> {
    const data = await sendGet(this.#table, entryKey(accountId, transferId), readEntryItem);
    return data ? archivedEntry(data as AccountEntryItem) : undefined;
  }

  /** The marker in the item, or else the archived entry: where a transfer that exists is found. */
  async #find(accountId: string, transferId: string, item?: AccountItem | null): Promise<StoredEntry | undefined> {
    const current = item === undefined ? await this.#read(accountId) : item;
    const marker = entryIn(current, transferId);
    // An item never archived has nothing in the archive.
    if (marker || !current || (current.gen ?? 0) === 0) return marker;
    return this.#archived(accountId, transferId);
  }

  /** The fence for a write that adds a marker; after a look in the archive when the item was ever archived. */
  async #fence(accountId: string, transferId: string): Promise<{ fence: Fence; archived?: StoredEntry }> {
    const fence = this.#markers.fence(accountId);
    const archived = fence.gen > 0 ? await this.#archived(accountId, transferId) : undefined;
    return { fence, ...(archived ? { archived } : {}) };
  }

  /** Archives settled entries of the item (see `compactMarkers`); how many it removed. */
  #compact(accountId: string, current: AccountItem): Promise<number> {
    const gen = current.gen ?? 0;
    return compactMarkers<StoredEntry>({
      markers: (current.transfers ?? {}) as Record<string, StoredEntry>,
      gen,
      settled: (entry) => entry.s !== "HELD",
      archive: async (markers) => {
        const { accountEntry } = await this.#access.entities();
        let items = markers.map(([, entry]) => {
          const { orderId, ...rest } = ledgerEntry(entry);
          return {
            accountId,
            ...rest,
            ...(orderId ? { orderId } : {}),
            ...(entry.r ? { reason: entry.r } : {}),
          };
        });
        for (let attempt = 0; items.length > 0; attempt++) {
          if (attempt > RACE_RETRIES) throw new Error(`${accountId}: the archive kept leaving entries unprocessed`);
          const { unprocessed } = await accountEntry.put(items).go(RAW_ERRORS);
          const left = new Set(unprocessed.map((key) => key.transferId));
          items = items.filter((item) => left.has(item.transferId));
        }
      },
      remove: async (markers, from) => {
        const keys = markers.map(([key]) => key);
        const entries = markers.map(([, entry]) => ledgerEntry(entry));
        // What the archived entries add up to moves into the item with their removal, once: the audit checks
        // the item against its archive without reading it (see audit-ledgers.ts).
        const sums = { archivedNet: ledgerTotalCents(entries), archivedDeposits: depositCents(entries) };
        const write = removeMarkersWrite(this.#table.table, accountKey(accountId), "transfers", keys, from, sums);
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) this.#markers.learn(accountId, from + 1);
        return !result.rejected;
      },
    });
  }

  missing(accountIds: string[]): Promise<string[]> {
    return guarded("table", "check accounts", async () => {
      const unique = [...new Set(accountIds)];
      const { items, unprocessed } = await sendBatchGet(this.#table, accountIdsRead(this.#table.table, unique));
      // A key DynamoDB did not get to is not a missing account: fail, and let the retry ask again.
      if (unprocessed > 0) throw new Error(`${unprocessed} account keys were left unprocessed`);
      // The saga holds and credits next: what it read of each account's archive generation warms the fence.
      for (const item of items) this.#markers.learn(String(item.accountId), item.gen as number | undefined);
      const found = new Set(items.map((item) => item.accountId));
      return unique.filter((id) => !found.has(id));
    });
  }

  hold(accountId: string, transferId: string, amountCents: number, orderId: string, at: string): Promise<HoldResult> {
    const key = markerKey(transferId);
    const entry = stored({ transferId, kind: "DEBIT", amountCents, status: "HELD", at, orderId });
    return guarded("table", "hold payment", async () => {
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const { fence, archived } = await this.#fence(accountId, transferId);
        if (archived) return holdResultOf(archived);
        const write = holdWrite(this.#table.table, accountId, key, amountCents, entry, at, fence);
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) {
          this.#markers.learnFrom(result.data);
          return { status: "HELD" };
        }
        const current = result.data ?? (await this.#read(accountId));
        if (!current) return { status: "INSUFFICIENT", available: 0 };
        const existing = entryIn(current, transferId);
        if (existing) return holdResultOf(existing);
        if (this.#markers.genMoved(current, fence)) continue;
        if (current.balance < amountCents) return { status: "INSUFFICIENT", available: current.balance };
        // Funds arrived in between, or the item was full: try again. Under contention that never
        // settles, fail the attempt (the queue retries it), never the order.
        await this.#markers.makeRoom(current, attempt);
      }
      throw new Error(`${accountId}: hold kept losing races (${RACE_RETRIES + 1} tries)`);
    });
  }

  post(accountId: string, transferId: string, amountCents: number, at: string): Promise<ResolveResult> {
    const key = markerKey(transferId);
    return guarded("table", "post payment", async () => {
      const write = postWrite(this.#table.table, accountId, key, amountCents, at);
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) {
        await this.#markers.archiveIfDue(result.data);
        return { status: "POSTED" };
      }
      const existing = await this.#find(accountId, transferId, result.data ?? undefined);
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
    const key = markerKey(transferId);
    return guarded("table", "void payment", async () => {
      const { account } = await this.#access.entities();
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
          .go(settledOrRead);
        if (!voided.rejected) {
          await this.#markers.archiveIfDue(voided.data);
          return { status: "VOIDED", reason, heldCents: amountCents };
        }
        const current = voided.data ?? (await this.#read(accountId));
        // No such account: nothing can ever be held on it.
        if (!current) return { status: "VOIDED", reason, heldCents: 0 };
        const existing = entryIn(current, transferId);
        if (existing && existing.s !== "HELD") return resolved(existing);
        if (existing) throw new Error(`Transfer ${transferId} holds ${existing.a}, not ${amountCents}`);
        // Never held, or archived: record the void, so that a late hold of this transfer cannot apply.
        const { fence, archived } = await this.#fence(accountId, transferId);
        if (archived) return resolved(archived);
        const marker = stored({ transferId, kind: "DEBIT", amountCents: 0, status: "VOIDED", at, orderId }, reason);
        const tombstone = await account
          .patch({ accountId })
          .data((item, op) => {
            op.set(item.transfers[key], marker);
          })
          .where(
            (item, op) =>
              `${op.notExists(item.transfers[key])} AND ${fence.gen === 0 ? op.notExists(item.gen) : op.eq(item.gen, fence.gen)} AND ${op.size(item.transfers)} < ${op.value(item.transfers, fence.cap)}`,
          )
          .go(settledOrRead);
        if (!tombstone.rejected) {
          await this.#markers.archiveIfDue(tombstone.data);
          return { status: "VOIDED", reason, heldCents: 0 };
        }
        const after = tombstone.data ?? (await this.#read(accountId));
        if (after && !entryIn(after, transferId) && !this.#markers.genMoved(after, fence)) {
          await this.#markers.makeRoom(after, attempt);
        }
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
    const key = markerKey(transferId);
    const entry = stored({ transferId, kind: "DEBIT", amountCents, status: "POSTED", at, orderId });
    return guarded("table", "debit", async () => {
      const { account } = await this.#access.entities();
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const { fence, archived } = await this.#fence(accountId, transferId);
        if (archived) return { status: "DEBITED" };
        const result = await account
          .patch({ accountId })
          .data((item, op) => {
            op.add(item.balance, -amountCents);
            op.set(item.transfers[key], entry);
            op.set(item.updatedAt, at);
          })
          .where(
            (item, op) =>
              `${op.gte(item.balance, amountCents)} AND ${op.notExists(item.transfers[key])} AND ${fence.gen === 0 ? op.notExists(item.gen) : op.eq(item.gen, fence.gen)} AND ${op.size(item.transfers)} < ${op.value(item.transfers, fence.cap)}`,
          )
          .go(settledOrRead);
        if (!result.rejected) {
          await this.#markers.archiveIfDue(result.data);
          return { status: "DEBITED" };
        }
        const current = result.data ?? (await this.#read(accountId));
        if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
        if (entryIn(current, transferId)) return { status: "DEBITED" };
        if (this.#markers.genMoved(current, fence)) continue;
        if (current.balance < amountCents) return { status: "INSUFFICIENT", available: current.balance };
        await this.#markers.makeRoom(current, attempt);
      }
      throw new Error(`${accountId}: debit kept losing races (${RACE_RETRIES + 1} tries)`);
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
      for (let attempt = 0; attempt <= RACE_RETRIES; attempt++) {
        const { fence, archived } = await this.#fence(accountId, entry.id);
        if (archived) return;
        const write = addFundsWrite(this.#table.table, accountId, key, entry.a, entry, entry.t, fence);
        const result = await sendWrite(this.#table, write, this.#parse);
        if (!result.rejected) return this.#markers.archiveIfDue(result.data);
        const current = result.data ?? (await this.#read(accountId));
        if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
        if (entryIn(current, entry.id)) return;
        if (!this.#markers.genMoved(current, fence)) await this.#markers.makeRoom(current, attempt);
      }
      throw new Error(`${accountId}: ${action} kept losing races (${RACE_RETRIES + 1} tries)`);
    });
  }

  transfer(accountId: string, transferId: string): Promise<LedgerEntry | undefined> {
    return guarded("table", "read transfer", async () => {
      const entry = await this.#find(accountId, transferId);
      return entry ? ledgerEntry(entry) : undefined;
    });
  }

  open(accountId: string, at: string): Promise<boolean> {
    return guarded("table", "open account", async () => {
      const { account } = await this.#access.entities();
      const item = { accountId, balance: 0, held: 0, transfers: {}, createdAt: at, updatedAt: at };
      const result = await account.create(item).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
      return !result.rejected;
    });
  }

  auditView(since?: string): Promise<AccountAudit[]> {
    return guarded("table", "read accounts for the audit", async () => {
      const { account } = await this.#access.entities();
      const { data } = await account.scan.go({ ...RAW_ERRORS, pages: "all" });
      const views: AccountAudit[] = [];
      // Eight accounts' archives at a time; an account with nothing archived has no archive to read.
      for (let i = 0; i < data.length; i += 8) {
        await Promise.all(
          data.slice(i, i + 8).map((item) => this.#auditOne(item, since).then((view) => views.push(view))),
        );
      }
      return views;
    });
  }

  /**
   * One account for the audit. The item is read before its archive: an entry
   * archived since is in both, and counts as in the item, whose sums do not
   * include it yet.
   */
  async #auditOne(item: AccountItem, since: string | undefined): Promise<AccountAudit> {
    const { accountEntry } = await this.#access.entities();
    const byAccount = accountEntry.query.byAccount({ accountId: item.accountId });
    const archived =
      (item.gen ?? 0) === 0
        ? []
        : (await (since ? byAccount.gte({ at: since }) : byAccount).go({ ...RAW_ERRORS, pages: "all" })).data;
    const current = Object.values((item.transfers ?? {}) as Record<string, StoredEntry>);
    const inItem = new Set(current.map((entry) => entry.id));
    return {
      accountId: item.accountId,
      balanceCents: item.balance,
      heldCents: item.held,
      archivedNetCents: item.archivedNet ?? 0,
      archivedDepositCents: item.archivedDeposits ?? 0,
      current: current.map(ledgerEntry),
      recent: archived
        .map(archivedEntry)
        .filter((entry) => !inItem.has(entry.id))
        .map(ledgerEntry),
    };
  }

  find(accountId: string): Promise<AccountState | undefined> {
    return guarded("table", "read account", async () => {
      const item = await this.#read(accountId);
      if (!item) return undefined;
      const { entries } = await this.#page(item, LATEST_ENTRIES);
      return { ...stateOf(item, []), entries };
    });
  }

  entries(accountId: string, limit: number, after?: EntryPosition): Promise<EntriesPage> {
    return guarded("table", "read entries", async () => {
      const item = await this.#read(accountId);
      return item ? this.#page(item, limit, after) : { entries: [] };
    });
  }

  /**
   * A page of an account's entries, newest first, after a position: the
   * item's markers (recent and pending) merged with its archived entries.
   * Positions are (at, transfer id), which never change, so an entry archived
   * between two pages is still listed once.
   */
  async #page(item: AccountItem, limit: number, after?: EntryPosition): Promise<EntriesPage> {
    const archived = await this.#archivePage(item.accountId, limit, after);
    const before = (entry: LedgerEntry) =>
      !after || entry.at < after.at || (entry.at === after.at && entry.transferId < after.transferId);
    const merged = stateOf(item, archived.entries).entries.filter(before);
    const entries = merged.slice(0, limit);
    const last = entries.at(-1);
    const more = merged.length > limit || archived.full;
    return { entries, ...(more && last ? { next: { at: last.at, transferId: last.transferId } } : {}) };
  }

  /** Archived entries of one account, newest first, `limit` of them after `after`. */
  async #archivePage(
    accountId: string,
    limit: number,
    after?: EntryPosition,
  ): Promise<{ entries: StoredEntry[]; full: boolean }> {
    const { accountEntry } = await this.#access.entities();
    const query = accountEntry.query.byAccount({ accountId });
    const ranged = after ? query.lt({ at: after.at, transferId: after.transferId }) : query;
    const { data } = await ranged.go({ ...RAW_ERRORS, order: "desc", limit, pages: 1 });
    return { entries: data.map(archivedEntry), full: data.length === limit };
  }
}

/** How many entries `find` returns: the account view's latest. */
const LATEST_ENTRIES = 10;
