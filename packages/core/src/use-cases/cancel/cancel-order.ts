import { OrderNotFoundError, RefundBlockedError } from "../../domain/errors.ts";
import { type ReservationView, refundTransferId, type SagaPlan } from "../../domain/fulfilment.ts";
import type { OrderRecord } from "../../domain/order.ts";
import type { CancelMessage } from "../../domain/queue-message.ts";
import { initialRefundView, nextRefundAction } from "../../domain/refund.ts";
import type { OrderEventPublisher } from "../../ports.ts";
import { announceOrder } from "../announce-order.ts";
import { driveSaga, keepLog, RunLog, type RunSagaDeps, type SagaEnd, sagaPlanOf } from "../run-saga.ts";

export interface CancelOrderDeps extends RunSagaDeps {
  events: OrderEventPublisher;
}

/** At most this many refund steps: debit, credit, restock, done. */
const MAX_REFUND_ACTIONS = 8;

/**
 * The processor's side of a cancellation. It marks the order CANCELLING if
 * the request's own mark was lost, then drives the saga with a CANCELLED
 * abort: a saga not yet paid is compensated (void, release); one already paid
 * rolls forward and is refunded (payee → payer, stock back to onHand). Either
 * way the order ends CANCELLED, once: every step is idempotent, and the
 * payment's one decision settles a cancel racing a running saga. The order's
 * events are published before the message is let go, and again by any
 * redelivery that finds the order ended.
 */
export async function cancelOrder(
  message: CancelMessage,
  deps: CancelOrderDeps,
  attempt: number,
): Promise<OrderRecord> {
  return (await runCancellation(message, deps, attempt)).order;
}

/** How a cancellation's run ended: the order, and whether this run drove it to its end. */
export interface CancellationRun {
  order: OrderRecord;
  /**
   * False when the order had already ended when this run began (CANCELLED by
   * an earlier message: a second request's message, a duplicate send, or a
   * redelivery after the end was written; or FAILED before the mark): the run
   * that ended it counts it, not this one.
   */
  endedHere: boolean;
}

/** `cancelOrder`, telling also whether this run ended the order (the processor counts only those). */
export async function runCancellation(
  message: CancelMessage,
  deps: CancelOrderDeps,
  attempt: number,
): Promise<CancellationRun> {
  const run = await endCancelled(message, deps, attempt);
  await announceOrder(run.order, deps.events);
  return run;
}

async function endCancelled(message: CancelMessage, deps: RunSagaDeps, attempt: number): Promise<CancellationRun> {
  const history = await deps.repository.findHistory(message.orderId);
  // The request checked the order exists: if it is missing now, the message goes to the DLQ with this reason.
  if (!history) throw new OrderNotFoundError(`Cancellation of ${message.orderId}: no such order`);
  let order = history.original;
  const cancellation = { reason: message.reason, requestedAt: message.requestedAt };
  if (order.status === "PENDING" || order.status === "CONFIRMED") {
    order = await deps.repository.markCancelling(order, cancellation);
  }
  // Already cancelled, or ended otherwise before the mark: nothing to undo.
  if (order.status !== "CANCELLING") return { order, endedHere: false };

  const end = await sagaEnd(order, deps, attempt, message.reason);
  end.log.add("cancel", end.confirmed ? "REFUNDING" : "COMPENSATED", message.reason);
  if (!end.confirmed) {
    const ended = await deps.repository.resolve(order, { ...end.resolution, status: "CANCELLED" }, "CANCELLING");
    return { order: ended, endedHere: true };
  }
  try {
    const reservations = await refund(end.plan, end.log, deps);
    const ended = await deps.repository.resolve(
      order,
      {
        ...end.resolution,
        status: "CANCELLED",
        refunded: true,
        reservations,
        payment: { status: "REFUNDED", amountCents: end.plan.amountCents },
      },
      "CANCELLING",
    );
    return { order: ended, endedHere: true };
  } catch (error) {
    await keepLog(order.orderId, end.log, deps);
    throw error;
  }
}

/**
 * Where the order's saga ended. An order whose CONFIRMED end is written (its
 * payment POSTED) needs no replay: every effect is applied, and replaying
 * would log void, credit, commit and confirm again as if they had happened
 * now. Any other order (PENDING at the mark, a saga perhaps still running) is
 * driven to its end with a CANCELLED abort.
 */
async function sagaEnd(order: OrderRecord, deps: RunSagaDeps, attempt: number, reason: string): Promise<SagaEnd> {
  if (order.payment?.status === "POSTED" || order.payment?.status === "REFUNDED") {
    const clock = deps.clock ?? { now: () => new Date() };
    const log = new RunLog(attempt, clock);
    const resolution = { status: "CONFIRMED" as const, saga: log.entries, reservations: [], resolvedAt: "" };
    return {
      confirmed: true,
      plan: sagaPlanOf(order),
      log,
      resolution: { ...resolution, resolvedAt: clock.now().toISOString() },
    };
  }
  return driveSaga(order, deps, { attempt, abort: { code: "CANCELLED", message: `Cancelled: ${reason}` } });
}

/** Gives a paid order back: the payee's refund, the payer's credit, then each sold line to stock. */
async function refund(plan: SagaPlan, log: RunLog, deps: RunSagaDeps): Promise<ReservationView[]> {
  const transferId = refundTransferId(plan.orderId);
  const view = initialRefundView(plan);
  const at = () => (deps.clock?.now() ?? new Date()).toISOString();
  for (let step = 0; step < MAX_REFUND_ACTIONS; step++) {
    const action = nextRefundAction(plan, view);
    switch (action.type) {
      case "debitPayee": {
        const debited = await deps.accounts.debit(plan.payee, transferId, plan.amountCents, plan.orderId, at());
        view.payeeDebit = debited.status === "DEBITED" ? "DEBITED" : { insufficient: debited.available };
        log.add("refund", debited.status, `${plan.amountCents / 100} from ${plan.payee}`);
        break;
      }
      case "creditPayer":
        await deps.accounts.credit(plan.payer, transferId, plan.amountCents, plan.orderId, at());
        view.payerCredit = "CREDITED";
        log.add("refund", "CREDITED", `${plan.amountCents / 100} to ${plan.payer}`);
        break;
      case "restock":
        for (const sku of action.skus) {
          const quantity = plan.lines.find((line) => line.sku === sku)?.quantity ?? 0;
          await deps.stock.restock(sku, plan.orderId, quantity);
          view.lines[sku] = "RETURNED";
          log.add("restock", "RETURNED", `${sku} ×${quantity}`);
        }
        break;
      case "blocked":
        throw new RefundBlockedError(
          `Account ${plan.payee} holds ${action.available / 100}, less than the refund of ${plan.amountCents / 100}`,
        );
      case "done":
        return plan.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, status: "RETURNED" }));
    }
  }
  throw new Error(`Order ${plan.orderId}: the refund did not end within ${MAX_REFUND_ACTIONS} steps`);
}
