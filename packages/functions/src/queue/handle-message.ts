import type { QueueMessage } from "@orders/core/domain/queue-message";
import { runCancellation } from "@orders/core/use-cases/cancel/cancel-order";
import { processOrder } from "@orders/core/use-cases/process-order";
import { orderArchive } from "../composition/bucket.ts";
import { logger } from "../composition/logger.ts";
import { accountLedger, orderRepository, stockLedger } from "../composition/order-ledgers.ts";
import { orderValidator } from "../composition/settings.ts";
import { orderEvents } from "../composition/topic.ts";
import { annotateOrder } from "../composition/tracing.ts";
import { countProcessed } from "../metrics.ts";

const deps = {
  repository: orderRepository(),
  archive: orderArchive(),
  validate: orderValidator(),
  stock: stockLedger(),
  accounts: accountLedger(),
  events: orderEvents(),
};

/** Runs one message of OrdersQueue: a submission through its saga, or a cancellation. */
export async function handleMessage(queued: QueueMessage, attempt: number): Promise<void> {
  annotateOrder(queued.kind === "cancel" ? queued.message.orderId : queued.message.order.id);
  if (queued.kind === "cancel") {
    const { order: ended, endedHere } = await runCancellation(queued.message, deps, attempt);
    // Counted by the run that ended it: not again by a second message or a redelivery that finds it CANCELLED,
    // nor here if it ended otherwise before the mark (FAILED, say: counted then).
    if (endedHere && ended.status === "CANCELLED") countProcessed("original", ended.status);
    logger.info("cancellation processed", {
      orderId: queued.message.orderId,
      status: ended.status,
      ...(ended.refunded ? { refunded: true } : {}),
    });
    return;
  }
  const { outcome, record: saved, endedHere } = await processOrder(queued.message, deps, attempt);
  // Counted by the run that recorded its outcome: a redelivery that finished a saga an earlier attempt left
  // PENDING (its archive write failed, say) counts it; one that finds the order ended does not.
  countProcessed(endedHere ? "original" : outcome, saved.status);
  const failure = saved.isDuplicate ? undefined : saved.failure;
  logger.info("order processed", {
    orderId: saved.orderId,
    submissionId: saved.submissionId,
    outcome,
    status: saved.status,
    ...(failure ? { failureCode: failure.code } : {}),
  });
}
