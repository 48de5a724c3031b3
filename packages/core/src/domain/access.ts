import { type Caller, submitterOf } from "./caller.ts";
import { AccountNotFoundError, ForbiddenError, InvalidInputError, OrderNotFoundError } from "./errors.ts";
import type { OrderFailure, SagaLogEntry, Shortfall } from "./fulfilment.ts";
import type { Cancellation } from "./order.ts";

/**
 * Who may do what. Decisions only: the handlers ask, and answer with what
 * these return or throw.
 *
 * | caller   | pays from        | reads orders                      | reads accounts |
 * |----------|------------------|-----------------------------------|----------------|
 * | customer | its account only | where its account pays or is paid | its own        |
 * | channel  | any account      | those it submitted                | none           |
 * | operator | any account      | all                               | all            |
 *
 * A customer's order ids start with its account (`assertMayUseId`).
 */

/** How much of an order a reader sees. */
export type OrderSight = "full" | "payer" | "payee";

export interface OrderParties {
  fromAccount?: string | undefined;
  toAccount?: string | undefined;
  /** `<kind>:<subject>` of who submitted it; absent on orders recorded before callers had identities. */
  submittedBy?: string | undefined;
}

/** A customer may spend only from its own account; nothing is queued otherwise. */
export function assertMayPayFrom(caller: Caller, fromAccount: unknown): void {
  if (caller.kind === "customer" && fromAccount !== caller.account) {
    throw new ForbiddenError("A customer may pay only from its own account: fromAccount must be the token's account");
  }
}

/**
 * Order ids are chosen by whoever submits, and the first submission of an id
 * owns it. So that no customer can take another's id (its order would become
 * a duplicate of the stranger's, and be lost to its owner) or learn that an
 * id is taken, a customer's ids live in its own space: they start with its
 * account and a hyphen. Channels and operators are trusted to keep theirs apart.
 */
export function assertMayUseId(caller: Caller, orderId: string): void {
  if (caller.kind === "customer" && !orderId.startsWith(`${caller.account}-`)) {
    const message = `A customer's order ids start with its account: ${caller.account}-…`;
    throw new InvalidInputError(message, { details: [{ field: "id", code: "not_owned", message }] });
  }
}

/**
 * What `caller` may see of an order, or undefined when it may not see it at
 * all. A payer and the channel that submitted see the order, the saga and
 * the payment; a payee sees the order and its outcome, never the payer's
 * balance, holds or failure reasons; an operator sees everything, stock
 * levels included.
 */
export function orderSight(caller: Caller, order: OrderParties): OrderSight | undefined {
  if (caller.kind === "operator") return "full";
  if (caller.kind === "channel") return order.submittedBy === submitterOf(caller) ? "payer" : undefined;
  if (order.fromAccount === caller.account) return "payer";
  if (order.toAccount === caller.account) return "payee";
  return undefined;
}

/** The one answer for an order that does not exist and for one the caller may not see. */
export function orderNotFound(orderId: string): OrderNotFoundError {
  return new OrderNotFoundError(
    `No processed order has id ${orderId}. If it was just submitted it may still be queued: retry in a few seconds.`,
  );
}

/** The one answer for an account that does not exist and for one the caller may not see. */
export function accountNotFound(accountId: string): AccountNotFoundError {
  return new AccountNotFoundError(`No account has id ${accountId}`);
}

/** A customer reads its own account only, a channel none; an unseen account is answered as a missing one. */
export function assertMayReadAccount(caller: Caller, accountId: string): void {
  if (caller.kind === "operator") return;
  if (caller.kind === "customer" && caller.account === accountId) return;
  throw accountNotFound(accountId);
}

/**
 * The failure as `sight` may see it. Stock levels are operators' data: a payer
 * learns which skus fell short and by how much it asked, not what is left; an
 * operator's discard reason stays inside. A payee learns nothing of why: the
 * payer's funds are not its business. The webhook's events use the payer's sight.
 */
export function failureFor(sight: OrderSight, failure: OrderFailure): OrderFailure | undefined {
  if (sight === "full") return failure;
  if (sight === "payee") return undefined;
  if (failure.code === "DISCARDED") return { code: failure.code, message: "The order was stopped by an operator" };
  if (failure.code !== "OUT_OF_STOCK" || !Array.isArray(failure.details)) return failure;
  const details = (failure.details as Shortfall[]).map(({ sku, requested }) => ({ sku, requested }));
  return { ...failure, details };
}

/** The saga log as `sight` may see it: a short reservation's entry without the stock left ("GPU-9 ×3, 1 available"). */
export function sagaFor(sight: OrderSight, log: SagaLogEntry[]): SagaLogEntry[] {
  if (sight === "full") return log;
  return log.map((entry) =>
    entry.step === "reserve" && entry.detail !== undefined
      ? { ...entry, detail: entry.detail.replace(/, \d+ available$/, "") }
      : entry,
  );
}

/** A cancellation as `sight` may see it: its reason, written by an operator for the payer, is not the payee's. */
export function cancellationFor(
  sight: OrderSight,
  cancellation: Cancellation,
): Omit<Cancellation, "reason"> & { reason?: string } {
  return sight === "payee" ? { requestedAt: cancellation.requestedAt } : cancellation;
}

/** An account listing's row as `caller` may see it: a payee's rows say nothing of why the payer's order failed. */
export function listedFor<T extends OrderParties & { failure?: unknown }>(caller: Caller, order: T): T {
  if (caller.kind === "operator") return order;
  if (caller.kind === "customer" && order.fromAccount === caller.account) return order;
  const { failure: _failure, ...rest } = order;
  return rest as T;
}
