import type { SagaPlan } from "./fulfilment.ts";

/**
 * The refund of a confirmed order that is cancelled, with no I/O: take the
 * amount back from the payee, give it to the payer, then return every sold
 * line to stock. Each effect is a marker-carrying conditional write keyed by
 * the refund's transfer id, so a redelivered refund changes nothing twice.
 * The payee is debited first: a crash in between leaves the amount in
 * flight, never in two places, and the next run finishes it.
 */
export interface RefundView {
  payeeDebit: "UNSEEN" | "DEBITED" | { insufficient: number };
  payerCredit: "UNSEEN" | "CREDITED";
  /** By sku: COMMITTED until returned. */
  lines: Record<string, "COMMITTED" | "RETURNED">;
}

export type RefundAction =
  | { type: "debitPayee" }
  | { type: "creditPayer" }
  | { type: "restock"; skus: string[] }
  | { type: "blocked"; available: number }
  | { type: "done" };

export function initialRefundView(plan: SagaPlan): RefundView {
  return {
    payeeDebit: "UNSEEN",
    payerCredit: "UNSEEN",
    lines: Object.fromEntries(plan.lines.map((line) => [line.sku, "COMMITTED" as const])),
  };
}

/** The next refund step. */
export function nextRefundAction(plan: SagaPlan, view: RefundView): RefundAction {
  if (typeof view.payeeDebit === "object") return { type: "blocked", available: view.payeeDebit.insufficient };
  if (view.payeeDebit === "UNSEEN") return { type: "debitPayee" };
  if (view.payerCredit === "UNSEEN") return { type: "creditPayer" };
  const toReturn = plan.lines.map((line) => line.sku).filter((sku) => view.lines[sku] !== "RETURNED");
  if (toReturn.length > 0) return { type: "restock", skus: toReturn };
  return { type: "done" };
}
