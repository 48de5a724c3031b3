import { parseQueueMessage } from "@orders/core/domain/queue-message";
import { failureLog } from "../composition/failure-log.ts";
import { retryScheduler } from "../composition/queues.ts";
import { retryPolicy } from "../composition/settings.ts";
import { countFailure } from "../metrics.ts";
import { sqsBatchHandler } from "./batch-handler.ts";
import { handleMessage } from "./handle-message.ts";

/**
 * OrdersProcessor: records each order of the batch and runs its saga, or
 * runs a cancellation. A failed record is
 * reported in `batchItemFailures` and never fails its batch-mates.
 */
export const handler = sqsBatchHandler((record, attempt) => handleMessage(parseQueueMessage(record.body), attempt), {
  onFailure: { failures: failureLog(), retries: retryScheduler(), policy: retryPolicy() },
  message: "order processing failed",
  count: countFailure,
});
