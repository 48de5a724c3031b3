import { depositCents, ledgerTotalCents } from "../domain/consistency.ts";
import { AccountNotFoundError } from "../domain/errors.ts";
import type { OrderFailure } from "../domain/fulfilment.ts";
import type { AccountItem } from "../entities/account.ts";
import type { AccountEntryItem } from "../entities/account-entry.ts";
import { bindingOf, type OrdersService, type TableBinding } from "../entities/service.ts";
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
  ACCOUNT_MARKER_CAP,
  archiveAt,
  compactMarkers,
  Generations,
  markerCount,
  waitForRoom,
} from "./ledger-fence.ts";
import { markerKey } from "./marker-keys.ts";
import {
  accountIdsRead,
  accountKey,
  addFundsWrite,
  type Fence,
  holdWrite,
  postWrite,
  removeMarkersWrite,
  sendBatchGet,
  sendWrite,
} from "./table-writes.ts";

/**
 * A ledger entry as stored in its account's item, with one-letter names, kept
 * short so that the item stays small (`ledger-fence.ts`): `id` transfer id,
 * `k` kind, `a` amount in cents, `s` status, `t` time, `o` order id (only
 * when the transfer id does not name it: an order's payment is
 * `order:{id}`, its refund `refund:{id}`), `r` the failure a void recorded:
 * its code, and its message cut to `REASON_MESSAGE_CHARS` (the details stay
 * with the run that decided, which writes them on the order).
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

const REASON_MESSAGE_CHARS = 80;

/** The order a transfer id names (`order:{id}`, `refund:{id}`), if it names one. */
function namedOrder(transferId: string): string | undefined {
  return /^(?:order|refund):(.+)$/.exec(transferId)?.[1];
}

function stored(entry: LedgerEntry, reason?: OrderFailure): StoredEntry {
  return {
    id: entry.transferId,
    k: entry.kind,
    a: entry.amountCents,
    s: entry.status,
    t: entry.at,
    ...(entry.orderId && entry.orderId !== namedOrder(entry.transferId) ? { o: entry.orderId } : {}),
    ...(reason ? { r: { code: reason.code, message: reason.message.slice(0, REASON_MESSAGE_CHARS) } } : {}),
  };
}

function ledgerEntry(entry: StoredEntry): LedgerEntry {
  const orderId = entry.o ?? namedOrder(entry.id);
  return {
    transferId: entry.id,
    kind: entry.k,
    amountCents: entry.a,
    status: entry.s,
    at: entry.t,
    ...(orderId ? { orderId } : {}),
  };
}

/** Tries of a write that lost a race (another writer, or an archiving that moved `gen` or made room). */
const RACE_RETRIES = 8;
const rejectedOrRead = { ...RAW_ERRORS, returnOnConditionCheckFailure: "all_old", response: "none" } as const;

function entryIn(item: AccountItem | null | undefined, transferId: string): StoredEntry | undefined {
  return (item?.transfers as Record<string, StoredEntry> | undefined)?.[markerKey(transferId)];
}

function archivedEntry(item: AccountEntryItem): StoredEntry {
  return {
    id: item.transferId,
    k: item.kind,
    a: item.amountCents,
    s: item.status,
    t: item.at,
    ...(item.orderId ? { o: item.orderId } : {}),
    ...(item.reason ? { r: item.reason as OrderFailure } : {}),
  };
}

function resolved(entry: StoredEntry): ResolveResult {
  if (entry.s === "POSTED") return { status: "POSTED" };
  if (entry.s === "VOIDED") return { status: "VOIDED", reason: entry.r, heldCents: entry.a };
  throw new Error(`Transfer ${entry.id} is still HELD`);
}

/** A transfer's settled status as a hold reports it. */
function holdResultOf(entry: StoredEntry): HoldResult {
  if (entry.s === "HELD" || entry.s === "POSTED") return { status: entry.s };
  return { status: "VOIDED", reason: entry.r };
}

/** Newest first, then by transfer id: the order every listing of entries uses. */
const newestFirst = (a: LedgerEntry, b: LedgerEntry) =>
  b.at.localeCompare(a.at) || b.transferId.localeCompare(a.transferId);

/**
 * `AccountLedger` over the one table: two-phase transfers in the manner of
 * TigerBeetle. Each transfer is a marker in the account's own item, written
 * by the same conditional write that moves `balance` and `held`, so a
 * transfer id applies once, and a pending transfer resolves once: posted or
 * voided. Settled markers are archived as items of their own
 * (`accountEntry`), so the account item stays under 4 KB; every write that
 * adds a marker is fenced against that (`ledger-fence.ts`). The writes every
 * order makes (check, hold, post, credit) are hand-built (`table-writes.ts`);
 * the rest goes through ElectroDB's builder.
 */
export class DynamoAccountLedger implements AccountLedger {
  readonly #service: OrdersService;
  readonly #table: TableBinding;
  readonly #parse: (item: Record<string, unknown>) => AccountItem | null;
  readonly #gens = new Generations();

  constructor(service: OrdersService) {
    this.#service = service;
    this.#table = bindingOf(service);
    this.#parse = (item) => service.entities.account.parse({ Item: item })?.data ?? null;
  }

  async #read(accountId: string): Promise<AccountItem | null> {
    const { data } = await this.#service.entities.account.get({ accountId }).go({ ...RAW_ERRORS, consistent: true });
    if (data) this.#gens.learn(accountId, data.gen);
    return data;
  }

  /** The transfer's archived entry, if archiving moved it out of the account's item. */
  async #archived(accountId: string, transferId: string): Promise<StoredEntry | undefined> {
    const { data } = await this.#service.entities.accountEntry
      .get({ accountId, transferId })
      .go({ ...RAW_ERRORS, consistent: true });
    return data ? archivedEntry(data) : undefined;
  }

  /** The marker in the item, or else the archived entry: where a transfer that exists is found. */
  async #find(accountId: string, transferId: string, item?: AccountItem | null): Promise<StoredEntry | undefined> {
    const current = item === undefined ? await this.#read(accountId) : item;
    return entryIn(current, transferId) ?? (await this.#archived(accountId, transferId));
  }

  /** The fence for a write that adds a marker; after a look in the archive when the item was ever archived. */
  async #fence(accountId: string, transferId: string): Promise<{ fence: Fence; archived?: StoredEntry }> {
    const gen = this.#gens.get(accountId);
    const archived = gen > 0 ? await this.#archived(accountId, transferId) : undefined;
    return { fence: { gen, cap: ACCOUNT_MARKER_CAP }, ...(archived ? { archived } : {}) };
  }

  /**
   * After a write that adds a marker was refused and the marker is not in the
   * item: true when the item's `gen` moved since the fence's look in the
   * archive. The writer must then look again before it reads anything else
   * into the refusal (the transfer may have been archived, settled).
   */
  #genMoved(accountId: string, current: AccountItem, fence: Fence): boolean {
    if ((current.gen ?? 0) === fence.gen) return false;
    this.#gens.learn(accountId, current.gen);
    return true;
  }

  /**
   * A full item: archive its settled entries until it is under the cap (one
   * from before archiving may hold thousands); if none is settled, wait a
   * little for its holds to settle.
   */
  async #makeRoom(accountId: string, current: AccountItem, attempt: number): Promise<void> {
    let item: AccountItem | null = current;
    while (item && markerCount(item.transfers) >= ACCOUNT_MARKER_CAP) {
      if ((await this.#compact(accountId, item)) === 0) return waitForRoom(attempt);
      item = await this.#read(accountId);
    }
  }

  /** After a write that added a marker: the one whose marker reached `archiveAt` archives (see ledger-fence.ts). */
  async #archiveIfDue(accountId: string, after: AccountItem | null): Promise<void> {
    if (!after) return;
    this.#gens.learn(accountId, after.gen);
    if (markerCount(after.transfers) !== archiveAt(ACCOUNT_MARKER_CAP)) return;
    // The effect is applied: a failed archiving only leaves it to the next writer that finds the item full.
    await this.#compact(accountId, after).catch(() => 0);
  }

  /** Archives settled entries of the item (see `compactMarkers`); how many it removed. */
  #compact(accountId: string, current: AccountItem): Promise<number> {
    const { accountEntry } = this.#service.entities;
    const gen = current.gen ?? 0;
    return compactMarkers<StoredEntry>({
      markers: (current.transfers ?? {}) as Record<string, StoredEntry>,
      gen,
      settled: (entry) => entry.s !== "HELD",
      archive: async (markers) => {
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
        if (!result.rejected) this.#gens.learn(accountId, from + 1);
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
          await this.#archiveIfDue(accountId, result.data);
          return { status: "HELD" };
        }
        const current = result.data ?? (await this.#read(accountId));
        if (!current) return { status: "INSUFFICIENT", available: 0 };
        const existing = entryIn(current, transferId);
        if (existing) return holdResultOf(existing);
        if (this.#genMoved(accountId, current, fence)) continue;
        if (current.balance < amountCents) return { status: "INSUFFICIENT", available: current.balance };
        // Funds arrived in between, or the item was full: try again. Under contention that never
        // settles, fail the attempt (the queue retries it), never the order.
        await this.#makeRoom(accountId, current, attempt);
      }
      throw new Error(`${accountId}: hold kept losing races (${RACE_RETRIES + 1} tries)`);
    });
  }

  post(accountId: string, transferId: string, amountCents: number, at: string): Promise<ResolveResult> {
    const key = markerKey(transferId);
    return guarded("table", "post payment", async () => {
      const write = postWrite(this.#table.table, accountId, key, amountCents, at);
      const result = await sendWrite(this.#table, write, this.#parse);
      if (!result.rejected) return { status: "POSTED" };
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
          .go(rejectedOrRead);
        if (!tombstone.rejected) return { status: "VOIDED", reason, heldCents: 0 };
        const after = tombstone.data ?? (await this.#read(accountId));
        if (after && !entryIn(after, transferId) && !this.#genMoved(accountId, after, fence)) {
          await this.#makeRoom(accountId, after, attempt);
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
    const { account } = this.#service.entities;
    const key = markerKey(transferId);
    const entry = stored({ transferId, kind: "DEBIT", amountCents, status: "POSTED", at, orderId });
    return guarded("table", "debit", async () => {
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
          .go(rejectedOrRead);
        if (!result.rejected) return { status: "DEBITED" };
        const current = result.data ?? (await this.#read(accountId));
        if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
        if (entryIn(current, transferId)) return { status: "DEBITED" };
        if (this.#genMoved(accountId, current, fence)) continue;
        if (current.balance < amountCents) return { status: "INSUFFICIENT", available: current.balance };
        await this.#makeRoom(accountId, current, attempt);
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
        if (!result.rejected) return this.#archiveIfDue(accountId, result.data);
        const current = result.data ?? (await this.#read(accountId));
        if (!current) throw new AccountNotFoundError(`No account has id ${accountId}`);
        if (entryIn(current, entry.id)) return;
        if (!this.#genMoved(accountId, current, fence)) await this.#makeRoom(accountId, current, attempt);
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
    const { account } = this.#service.entities;
    return guarded("table", "open account", async () => {
      const item = { accountId, balance: 0, held: 0, transfers: {}, createdAt: at, updatedAt: at };
      const result = await account.create(item).go({ ...RAW_ERRORS, returnOnConditionCheckFailure: true });
      return !result.rejected;
    });
  }

  auditView(since?: string): Promise<AccountAudit[]> {
    return guarded("table", "read accounts for the audit", async () => {
      const { data } = await this.#service.entities.account.scan.go({ ...RAW_ERRORS, pages: "all" });
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
    const byAccount = this.#service.entities.accountEntry.query.byAccount({ accountId: item.accountId });
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
    const query = this.#service.entities.accountEntry.query.byAccount({ accountId });
    const ranged = after ? query.lt({ at: after.at, transferId: after.transferId }) : query;
    const { data } = await ranged.go({ ...RAW_ERRORS, order: "desc", limit, pages: 1 });
    return { entries: data.map(archivedEntry), full: data.length === limit };
  }
}

/** How many entries `find` returns: the account view's latest. */
const LATEST_ENTRIES = 10;

/** An account's state from its item and archived entries; a marker still in the item wins over its archive. */
function stateOf(item: AccountItem, archived: StoredEntry[]): AccountState {
  const markers = Object.values((item.transfers ?? {}) as Record<string, StoredEntry>);
  const inItem = new Set(markers.map((entry) => entry.id));
  const entries = [...markers, ...archived.filter((entry) => !inItem.has(entry.id))].map(ledgerEntry).sort(newestFirst);
  return {
    accountId: item.accountId,
    balanceCents: item.balance,
    heldCents: item.held,
    entries,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
