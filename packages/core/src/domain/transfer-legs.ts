import type { OrderStatus } from "./order.ts";

/**
 * The two legs of every transfer between accounts, gathered from the
 * accounts' own ledgers: the payer's DEBIT and the payee's CREDIT share one
 * transfer id (an order's payment, or its refund). Each account can agree
 * with its own entries while the two legs disagree with each other: a debit
 * posted whose credit never landed destroys money; a credit with no posted
 * debit creates it. Only looking across accounts shows it.
 */

/** The entry fields this needs; `LedgerEntry` has them. */
interface Entry {
  transferId: string;
  kind: "DEPOSIT" | "DEBIT" | "CREDIT";
  amountCents: number;
  status: string;
  orderId?: string | undefined;
}

export interface TransferLegs {
  transferId: string;
  orderId?: string | undefined;
  debit?: { accountId: string; amountCents: number; status: string } | undefined;
  credit?: { accountId: string; amountCents: number } | undefined;
}

/** Every transfer that has a DEBIT or a CREDIT leg, by transfer id. Deposits have one leg by design and are left out. */
export function transferLegs(accounts: { accountId: string; entries: Entry[] }[]): Map<string, TransferLegs> {
  const legs = new Map<string, TransferLegs>();
  for (const account of accounts) {
    for (const entry of account.entries) {
      if (entry.kind === "DEPOSIT") continue;
      const transfer = legs.get(entry.transferId) ?? { transferId: entry.transferId };
      transfer.orderId ??= entry.orderId;
      if (entry.kind === "DEBIT") {
        transfer.debit = { accountId: account.accountId, amountCents: entry.amountCents, status: entry.status };
      } else {
        transfer.credit = { accountId: account.accountId, amountCents: entry.amountCents };
      }
      legs.set(entry.transferId, transfer);
    }
  }
  return legs;
}

/** A transfer whose legs disagree, or that waits on its order: what the audit makes of it. */
export type LegsVerdict =
  | { verdict: "BALANCED" }
  /** Posted, not yet credited, and its order is still running: money in flight, not an inconsistency. */
  | { verdict: "IN_FLIGHT"; cents: number }
  | { verdict: "UNBALANCED"; check: string; expected: number; actual: number };

/** Whether a transfer's posted debit equals its credit (a HELD or VOIDED debit counts as nothing posted). */
export function isBalanced(legs: TransferLegs): boolean {
  const posted = legs.debit?.status === "POSTED" ? legs.debit.amountCents : 0;
  return posted === (legs.credit?.amountCents ?? 0);
}

/** Running orders may sit between any two legs; an order at any other status must not. */
export const isRunning = (status: OrderStatus | undefined) => status === "PENDING" || status === "CANCELLING";

/** What the audit knows of a transfer's order, when it has one. */
export interface LegsOrder {
  status: OrderStatus;
  receivedAt: string;
  /** A cancellation's request: a refund in flight runs from then, not from the order's arrival. */
  cancellation?: { requestedAt: string } | undefined;
}

/** When the order's current run began: its cancellation's request while CANCELLING, else its arrival. */
const runningSince = (order: LegsOrder) =>
  order.status === "CANCELLING" && order.cancellation ? order.cancellation.requestedAt : order.receivedAt;

/**
 * Judges one transfer: a POSTED debit must have a credit of the same amount,
 * and a credit must have a POSTED debit, unless the order is still running
 * (then the credit is on its way). An order received before `stuckBefore`
 * (the saga timeout ago) that still waits for its credit is not on its way:
 * its credit cannot complete, and it is named with the rest.
 */
export function judgeLegs(legs: TransferLegs, order: LegsOrder | undefined, stuckBefore = ""): LegsVerdict {
  if (isBalanced(legs)) return { verdict: "BALANCED" };
  const posted = legs.debit?.status === "POSTED" ? legs.debit.amountCents : 0;
  const credited = legs.credit?.amountCents ?? 0;
  const waiting = posted > 0 && credited === 0 && isRunning(order?.status);
  if (waiting && order && runningSince(order) >= stuckBefore) return { verdict: "IN_FLIGHT", cents: posted };
  const where = `${legs.debit?.accountId ?? "no payer"} → ${legs.credit?.accountId ?? "no payee"}`;
  const stuck = waiting
    ? `; posted, and its order ${order?.status} since ${order ? runningSince(order) : "?"}: the credit cannot complete`
    : "";
  return {
    verdict: "UNBALANCED",
    check: `transfer ${legs.transferId} (${where}): debit posted = credit${stuck}`,
    expected: posted,
    actual: credited,
  };
}
