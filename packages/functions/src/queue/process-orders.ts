import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parseQueueMessage } from "@orders/core/domain/queue-message";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { logger } from "../composition/logger.ts";
import { retryScheduler } from "../composition/queues.ts";
import { retryPolicy } from "../composition/settings.ts";
import { failureLog } from "../composition/table.ts";
import { countFailure, metrics } from "../metrics.ts";
import { handleMessage } from "./handle-message.ts";
import { failureReporter } from "./report-failure.ts";

const reportFailure = failureReporter({
  onFailure: { failures: failureLog(), retries: retryScheduler(), policy: retryPolicy() },
  message: "order processing failed",
  count: countFailure,
});

async function processRecord(record: SQSRecord): Promise<void> {
  try {
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    await handleMessage(parseQueueMessage(record.body), attempt);
  } catch (error) {
    await reportFailure(record, error);
    throw error;
  }
}

/**
 * OrdersProcessor: records each order of the batch and runs its saga, or
 * runs a cancellation. A failed record is
 * reported in `batchItemFailures` and never fails its batch-mates.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  // One processor per invocation: it holds the batch's state, and a host that
  // runs invocations concurrently in one process (the local runtime) must not share it.
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(event, processRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  // A batch of redeliveries counts nothing; publishing nothing would only log a warning.
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  return response;
}
