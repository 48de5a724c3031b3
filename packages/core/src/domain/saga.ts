import type { OrderFailure, SagaPlan, Shortfall } from "./fulfilment.ts";

/**
 * The saga's decisions, with no I/O: given what one run has observed of the
 * order's effects, what to do next. The use case applies each action through
 * the ports and feeds the outcome back.
 *
 * The protocol that makes concurrent runs and crashes safe:
 * - every effect leaves a marker, keyed by the order, in the item it changes,
 *   in the same conditional write: applying it twice changes nothing (a
 *   settled marker may later be archived out of the item; the adapters fence
 *   every write that adds one, so that stays true: adapters/ledger-fence.ts);
 * - the payment is the one point of decision. Posting it commits the saga,
 *   voiding it aborts it, and a transfer resolves once, so two runs can never
 *   decide differently;
 * - so the saga posts before it commits any stock, and voids before it
 *   releases any: a run that lost the race follows the winner's decision.
 */

/** What a run knows of a line: `UNSEEN` until it has touched its marker. */
export type LineSeen = "UNSEEN" | "HELD" | "COMMITTED" | "RELEASED" | "RETURNED" | { short: number };
export type PaymentSeen = "UNSEEN" | "HELD" | "POSTED" | "VOIDED" | { insufficient: number };

export interface SagaView {
  accounts: "UNSEEN" | "OK" | { missing: string[] };
  /** By sku. */
  lines: Record<string, LineSeen>;
  payment: PaymentSeen;
  credit: "UNSEEN" | "CREDITED";
  /** A failure decided from outside the run: a timeout, a discard. */
  abort?: OrderFailure | undefined;
  /** The failure recorded with the void that resolved the payment, when a run learned it. */
  voidReason?: OrderFailure | undefined;
}

export type SagaAction =
  | { type: "checkAccounts" }
  | { type: "reserve"; skus: string[] }
  | { type: "hold" }
  | { type: "post" }
  | { type: "credit" }
  | { type: "commit"; skus: string[] }
  | { type: "void"; reason: OrderFailure }
  | { type: "release"; skus: string[] }
  | { type: "confirm" }
  | { type: "fail"; failure: OrderFailure };

/** A fresh run's view: nothing observed yet. */
export function initialView(plan: SagaPlan, abort?: OrderFailure): SagaView {
  return {
    accounts: "UNSEEN",
    lines: Object.fromEntries(plan.lines.map((line) => [line.sku, "UNSEEN" as const])),
    payment: "UNSEEN",
    credit: "UNSEEN",
    abort,
  };
}

/** An observed state broke the protocol: only a bug or a hand edit gets here. */
export class SagaInvariantError extends Error {
  override readonly name = "SagaInvariantError";
}

const isShort = (line: LineSeen): line is { short: number } => typeof line === "object";

/** Why the saga cannot confirm, from what the run has seen; undefined while it still can. */
export function failureOf(plan: SagaPlan, view: SagaView): OrderFailure | undefined {
  if (view.abort) return view.abort;
  if (typeof view.accounts === "object") {
    return {
      code: "UNKNOWN_ACCOUNT",
      message: `No such account: ${view.accounts.missing.join(", ")}`,
      details: view.accounts.missing.map((accountId) => ({ accountId })),
    };
  }
  const shortfalls: Shortfall[] = plan.lines.flatMap((line) => {
    const seen = view.lines[line.sku];
    return seen && isShort(seen) ? [{ sku: line.sku, requested: line.quantity, available: seen.short }] : [];
  });
  if (shortfalls.length > 0) {
    return {
      code: "OUT_OF_STOCK",
      message: `Not enough stock for ${shortfalls.map((s) => s.sku).join(", ")}`,
      details: shortfalls,
    };
  }
  if (typeof view.payment === "object") {
    return {
      code: "INSUFFICIENT_FUNDS",
      message: `Account ${plan.payer} cannot cover ${plan.amountCents / 100}`,
      details: { accountId: plan.payer, requested: plan.amountCents / 100, available: view.payment.insufficient / 100 },
    };
  }
  // Another run resolved the saga against us: its void says why.
  const overtaken = view.payment === "VOIDED" || Object.values(view.lines).some((line) => line === "RELEASED");
  if (overtaken) return view.voidReason ?? { code: "SAGA_TIMEOUT", message: "The saga was compensated by another run" };
  return undefined;
}

/** The next thing to do. Total: every view has exactly one answer. */
export function nextAction(plan: SagaPlan, view: SagaView): SagaAction {
  const skus = plan.lines.map((line) => line.sku);
  const linesIn = (...states: LineSeen[]) => skus.filter((sku) => states.includes(view.lines[sku] as LineSeen));

  if (view.payment === "POSTED") {
    // Committed: roll forward whatever anyone else decided afterwards.
    const released = linesIn("RELEASED");
    if (released.length > 0) {
      throw new SagaInvariantError(`Order ${plan.orderId}: paid, but ${released.join(", ")} released`);
    }
    if (view.credit === "UNSEEN") return { type: "credit" };
    // RETURNED: sold, then given back by a cancellation that refunded this order.
    const toCommit = skus.filter((sku) => view.lines[sku] !== "COMMITTED" && view.lines[sku] !== "RETURNED");
    if (toCommit.length > 0) return { type: "commit", skus: toCommit };
    return { type: "confirm" };
  }

  const failure = failureOf(plan, view);
  if (failure) {
    if (view.payment !== "VOIDED") return { type: "void", reason: failure };
    const committed = linesIn("COMMITTED");
    if (committed.length > 0) {
      throw new SagaInvariantError(`Order ${plan.orderId}: voided, but ${committed.join(", ")} committed`);
    }
    const toRelease = skus.filter((sku) => view.lines[sku] !== "RELEASED");
    if (toRelease.length > 0) return { type: "release", skus: toRelease };
    return { type: "fail", failure: view.voidReason ?? failure };
  }

  if (view.accounts === "UNSEEN") return { type: "checkAccounts" };
  const unseen = linesIn("UNSEEN");
  if (unseen.length > 0) return { type: "reserve", skus: unseen };
  if (view.payment === "UNSEEN") return { type: "hold" };
  if (view.payment === "HELD") {
    const notHeld = skus.filter((sku) => view.lines[sku] !== "HELD" && view.lines[sku] !== "COMMITTED");
    if (notHeld.length > 0) {
      throw new SagaInvariantError(`Order ${plan.orderId}: payment held, but ${notHeld.join(", ")} not reserved`);
    }
    return { type: "post" };
  }
  throw new SagaInvariantError(`Order ${plan.orderId}: no action for this view`);
}
