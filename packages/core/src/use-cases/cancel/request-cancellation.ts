import * as z from "zod/mini";
import { parseInput } from "../../domain/admin-inputs.ts";
import { OrderNotCancellableError, OrderNotFoundError } from "../../domain/errors.ts";
import { OrderIdSchema, type OrderStatus } from "../../domain/order.ts";
import type { CancelRequests, Clock, OrderRepository } from "../../ports.ts";

export const CancelBodySchema = z
  .object({
    reason: z
      .string({ error: "reason must be a string" })
      .check(z.trim(), z.minLength(1, { error: "say why" }), z.maxLength(500, { error: "at most 500 characters" })),
  })
  .register(z.globalRegistry, { id: "CancelBody", examples: [{ reason: "customer changed their mind" }] });

export interface RequestCancellationDeps {
  repository: OrderRepository;
  cancellations: CancelRequests;
  clock?: Clock;
}

export interface CancellationAnswer {
  id: string;
  status: OrderStatus;
  /** True when this request started the cancellation; false when one was already under way or done. */
  started: boolean;
}

const ENDED: ReadonlySet<OrderStatus> = new Set(["CANCELLING", "CANCELLED"]);

/**
 * Asks for an order to be cancelled. A PENDING or CONFIRMED order is marked
 * CANCELLING and the cancellation is queued for the processor, which stops
 * the saga or refunds it. Asking again changes nothing. A FAILED or REJECTED
 * order cannot be cancelled.
 */
export async function requestCancellation(
  rawId: string,
  body: unknown,
  deps: RequestCancellationDeps,
): Promise<CancellationAnswer> {
  const orderId = parseInput(OrderIdSchema, rawId, "The order id", "id");
  const { reason } = parseInput(CancelBodySchema, body, "The cancellation");
  const history = await deps.repository.findHistory(orderId);
  if (!history) throw new OrderNotFoundError(`No processed order has id ${orderId}`);
  const order = history.original;
  if (ENDED.has(order.status)) return { id: orderId, status: order.status, started: false };
  if (order.status !== "PENDING" && order.status !== "CONFIRMED") throw notCancellable(orderId, order.status);

  const requestedAt = (deps.clock?.now() ?? new Date()).toISOString();
  // Queued first: if the process dies before the mark, the processor still marks and cancels.
  await deps.cancellations.enqueueCancel({ kind: "cancel", orderId, reason, requestedAt });
  const marked = await deps.repository.markCancelling(order, { reason, requestedAt });
  if (!ENDED.has(marked.status)) throw notCancellable(orderId, marked.status);
  return { id: orderId, status: marked.status, started: true };
}

function notCancellable(orderId: string, status: OrderStatus): OrderNotCancellableError {
  const message = `Order ${orderId} is ${status}: only a PENDING or CONFIRMED order can be cancelled`;
  return new OrderNotCancellableError(message, { details: [{ field: "status", code: status, message }] });
}
