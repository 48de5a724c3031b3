import type { OrderRecord } from "../domain/order.ts";
import type { OrderEventPublisher } from "../ports.ts";
import { announceOrder } from "./announce-order.ts";
import { type RunSagaDeps, runSaga } from "./run-saga.ts";

export interface SweepDeps extends RunSagaDeps {
  events: OrderEventPublisher;
}

export interface SweepOptions {
  /** A saga PENDING for longer than this is compensated. */
  timeoutMinutes: number;
  /** At most this many orders per sweep; the next sweep takes the rest. */
  limit: number;
}

export interface SweepResult {
  swept: number;
  confirmed: number;
  failed: number;
  /** Orders whose run threw: they stay PENDING for the next sweep. */
  errors: { orderId: string; error: unknown }[];
}

/**
 * Ends the sagas that could not finish: every original still PENDING after
 * the timeout runs its saga with a SAGA_TIMEOUT abort. That compensates it,
 * unless its payment was already posted, in which case the run rolls it
 * forward to CONFIRMED: a posted payment is never undone by a timeout.
 * The outcome is published; if the sweep dies before that, the order's own
 * message (still in OrdersQueue or its DLQ, since the order never ended
 * there) publishes it when it is processed, redriven or discarded.
 */
export async function sweepStuckSagas(deps: SweepDeps, options: SweepOptions): Promise<SweepResult> {
  const now = (deps.clock ?? { now: () => new Date() }).now();
  const cutoff = new Date(now.getTime() - options.timeoutMinutes * 60_000).toISOString();
  const stuck = await deps.repository.findPending(cutoff, options.limit);
  const result: SweepResult = { swept: stuck.length, confirmed: 0, failed: 0, errors: [] };
  for (const order of stuck) {
    try {
      const ended: OrderRecord = await runSaga(order, deps, {
        attempt: 0,
        abort: {
          code: "SAGA_TIMEOUT",
          message: `The saga did not finish within ${options.timeoutMinutes} minutes and was compensated`,
        },
      });
      await announceOrder(ended, deps.events);
      if (ended.status === "CONFIRMED") result.confirmed += 1;
      else result.failed += 1;
    } catch (error) {
      result.errors.push({ orderId: order.orderId, error });
    }
  }
  return result;
}
