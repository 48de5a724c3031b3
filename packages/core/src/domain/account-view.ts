import { fromCents } from "./money.ts";

/** The shapes accounts take on the wire: amounts in decimal currency units. */
export interface LedgerEntryView {
  transferId: string;
  kind: "DEPOSIT" | "DEBIT" | "CREDIT";
  amount: number;
  status: "HELD" | "POSTED" | "VOIDED";
  at: string;
  orderId?: string;
}

export interface AccountView {
  accountId: string;
  balance: number;
  held: number;
  available: number;
  entries: LedgerEntryView[];
  /** The account's webhook, when one is set: never its secret. */
  webhook?: { url: string; updatedAt: string };
}

/** How many ledger entries an account view lists, newest first. */
export const ENTRIES_SHOWN = 10;

interface AccountLike {
  accountId: string;
  balanceCents: number;
  heldCents: number;
  entries: {
    transferId: string;
    kind: LedgerEntryView["kind"];
    amountCents: number;
    status: LedgerEntryView["status"];
    at: string;
    orderId?: string;
  }[];
}

/** One ledger entry on the wire. */
export function ledgerEntryView(entry: AccountLike["entries"][number]): LedgerEntryView {
  return {
    transferId: entry.transferId,
    kind: entry.kind,
    amount: fromCents(entry.amountCents),
    status: entry.status,
    at: entry.at,
    ...(entry.orderId ? { orderId: entry.orderId } : {}),
  };
}

/** An account as `GET /accounts/{id}` shows it. `available` is the balance: holds are kept apart. */
export function accountView(account: AccountLike): AccountView {
  return {
    accountId: account.accountId,
    balance: fromCents(account.balanceCents),
    held: fromCents(account.heldCents),
    available: fromCents(account.balanceCents),
    entries: account.entries.slice(0, ENTRIES_SHOWN).map(ledgerEntryView),
  };
}
