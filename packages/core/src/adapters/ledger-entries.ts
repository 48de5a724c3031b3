import type { OrderFailure } from "../domain/fulfilment.ts";
import type { AccountItem } from "../entities/account.ts";
import type { AccountEntryItem } from "../entities/account-entry.ts";
import type { AccountState, HoldResult, LedgerEntry, ResolveResult } from "../ports.ts";
import { markerKey } from "./marker-keys.ts";

/** How an account's ledger entries are kept: as markers in its item, and archived as items of their own. */

/**
 * A ledger entry as stored in its account's item, with one-letter names, kept
 * short so that the item stays small (`ledger-fence.ts`): `id` transfer id,
 * `k` kind, `a` amount in cents, `s` status, `t` time, `o` order id (only
 * when the transfer id does not name it: an order's payment is
 * `order:{id}`, its refund `refund:{id}`), `r` the failure a void recorded:
 * its code, and its message cut to `REASON_MESSAGE_CHARS` (the details stay
 * with the run that decided, which writes them on the order).
 */
export interface StoredEntry {
  id: string;
  k: LedgerEntry["kind"];
  a: number;
  s: LedgerEntry["status"];
  t: string;
  o?: string;
  r?: OrderFailure;
}

const REASON_MESSAGE_CHARS = 40;

/** The order a transfer id names (`order:{id}`, `refund:{id}`), if it names one. */
export function namedOrder(transferId: string): string | undefined {
  return /^(?:order|refund):(.+)$/.exec(transferId)?.[1];
}

export function stored(entry: LedgerEntry, reason?: OrderFailure): StoredEntry {
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

export function ledgerEntry(entry: StoredEntry): LedgerEntry {
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

export function entryIn(item: AccountItem | null | undefined, transferId: string): StoredEntry | undefined {
  return (item?.transfers as Record<string, StoredEntry> | undefined)?.[markerKey(transferId)];
}

export function archivedEntry(item: AccountEntryItem): StoredEntry {
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

export function resolved(entry: StoredEntry): ResolveResult {
  if (entry.s === "POSTED") return { status: "POSTED" };
  if (entry.s === "VOIDED") return { status: "VOIDED", reason: entry.r, heldCents: entry.a };
  throw new Error(`Transfer ${entry.id} is still HELD`);
}

/** A transfer's settled status as a hold reports it. */
export function holdResultOf(entry: StoredEntry): HoldResult {
  if (entry.s === "HELD" || entry.s === "POSTED") return { status: entry.s };
  return { status: "VOIDED", reason: entry.r };
}

/** Newest first, then by transfer id: the order every listing of entries uses. */
export const newestFirst = (a: LedgerEntry, b: LedgerEntry) =>
  b.at.localeCompare(a.at) || b.transferId.localeCompare(a.transferId);

/** An account's state from its item and archived entries; a marker still in the item wins over its archive. */
export function stateOf(item: AccountItem, archived: StoredEntry[]): AccountState {
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
