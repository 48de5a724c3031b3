import { canonicalJson } from "./canonical-json.ts";
import type { OrderRecord } from "./order.ts";

/** One named check of a consistency report. */
export interface ConsistencyCheck {
  name: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}

export function check(name: string, expected: unknown, actual: unknown): ConsistencyCheck {
  return { name, ok: canonicalJson(expected) === canonicalJson(actual), expected, actual };
}

/**
 * What an order's line markers and the payer's payment transfer must say, by
 * how the order ended; a cancelled order that was refunded apart.
 */
const EXPECTED_AT_END: Record<string, { lines: string; payment: string }> = {
  CONFIRMED: { lines: "COMMITTED", payment: "POSTED" },
  FAILED: { lines: "RELEASED", payment: "VOIDED" },
  CANCELLED: { lines: "RELEASED", payment: "VOIDED" },
  CANCELLED_REFUNDED: { lines: "RETURNED", payment: "POSTED" },
};

function expectedAtEnd(order: OrderRecord): { lines: string; payment: string } | undefined {
  return EXPECTED_AT_END[order.status === "CANCELLED" && order.refunded ? "CANCELLED_REFUNDED" : order.status];
}

/** What an order's line markers must say, given how the order ended (undefined: any state is fine). */
export function expectedLineStatus(order: OrderRecord): string | undefined {
  return expectedAtEnd(order)?.lines;
}

/** What the payer's payment transfer must say, given how the order ended. */
export function expectedPaymentStatus(order: OrderRecord): string | undefined {
  return expectedAtEnd(order)?.payment;
}

/** Balance plus held, in cents, as an account's ledger says it must be. */
export function ledgerTotalCents(entries: { kind: string; amountCents: number; status: string }[]): number {
  return entries.reduce((sum, entry) => {
    if (entry.kind === "DEPOSIT" || entry.kind === "CREDIT") return sum + entry.amountCents;
    return entry.status === "POSTED" ? sum - entry.amountCents : sum;
  }, 0);
}

/** Cents an account's ledger says were deposited into it. */
export function depositCents(entries: { kind: string; amountCents: number }[]): number {
  return entries.filter((entry) => entry.kind === "DEPOSIT").reduce((sum, entry) => sum + entry.amountCents, 0);
}

/** Cents an account's ledger holds: its HELD debits. */
export function ledgerHeldCents(entries: { kind: string; amountCents: number; status: string }[]): number {
  return entries
    .filter((entry) => entry.kind === "DEBIT" && entry.status === "HELD")
    .reduce((sum, entry) => sum + entry.amountCents, 0);
}
