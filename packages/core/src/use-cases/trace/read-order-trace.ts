import { parseInput } from "../../domain/admin-inputs.ts";
import { OrderIdSchema } from "../../domain/order.ts";
import { type OrderTraceView, orderTraceView, TraceNotFoundError, type TraceSpan } from "../../domain/trace.ts";

/** Where an order's spans are read: X-Ray deployed, the local runtime's store offline. */
export interface TraceReader {
  /** Every span of the traces annotated with `orderId` that began in `window`. */
  spansOf(orderId: string, window: { from: Date; to: Date }): Promise<TraceSpan[]>;
}

/** How far back an order's traces are looked for: X-Ray answers a query of at most 24 hours. */
export const TRACE_WINDOW_HOURS = 24;

/** An order's trace, as a waterfall; 404 TRACE_NOT_FOUND when nothing recorded it in the last 24 hours. */
export async function readOrderTrace(
  rawId: string,
  deps: { traces: TraceReader; now?: () => Date },
): Promise<OrderTraceView> {
  const orderId = parseInput(OrderIdSchema, rawId, "The order id", "id");
  const to = deps.now?.() ?? new Date();
  const from = new Date(to.getTime() - TRACE_WINDOW_HOURS * 3_600_000);
  const view = orderTraceView(orderId, await deps.traces.spansOf(orderId, { from, to }));
  if (!view) throw new TraceNotFoundError(`No trace of order ${orderId} in the last ${TRACE_WINDOW_HOURS} hours`);
  return view;
}
